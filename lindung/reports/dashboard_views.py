"""The home page's dashboards (admin: the whole registry; coordinator: their own
participants) and the Excel/PDF download of each chart's table."""

import tempfile
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from lindung.accounts.models import User
from lindung.billing.models import PaymentMethod
from lindung.contacts.models import Contact
from lindung.core.permissions import signed_in, staff_required
from lindung.operations.replica import reading_from_replica
from lindung.regions.cached import level_counts
from lindung.regions.models import Level

from .dashboard import Period, figures, scoped_groups
from .dashboard_cache import Snapshot, snapshot
from .dashboard_charts import CHARTS, chart_views
from .dashboard_forms import DashboardFilterForm
from .exports.service import FORMATS
from .exports.spec import ExportMeta

DOWNLOAD_FORMATS = ("xlsx", "pdf")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _load(request: HttpRequest) -> tuple[DashboardFilterForm, dict[str, Any], Period, Snapshot]:
    user, today = _user(request), timezone.localdate()
    form = DashboardFilterForm(request.GET or None, user=user, today=today)
    filters, period = form.dashboard_filters(), form.period()
    parts = {
        "user": user.pk,
        "admin": user.is_admin,
        "filters": filters,
        "period": [period.first, period.last],
        "today": today,
    }
    return form, filters, period, snapshot(parts, lambda: figures(user, filters, period, today))


def registry_counts(user: User, filters: dict[str, Any]) -> dict[str, int]:
    """Small tables, counted live on every view."""
    by_level = _region_counts()
    return {
        "villages": by_level.get(Level.VILLAGE, 0),
        "districts": by_level.get(Level.DISTRICT, 0),
        "contacts": Contact.objects.count(),
        "users": User.objects.count(),
        "payment_methods": PaymentMethod.objects.count(),
        "groups": scoped_groups(user, filters).count(),
    }


def _region_counts() -> dict[int, int]:
    return level_counts()


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    """What the home page needs to show the signed-in user's dashboard."""
    user = _user(request)
    form, filters, period, snap = _load(request)
    return {
        "form": form,
        "filter_form": form,
        "period": period,
        "snapshot": snap,
        "data": snap.data,
        "charts": chart_views(snap.data),
        "query": request.GET.urlencode(),
        "is_filtered": bool(filters),
        "registry": registry_counts(user, filters) if user.is_admin else None,
        "period_label": period_label(period),
    }


@signed_in
@reading_from_replica()
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/dashboard.html", dashboard_context(request))


@signed_in
@reading_from_replica()
def home(request: HttpRequest) -> HttpResponse:
    """The home page is the signed-in user's dashboard (admin or coordinator). Routed as
    core:home by config/urls.py: core itself imports no domain app."""
    context = dashboard_context(request)
    context["participant_count"] = context["data"]["participants"]
    return render(request, "reports/home.html", context)


def _describe(form: DashboardFilterForm, period: Period, snap: Snapshot) -> list[tuple[str, str]]:
    lines = []
    if form.is_bound and form.is_valid():
        for name in ("district", "village", "group", "coordinator"):
            value = form.cleaned_data.get(name)
            if value:
                lines.append((str(form.fields[name].label), str(value)))
    lines.append((gettext("Period"), period_label(period)))
    when = timezone.localtime(snap.computed_at)
    lines.append((gettext("Figures as of"), formats.date_format(when, "j M Y H:i")))
    return lines


@staff_required
@reading_from_replica()
def chart_download(request: HttpRequest, key: str, fmt: str) -> FileResponse:
    chart = CHARTS.get(key)
    if chart is None or fmt not in DOWNLOAD_FORMATS:
        raise Http404
    user = _user(request)
    form, _filters, period, snap = _load(request)
    rows = chart.rows(snap.data, True)
    meta = ExportMeta(
        title=str(chart.title),
        exported_by=user.get_full_name() or user.username,
        exported_at=timezone.now(),
        filters=_describe(form, period, snap),
        total=len(rows),
    )
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    FORMATS[fmt].write(out, columns=chart.export_columns(), rows=rows, meta=meta)
    out.seek(0)
    stamp = timezone.localtime(snap.computed_at).strftime("%Y%m%d-%H%M")
    # Named in the user's language ("peserta-per-kecamatan-..."), like the list exports.
    name = f"{slugify(str(chart.title)) or chart.key}-{stamp}.{FORMATS[fmt].extension}"
    response = FileResponse(out, as_attachment=True, filename=name, content_type=FORMATS[fmt].content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def period_label(period: Period) -> str:
    return f"{formats.date_format(period.first, 'M Y')} – {formats.date_format(period.last, 'M Y')}"
