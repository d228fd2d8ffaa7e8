"""Template variables (MSG-1): which exist, checking a text at authoring, and filling
them for participants at send time.

A text names variables as ``{name}``. Authoring refuses a variable that does not exist
and a stray brace. At send time a variable that would be empty (no coordinator phone, no
self-service page yet) skips that participant's message with the reason
``empty:<variable>``, counted on the campaign: a reminder with a hole in it is worse
than none."""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Min, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from lindung.billing.models import Bill, PaymentMethod
from lindung.core.money import rupiah
from lindung.core.phones import format_national
from lindung.participants.models import Participant

VARIABLES: dict[str, object] = {
    "name": _("the participant's full name"),
    "amount_due": _("the amount owed (Rp), or the bill's open amount"),
    "months_late": _("how many months are owed"),
    "due_date": _("the due date of the bill (or the oldest unpaid one)"),
    "payment_options": _("the ways to pay that are in use"),
    "coordinator_name": _("the coordinator's name"),
    "coordinator_phone": _("the coordinator's mobile phone"),
    "self_service_link": _("a link to the participant's own page (when self-service is on)"),
}
_NAME = re.compile(r"\{([^{}]*)\}")


def variables_in(text: str) -> list[str]:
    """The variables of a text in order of first appearance (the WhatsApp parameters)."""
    seen: list[str] = []
    for name in _NAME.findall(text):
        if name not in seen:
            seen.append(name)
    return seen


def check_text(text: str) -> None:
    """Refuse unknown variables and unbalanced braces, naming them."""
    unknown = [name for name in variables_in(text) if name not in VARIABLES]
    if unknown:
        raise ValidationError(
            _("Unknown variable: %(names)s. Known: %(known)s.")
            % {"names": ", ".join("{" + n + "}" for n in unknown), "known": ", ".join("{" + k + "}" for k in VARIABLES)}
        )
    if "{" in _NAME.sub("", text) or "}" in _NAME.sub("", text):
        raise ValidationError(_("A brace is not closed: write variables as {name}."))


def self_service_link() -> str:
    """The participant's own page, once the self-service app provides the URL; empty
    until then (messages that use it are skipped, not sent with a hole)."""
    config = settings.LINDUNG_MESSAGING
    name = config.get("SELF_SERVICE_URL_NAME", "")
    if not name:
        return ""
    try:
        path = reverse(name)
    except NoReverseMatch:
        return ""
    return str(config.get("SITE_URL", "")).rstrip("/") + path


@dataclass(frozen=True)
class Filled:
    text: str
    params: tuple[str, ...]
    missing: str  # the first empty variable, or ""


def _day(value: datetime.date | None, language: str) -> str:
    if value is None:
        return ""
    with translation.override(language):
        return str(formats.date_format(value, "j F Y"))


def values_for(
    participants: Iterable[Participant], *, bills: Mapping[int, Bill] | None = None, language: str = "id"
) -> dict[int, dict[str, str]]:
    """Every variable's value for each participant, read in a few queries for the whole
    batch. ``bills``: the bill a policy message is about, per participant."""
    people = list(participants)
    ids = [p.pk for p in people]
    bills = bills or {}
    # Live from the open bills of this batch (a hundred people): exact at send time,
    # where the arrears table holds the figures of its nightly day.
    today = timezone.localdate()
    open_bills = Bill.objects.filter(participant_id__in=ids, settled_on__isnull=True)
    owed = {
        row["participant_id"]: row
        for row in open_bills.filter(due_date__lt=today)
        .values("participant_id")
        .annotate(months=Count("id"), amount=Sum(F("amount") - F("paid_amount")))
    }
    oldest_due = dict(
        open_bills.values("participant_id").annotate(due=Min("due_date")).values_list("participant_id", "due")
    )
    methods = ", ".join(PaymentMethod.objects.filter(is_active=True).order_by("name").values_list("name", flat=True))
    link = self_service_link()
    values: dict[int, dict[str, str]] = {}
    for p in people:
        late = owed.get(p.pk, {"months": 0, "amount": 0})
        bill = bills.get(p.pk)
        amount = (bill.amount - bill.paid_amount) if bill is not None else int(late["amount"] or 0)
        coordinator = p.coordinator
        values[p.pk] = {
            "name": p.full_name,
            "amount_due": rupiah(amount) if amount > 0 else "",
            "months_late": str(late["months"]) if late["months"] else "",
            "due_date": _day(bill.due_date if bill is not None else oldest_due.get(p.pk), language),
            "payment_options": methods,
            "coordinator_name": (coordinator.get_full_name() or coordinator.username) if coordinator else "",
            "coordinator_phone": format_national(coordinator.phone) if coordinator and coordinator.phone else "",
            "self_service_link": link,
        }
    return values


def fill(text: str, values: Mapping[str, str]) -> Filled:
    names = variables_in(text)
    missing = next((n for n in names if not values.get(n)), "")
    rendered = _NAME.sub(lambda m: values.get(m.group(1), "") or "…", text)
    return Filled(rendered, tuple(values.get(n, "") for n in names), missing)
