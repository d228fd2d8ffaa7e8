"""The product's own 400/403/404/500 pages (UI-2): menu, Indonesian first, a way back.

400/403/404 render with the request, so a signed-in user keeps the menu. 500 renders
with a bare context: the database or a context processor may be what failed, so the
page must not touch either (no user, no session, no CSRF token).
"""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.template.exceptions import TemplateDoesNotExist

logger = logging.getLogger(__name__)


def _page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    body = loader.render_to_string(template, {"status": status}, request=request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after the session expired or from a stale tab: say so, not Django's English page."""
    return _page(request, "errors/403_csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    try:
        body = loader.get_template("errors/500.html").render({"status": 500})
    except TemplateDoesNotExist:  # pragma: no cover - only if the template went missing
        body = "<h1>500</h1>"
    return HttpResponseServerError(body)
