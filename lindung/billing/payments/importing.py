"""The payments import kind (REG-4, CON-3): one row per payment received, written through
lindung.billing.payments.services.payment_record (allocation, receipts, coverage), actor = the importer.

A reference already recorded for the same NIK, amount and date is the same payment
uploaded again: it counts as unchanged, so uploading a file twice records it once.
A row without a reference is matched by NIK, amount and date against the payments on
record without a reference (not reversed), one for one: a file that holds two such rows
for a worker, uploaded once, records both; uploaded again, records neither. The
submission key of a row is derived from (import, sheet, row), so running a commit again
cannot record a row twice either."""

import datetime
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Sum
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.accounts.models import Role, User
from lindung.billing.models import Bill, Payment, PaymentMethod
from lindung.billing.payments import services as billing_payments
from lindung.contributions.calculator import add_months, month_start, participant_contribution
from lindung.core.money import rupiah
from lindung.core.scoping import scope_queryset
from lindung.jobs.models import Job
from lindung.participants.imports import values
from lindung.participants.imports.base import Action, Outcome, SourceRow
from lindung.participants.imports.columns import ColumnSpec
from lindung.participants.imports.kinds import KindSpec, register_kind
from lindung.participants.imports.pipeline import CommitAborted
from lindung.participants.models import Participant
from lindung.participants.nik import clean_nik

COLUMNS: Sequence[ColumnSpec] = (
    ColumnSpec("nik", gettext_lazy("NIK"), ("no ktp", "nomor ktp", "nomor nik", "nik peserta"), required=True),
    ColumnSpec(
        "paid_on",
        gettext_lazy("Payment date"),
        ("tanggal bayar", "tgl bayar", "tanggal pembayaran", "tanggal", "payment date", "date", "paid on"),
        required=True,
    ),
    ColumnSpec(
        "amount", gettext_lazy("Amount"), ("jumlah", "nominal", "jumlah bayar", "iuran", "amount"), required=True
    ),
    ColumnSpec(
        "method",
        gettext_lazy("Method"),
        ("metode", "cara bayar", "metode bayar", "metode pembayaran", "method", "payment method"),
        required=True,
    ),
    ColumnSpec("reference", gettext_lazy("Reference"), ("referensi", "no referensi", "no transaksi", "reference")),
    ColumnSpec(
        "collected_by",
        gettext_lazy("Collected by"),
        ("dikumpulkan oleh", "penagih", "kolektor", "koordinator", "collected by", "collector"),
    ),
    ColumnSpec(
        "prepaid_months",
        gettext_lazy("Months paid in advance"),
        ("bulan dibayar di muka", "bayar di muka", "prepaid months", "months in advance"),
    ),
    ColumnSpec("note", gettext_lazy("Note"), ("catatan", "keterangan", "note", "notes")),
)

NOT_FOUND_MESSAGE = gettext_lazy("No participant with this NIK among those you can see.")
ALREADY_RECORDED_MESSAGE = gettext_lazy("A payment with this reference has already been recorded.")


def submission_key(job_id: int, sheet: str, row: int) -> str:
    """Stable per (import, sheet, row) and within the column's 64 characters."""
    sheet_hash = hashlib.sha256(sheet.encode()).hexdigest()[:16]
    return f"import-{job_id}-{sheet_hash}-{row}"


