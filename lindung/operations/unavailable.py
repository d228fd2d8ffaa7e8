"""The product's own answer while the database is unreachable (a restart, a failover, a
network cut): 503 with Retry-After and a page in the product's look, instead of a bare
500. Installed as Django's handler500, so it also covers errors raised by middleware
(sessions, sign-in) around the view, not only by views.

The page is rendered without the request's context processors: they would read the user
and the session, that is, the database that just failed. Django closes the broken
connection at the end of the request (errors_occurred, CONN_HEALTH_CHECKS), so the next
request opens a new one and the application recovers without a restart."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lindung.core import errors

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def is_database_outage(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_database_outage(sys.exc_info()[1]):
        return errors.server_error(request)  # the product's own 500 page
    logger.warning("database unreachable: answered %s with 503", request.path)
    # The failure may surface after the language middleware has finished (a session saved
    # on the way out), so the language it chose is set again here.
    with translation.override(getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE):
        return _unavailable(request)


def _unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _("The service is briefly unavailable. Try again shortly.")}, status=503)
    else:
        page = render_to_string("operations/unavailable.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = translation.get_language()
    return response
