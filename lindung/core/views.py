from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from lindung.core.permissions import public, signed_in


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    """The home page is the signed-in user's dashboard (admin or coordinator)."""
    from lindung.reports.dashboard_views import dashboard_context

    context = dashboard_context(request)
    context["participant_count"] = context["data"]["participants"]
    return render(request, "core/home.html", context)


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