class PaymentImport:
    columns = COLUMNS

    def __init__(self, *, actor: User, job_id: int) -> None:
        self.actor = actor
        self.job_id = job_id
        self._methods = {m.name.casefold(): m for m in PaymentMethod.objects.all()}
        self._seen_reference: dict[str, str] = {}
        # What each participant still owes once the file's earlier rows are paid.
        self._owed: dict[int, int] = {}
        self._billed_months: dict[int, set[datetime.date]] = {}
        # Payments on record without a reference, per (participant, amount, date), that no
        # earlier row of this file has matched yet.
        self._unmatched: Counter[tuple[int, int, datetime.date]] = Counter()
        self._unmatched_loaded: set[int] = set()

    # -- checking ---------------------------------------------------------------------

    def check(self, rows: list[SourceRow]) -> list[Outcome]:
        parsed = [self._parse(row) for row in rows]
        niks = {o.key for o, _d in parsed if o.key}
        visible = {p.nik: p for p in scope_queryset(self.actor, Participant.objects.filter(nik__in=niks))}
        self._load_owed([p.pk for p in visible.values() if p.pk not in self._owed])
        self._load_unmatched([p.pk for p in visible.values() if p.pk not in self._unmatched_loaded])
        references = {d["reference"] for _o, d in parsed if d.get("reference")}
        recorded = {
            p.reference: p
            for p in Payment.objects.filter(reference__in=references).only(
                "reference", "participant_id", "amount", "paid_on"
            )
        }
        users = self._users({d["collected_by"] for _o, d in parsed if d.get("collected_by")})
        outcomes = []
        for outcome, data in parsed:
            participant = visible.get(outcome.key) if outcome.key else None
            if outcome.key and participant is None:
                outcome.fail("nik", str(NOT_FOUND_MESSAGE))
            self._resolve(outcome, data, users)
            reference = data.get("reference", "")
            if reference and self._repeated(outcome, reference):
                pass
            elif reference in recorded and participant is not None:
                self._already_recorded(outcome, data, participant, recorded[reference])
            elif reference in recorded:
                outcome.fail("reference", str(ALREADY_RECORDED_MESSAGE))
            elif not reference and participant is not None:
                self._recorded_without_reference(outcome, data, participant)
            if outcome.action == Action.NEW and participant is not None:
                self._validate(outcome, data, participant)
            outcomes.append(outcome)
        return outcomes

    def _parse(self, row: SourceRow) -> tuple[Outcome, dict[str, Any]]:
        outcome = Outcome(row=row)
        data: dict[str, Any] = {}
        readers = {
            "paid_on": values.date,
            "amount": values.rupiah,
            "prepaid_months": _months,
            "reference": _limited(80),
            "note": _limited(200),
            "method": values.text,
            "collected_by": values.text,
        }
        for name, (raw, _label) in row.cells.items():
            if name == "nik" or values.is_blank(raw):
                continue
            try:
                data[name] = readers[name](raw)
            except values.CellError as exc:
                outcome.fail(name, str(exc))
        nik_raw = row.cells["nik"][0]
        outcome.key = clean_nik(values.text(nik_raw)) if not values.is_blank(nik_raw) else ""
        if not outcome.key:
            outcome.fail("nik", _("This field is required."))
        elif values.excel_number_warning(nik_raw) and outcome.key.endswith("0"):
            outcome.fail("nik", values.excel_number_warning(nik_raw).strip())
        for name in ("paid_on", "amount", "method"):
            if values.is_blank(row.cells.get(name, ("", ""))[0]):
                outcome.fail(name, _("This field is required."))
        return outcome, data

    def _users(self, usernames: set[str]) -> dict[str, User]:
        if not usernames or self.actor.is_coordinator:
            return {}
        found = (
            User.objects.annotate(folded=Lower("username"))
            .filter(
                folded__in={u.casefold() for u in usernames}, is_active=True, role__in=(Role.COORDINATOR, Role.ADMIN)
            )
            .only("id", "username", "role")
        )
        return {u.username.casefold(): u for u in found}

    def _resolve(self, outcome: Outcome, data: dict[str, Any], users: dict[str, User]) -> None:
        if "method" in data:
            method = self._methods.get(data["method"].casefold())
            if method is None:
                names = ", ".join(m.name for m in self._methods.values() if m.is_active)
                outcome.fail("method", _("Unknown payment method. Write one of: %(names)s.") % {"names": names})
            data["method"] = method
        username = data.pop("collected_by", None)
        if self.actor.is_coordinator:
            data["collected_by"] = self.actor  # a coordinator records what they collected themselves
        elif username:
            user = users.get(username.casefold())
            if user is None:
                outcome.fail("collected_by", _("No active coordinator or administrator has this username."))
            data["collected_by"] = user

    def _repeated(self, outcome: Outcome, reference: str) -> bool:
        where = _("sheet “%(sheet)s”, row %(row)s") % {"sheet": outcome.row.sheet, "row": outcome.row.number}
        first = self._seen_reference.setdefault(reference.casefold(), where)
        if first != where:
            outcome.fail("reference", _("The same reference is already in %(where)s.") % {"where": first})
            return True
        return False

    def _already_recorded(
        self, outcome: Outcome, data: dict[str, Any], participant: Participant, payment: Payment
    ) -> None:
        same = (
            payment.participant_id == participant.pk
            and payment.amount == data.get("amount")
            and payment.paid_on == data.get("paid_on")
        )
        if not same:
            outcome.fail("reference", str(ALREADY_RECORDED_MESSAGE))
        elif outcome.action != Action.ERROR:
            outcome.action = Action.UNCHANGED
            outcome.summary = self._summary(participant, data)

    def _load_unmatched(self, participant_ids: list[int]) -> None:
        if not participant_ids:
            return
        self._unmatched_loaded.update(participant_ids)
        on_record = Payment.objects.filter(
            participant__in=participant_ids, reference="", amount__gt=0, reversed_by__isnull=True
        ).values_list("participant", "amount", "paid_on")
        self._unmatched.update(on_record)

    def _recorded_without_reference(self, outcome: Outcome, data: dict[str, Any], participant: Participant) -> None:
        """The same payment uploaded again, when nothing but NIK, amount and date can say so."""
        if outcome.action == Action.ERROR or "amount" not in data or "paid_on" not in data:
            return
        key = (participant.pk, data["amount"], data["paid_on"])
        if self._unmatched[key] > 0:
            self._unmatched[key] -= 1
            outcome.action = Action.UNCHANGED
            outcome.summary = self._summary(participant, data)

    def _load_owed(self, participant_ids: list[int]) -> None:
        if not participant_ids:
            return
        self._owed.update(dict.fromkeys(participant_ids, 0))
        open_bills = (
            Bill.objects.filter(participant__in=participant_ids, settled_on__isnull=True)
            .values("participant")
            .annotate(owed=Sum(F("amount") - F("paid_amount")))
        )
        for row in open_bills:
            self._owed[row["participant"]] = row["owed"]
        for participant_id, month in Bill.objects.filter(participant__in=participant_ids).values_list(
            "participant", "month"
        ):
            self._billed_months.setdefault(participant_id, set()).add(month)

    def _prepaid(self, participant: Participant, paid_on: datetime.date, months: int) -> int:
        """What the months paid in advance add to the amount owed (bills not issued yet)."""
        billed = self._billed_months.setdefault(participant.pk, set())
        added = 0
        for i in range(months):
            month = add_months(month_start(paid_on), i)
            if month not in billed:
                added += participant_contribution(participant, month).total
                billed.add(month)
        return added

    def _validate(self, outcome: Outcome, data: dict[str, Any], participant: Participant) -> None:
        if outcome.action == Action.ERROR:
            return
        entry = billing_payments.PaymentInput(
            amount=data["amount"],
            paid_on=data["paid_on"],
            method=data["method"],
            reference=data.get("reference", ""),
            collected_by=data.get("collected_by"),
            prepaid_months=data.get("prepaid_months", 0),
            note=data.get("note", ""),
        )
        try:
            clean = billing_payments._validate(self.actor, participant, entry)
            owed = self._owed.get(participant.pk, 0)
            if clean.prepaid_months:
                owed += self._prepaid(participant, clean.paid_on, clean.prepaid_months)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    outcome.fail(name, message)
            return
        if clean.amount > owed:
            self._owed[participant.pk] = owed
            # The service's own words, so preview and commit say the same.
            outcome.fail(
                "amount",
                _(
                    "The participant owes %(owed)s for the open months. To pay ahead, choose the number of "
                    "months paid in advance."
                )
                % {"owed": rupiah(owed)},
            )
            return
        self._owed[participant.pk] = owed - clean.amount
        outcome.payload = (participant, clean, submission_key(self.job_id, outcome.row.sheet, outcome.row.number))
        outcome.summary = self._summary(participant, data)

    def _summary(self, participant: Participant, data: dict[str, Any]) -> dict[str, Any]:
        method = data.get("method")
        return {
            "name": participant.full_name,
            "amount": data.get("amount"),
            "paid_on": data["paid_on"].isoformat() if data.get("paid_on") else "",
            "method": method.name if method else "",
            "reference": data.get("reference", ""),
        }

    # -- writing ------------------------------------------------------------------------

    def write(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.action != Action.NEW:
                continue
            participant, entry, key = outcome.payload
            try:
                billing_payments.payment_record(
                    actor=self.actor, participant=participant, data=entry, submission_key=key
                )
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise CommitAborted(
                    _("Nothing was imported: sheet “%(sheet)s”, row %(row)s: %(message)s")
                    % {"sheet": outcome.row.sheet, "row": outcome.row.number, "message": " ".join(messages)}
                ) from exc


def _months(value: Any) -> int:
    raw = values.digits(value)
    if not raw.isdigit() or int(raw) > 120:
        raise values.CellError(_("Write a whole number of months, e.g. 3."))
    return int(raw)


def _limited(size: int) -> Any:
    def read(value: Any) -> str:
        text = values.text(value)
        if len(text) > size:
            raise values.CellError(_("At most %(max)d characters.") % {"max": size})
        return text

    return read


def _build(preview: Job, committing: bool) -> PaymentImport:
    return PaymentImport(actor=preview.created_by, job_id=preview.pk)


def register() -> None:
    """Called from BillingConfig.ready(): the import pages and jobs find the kind by name."""
    register_kind(KindSpec("payments", COLUMNS, _build))
