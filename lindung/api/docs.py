"""The interactive API reference (Swagger UI), served from the app's own static files
(drf-spectacular-sidecar): no CDN. The page's script comes from a URL of its own
(the "split" view), so scripts stay same-origin only; Swagger UI's page carries one
inline <style>, hence the one relaxation of the site's policy."""

from typing import Any

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.core.middleware import CONTENT_SECURITY_POLICY

DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';")


class ApiDocsView(SpectacularSwaggerSplitView):
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_POLICY
        return response
