"""The audit trail page (ACC-6, admins only): sign-ins, or participant changes at
``audit/changes/`` (also reachable as ``audit/?tab=changes``)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lindung.core.permissions import admin_required
from lindung.core.tables import Column, build_table

from . import audit
from .forms import ChangeFilterForm, SigninFilterForm

TABS = ("signins", "changes")


def _active(data: dict[str, object]) -> dict[str, object]:
    """The filters actually in use, for the "(n)" count and the Clear link."""
    return {k: v for k, v in data.items() if k != "tab" and v not in (None, "")}


@admin_required
def audit_trail(request: HttpRequest, tab: str = "") -> HttpResponse:
    # Each tab has its own path (so the table's "Clear" link stays on it); ?tab= works too.
    tab = tab or request.GET.get("tab") or TABS[0]
    if tab == "changes":
        return _changes(request)
    return _signins(request)


def _signins(request: HttpRequest) -> HttpResponse:
    form = SigninFilterForm(request.GET or None, initial={"tab": "signins"})
    data = form.cleaned_data if form.is_valid() else {}
    start, end = audit.day_bounds(data.get("date_from"), data.get("date_to"))
    # The search box holds the username: a UNION cannot be filtered after the fact, so the
    # term is applied to both halves here rather than through build_table's search hook.
    q = (request.GET.get("q") or "").strip()[:100]
    rows = audit.signins(username=q, outcome=data.get("outcome", ""), start=start, end=end)
    table = build_table(
        request,
        rows,
        columns=[
            Column("attempt_time", _("When"), sort="attempt_time"),
            Column("username", _("Username"), sort="username"),
            Column("success", _("Result")),
            Column("ip_address", _("IP address")),
            Column("user_agent", _("Browser"), css="hide-sm"),
        ],
        default_sort="-attempt_time",
        tiebreak="id",
        filters=_active(data),
    )
    context = {"tab": "signins", "table": table, "filter_form": form, "search_placeholder": _("Username")}
    return render(request, "accounts/audit.html", context)


def _changes(request: HttpRequest) -> HttpResponse:
    form = ChangeFilterForm(request.GET or None, initial={"tab": "changes"})
    data = form.cleaned_data if form.is_valid() else {}
    start, end = audit.day_bounds(data.get("date_from"), data.get("date_to"))
    user = data.get("user")
    records = audit.participant_changes(
        user_id=user.pk if user else None, kind=data.get("kind", ""), start=start, end=end
    )
    table = build_table(
        request,
        records,
        columns=[
            Column("history_date", _("When"), sort="history_date"),
            Column("history_user", _("Changed by"), sort="history_user__username"),
            Column("history_type", _("Change")),
            Column("full_name", _("Participant"), sort="full_name"),
            Column("fields", _("What changed")),
        ],
        default_sort="-history_date",
        search=audit.participant_change_search,
        tiebreak="history_id",
        filters=_active(data),
    )
    rows = audit.change_rows(list(table.page.object_list))
    context = {
        "tab": "changes",
        "table": table,
        "rows": rows,
        "filter_form": form,
        "search_placeholder": _("Participant name"),
    }
    return render(request, "accounts/audit.html", context)
