from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from lindung.core.permissions import public, signed_in


@public
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)


@signed_in
def placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Not built yet", status=501)
