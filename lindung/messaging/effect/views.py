"""The effect page (MSG-10): reminded versus held out, for one group, scoped."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lindung.core.permissions import staff_required

from .models import ControlShare
from .report import effect_report, groups_for

DEFAULT_DAYS = 30


@staff_required
@require_GET
def effect(request: HttpRequest) -> HttpResponse:
    groups = groups_for(request.user)
    group = request.GET.get("group") or (groups[0] if groups else "")
    error = ""
    try:
        days = int(request.GET.get("days") or DEFAULT_DAYS)
    except ValueError:
        days, error = DEFAULT_DAYS, "days"
    if not 1 <= days <= 365:
        days, error = DEFAULT_DAYS, "days"
    today = timezone.localdate()
    report = effect_report(request.user, group, days, today) if group in groups else None
    return render(
        request,
        "messaging/effect.html",
        {
            "groups": groups,
            "group": group,
            "days": days,
            "days_error": error,
            "report": report,
            "share": ControlShare.on(today),
        },
    )
