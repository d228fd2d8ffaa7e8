"""The payment export (CON-6): payments the user may see (payments_visible_to), filtered by
date range, method, collector, coordinator (admin) and a search over participant, receipt
and reference. Reversals appear as their own rows with a negative amount, so a column
sum is the money actually kept. The PDF masks the NIK, as the participant export does."""

import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import Role, User
from lindung.billing.models import Payment, PaymentMethod
from lindung.billing.selectors import payments_search, payments_visible_to
from lindung.participants.models import Participant

from .participants import SEARCH_MAX, as_querydict
from .spec import ExportColumn, ExportSpec, Params, register

PARAMS = frozenset({"q", "date_from", "date_to", "method", "collected_by", "coordinator"})


def _date(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None  # an unreadable date filters nothing, as the list page's form would


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _filters(user: Any, params: Params) -> dict[str, Any]:
    query = as_querydict(params)
    applied: dict[str, Any] = {}
    for name in ("date_from", "date_to"):
        day = _date(query.get(name))
        if day:
            applied[name] = day
    for name in ("method", "collected_by", "coordinator"):
        number = _int(query.get(name))
        if number is not None and (name != "coordinator" or user.is_admin):
            applied[name] = number
    q = (query.get("q") or "").strip()[:SEARCH_MAX]
    if q:
        applied["q"] = q
    return applied


def payment_export_queryset(user: Any, params: Params) -> QuerySet[Payment]:
    applied = _filters(user, params)
    queryset = payments_visible_to(user)
    if "date_from" in applied:
        queryset = queryset.filter(paid_on__gte=applied["date_from"])
    if "date_to" in applied:
        queryset = queryset.filter(paid_on__lte=applied["date_to"])
    if "method" in applied:
        queryset = queryset.filter(method_id=applied["method"])
    if "collected_by" in applied:
        queryset = queryset.filter(collected_by_id=applied["collected_by"])
    if "coordinator" in applied:
        queryset = queryset.filter(participant__coordinator_id=applied["coordinator"])
    if "q" in applied:
        queryset = payments_search(queryset, applied["q"])
    return (
        queryset.annotate(months=Count("allocations"))
        .select_related("participant", "method", "collected_by")
        .only(
            "id",
            "receipt_number",
            "paid_on",
            "amount",
            "reference",
            "prepaid_months",
            "participant__nik",
            "participant__full_name",
            "method__name",
            "collected_by__username",
            "collected_by__first_name",
            "collected_by__last_name",
        )
        .order_by("paid_on", "id")
    )


def describe_payment_export(user: Any, params: Params) -> list[tuple[str, str]]:
    applied = _filters(user, params)
    lines: list[tuple[str, str]] = []
    if "date_from" in applied:
        lines.append((gettext("From"), applied["date_from"].isoformat()))
    if "date_to" in applied:
        lines.append((gettext("To"), applied["date_to"].isoformat()))
    if "method" in applied:
        method = PaymentMethod.objects.filter(pk=applied["method"]).first()
        lines.append((gettext("Method"), method.name if method else "–"))
    for key, label in (("collected_by", gettext("Collected by")), ("coordinator", gettext("Coordinator"))):
        if key in applied:
            person = User.objects.filter(pk=applied[key], role__in=(Role.COORDINATOR, Role.ADMIN)).first()
            lines.append((label, str(person) if person else "–"))
    if "q" in applied:
        lines.append((gettext("Search"), applied["q"]))
    return lines


def _masked(payment: Payment) -> str:
    participant: Participant = payment.participant
    return participant.masked_nik


def _columns(user: Any) -> list[ExportColumn]:
    return [
        ExportColumn("receipt", _("Receipt"), lambda p: p.receipt_number, width=16),
        ExportColumn("date", _("Date"), lambda p: p.paid_on, kind="date", width=12),
        ExportColumn("participant", _("Participant"), lambda p: p.participant.full_name, width=28),
        ExportColumn("nik", _("NIK"), lambda p: p.participant.nik, width=18, pdf_value=_masked),
        ExportColumn("amount", _("Amount (Rp)"), lambda p: p.amount, kind="number", width=16, money=True, total=True),
        ExportColumn("method", _("Method"), lambda p: p.method.name, width=20),
        ExportColumn("reference", _("Reference"), lambda p: p.reference, width=18),
        ExportColumn(
            "collected_by", _("Collected by"), lambda p: str(p.collected_by) if p.collected_by else "", width=20
        ),
        ExportColumn("months", _("Months covered"), lambda p: p.months, kind="number", width=8),
    ]


PAYMENTS = register(
    ExportSpec(
        key="payments",
        title=_("Payments"),
        filename_stem="pembayaran",
        columns=_columns,
        queryset=payment_export_queryset,
        describe=describe_payment_export,
        params_allowed=PARAMS,
    )
)
