"""Recording payments (CON-3): allocated to the oldest open bills, numbered receipts, a
reference never recorded twice (the database's unique constraints are the guard, so two
clicks or two clerks at once cannot both succeed), corrections as reversing entries."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.billing.bills.services import bills_ensure
from lindung.billing.models import (
    Bill,
    CollectionAccount,
    Deposit,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    ReceiptSequence,
)
from lindung.contributions.calculator import add_months, month_start
from lindung.contributions.models import RuleKind
from lindung.contributions.selectors import rules_in_force
from lindung.core import access, events
from lindung.core.money import rupiah
from lindung.participants.models import Participant


@dataclass(frozen=True)
class PaymentInput:
    amount: int
    paid_on: datetime.date
    method: PaymentMethod
    reference: str = ""
    collection_account: CollectionAccount | None = None
    collected_by: User | None = None
    prepaid_months: int = 0
    note: str = ""


def _check_actor(actor: User, participant: Participant) -> None:
    access.require(
        access.principal_of(actor),
        participant,
        "record_payment",
        _("You cannot record payments for this participant."),
    )


def _next_receipt_number(on: datetime.date) -> str:
    # One statement takes the next number: the upsert creates the year's row or bumps it,
    # holding the row lock until the payment's transaction ends, so numbers run without
    # gaps or repeats however many clerks record at once (PostgreSQL and SQLite 3.35+).
    quote = connection.ops.quote_name
    table = quote(ReceiptSequence._meta.db_table)
    year, last = quote("year"), quote("last_number")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({year}, {last}) VALUES (%s, 1) "  # noqa: S608 - names from the model
            f"ON CONFLICT ({year}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            [on.year],
        )
        (number,) = cursor.fetchone()
    return f"KW-{on.year}-{number:06d}"


def _validate(actor: User, participant: Participant, data: PaymentInput) -> PaymentInput:
    errors: dict[str, list[str]] = {}
    collected_by = data.collected_by
    if access.acts_for_self(access.principal_of(actor)):
        collected_by = actor  # a coordinator records what they collected themselves
    if data.amount <= 0:
        errors["amount"] = [_("Enter the amount received, in whole rupiah.")]
    today = timezone.localdate()
    if data.paid_on > today:
        errors["paid_on"] = [_("The payment date cannot be in the future.")]
    if not data.method.is_active:
        errors["method"] = [_("This payment method is no longer in use.")]
    reference = " ".join(data.reference.split())
    if data.method.needs_reference and not reference:
        errors["reference"] = [_("This payment method needs the transaction reference.")]
    account = data.collection_account
    if account is not None and (not account.is_active or (collected_by and account.coordinator_id != collected_by.pk)):
        errors["collection_account"] = [_("Choose an active account of the collecting coordinator.")]
    if data.method.is_cash and collected_by is None:
        errors["collected_by"] = [_("Say which coordinator collected the cash.")]
    if data.prepaid_months:
        options = rules_in_force(month_start(data.paid_on)).find(RuleKind.PREPAY, participant.category)
        allowed = options.month_options if options else [1]
        if data.prepaid_months not in allowed:
            errors["prepaid_months"] = [
                _("Months can be paid in advance in blocks of %(options)s.")
                % {"options": ", ".join(str(m) for m in allowed)}
            ]
    if errors:
        raise ValidationError(errors)
    return PaymentInput(
        amount=data.amount,
        paid_on=data.paid_on,
        method=data.method,
        reference=reference,
        collection_account=account,
        collected_by=collected_by,
        prepaid_months=data.prepaid_months,
        note=data.note.strip(),
    )


def payment_record(*, actor: User, participant: Participant, data: PaymentInput, submission_key: str) -> Payment:
    """Record a payment and allocate it to the oldest open bills.

    ``submission_key`` comes from the form (one per rendered form): the same form sent
    twice returns the first payment instead of recording another one.
    """
    _check_actor(actor, participant)
    existing = Payment.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return _same_submission(existing, participant)
    clean = _validate(actor, participant, data)
    try:
        return _record(actor, participant, clean, submission_key)
    except IntegrityError as exc:
        again = Payment.objects.filter(submission_key=submission_key).first()
        if again is not None:
            return _same_submission(again, participant)
        if clean.reference and Payment.objects.filter(reference=clean.reference).exists():
            raise ValidationError({"reference": _("A payment with this reference has already been recorded.")}) from exc
        raise


def _same_submission(payment: Payment, participant: Participant) -> Payment:
    if payment.participant_id != participant.pk:
        raise ValidationError(_("This form was already used for another participant; open it again."))
    return payment


@transaction.atomic
def _record(actor: User, participant: Participant, data: PaymentInput, submission_key: str) -> Payment:
    # One payment at a time per participant: allocation reads and writes the same bills.
    Participant.objects.select_for_update().filter(pk=participant.pk).first()
    with events.change(
        "payment.recorded", actor=actor, participant_ids=[participant.pk], objects={"participant": participant}
    ) as event:
        payment = _record_locked(actor, participant, data, submission_key)
        event.about(payment)
        event.facts.update(amount=payment.amount, paid_on=payment.paid_on, receipt=payment.receipt_number)
    return payment


def _record_locked(actor: User, participant: Participant, data: PaymentInput, submission_key: str) -> Payment:
    if data.reference and Payment.objects.filter(reference=data.reference).exists():
        raise ValidationError({"reference": _("A payment with this reference has already been recorded.")})
    if data.prepaid_months:
        start = month_start(data.paid_on)
        bills_ensure(participant, [add_months(start, i) for i in range(data.prepaid_months)])
    open_bills = list(
        Bill.objects.select_for_update().filter(participant=participant, settled_on__isnull=True).order_by("month")
    )
    owed = sum(bill.outstanding for bill in open_bills)
    if data.amount > owed:
        raise ValidationError(
            {
                "amount": _(
                    "The participant owes %(owed)s for the open months. To pay ahead, choose the number of "
                    "months paid in advance."
                )
                % {"owed": rupiah(owed)}
            }
        )
    payment = Payment.objects.create(
        participant=participant,
        amount=data.amount,
        paid_on=data.paid_on,
        method=data.method,
        collected_by=data.collected_by,
        collection_account=data.collection_account,
        reference=data.reference,
        prepaid_months=data.prepaid_months,
        receipt_number=_next_receipt_number(data.paid_on),
        submission_key=submission_key,
        note=data.note,
        recorded_by=actor,
    )
    remaining = data.amount
    allocations = []
    for bill in open_bills:
        if remaining <= 0:
            break
        share = min(remaining, bill.outstanding)
        bill.paid_amount += share
        if bill.paid_amount >= bill.amount:
            bill.settled_on = data.paid_on
        bill.save(update_fields=["paid_amount", "settled_on"])
        allocations.append(PaymentAllocation(payment=payment, bill=bill, amount=share))
        remaining -= share
    PaymentAllocation.objects.bulk_create(allocations)
    return payment


@transaction.atomic
def payment_reverse(*, actor: User, payment: Payment, reason: str) -> Payment:
    """Cancel a payment with a reversing entry: the original stays, a negative payment
    points at it, and the bills it paid are opened again. Administrators only."""
    access.require(access.principal_of(actor), payment, "reverse", _("Only administrators can reverse a payment."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    original = Payment.objects.select_for_update().get(pk=payment.pk)
    if original.is_reversal:
        raise ValidationError(_("A reversal cannot itself be reversed; record a new payment instead."))
    if Payment.objects.filter(reversal_of=original).exists():
        raise ValidationError(_("This payment has already been reversed."))
    with events.change("payment.reversed", actor=actor, participant_ids=[original.participant_id]) as event:
        reversal = _reverse_locked(actor, original, reason)
        event.about(reversal)
        event.facts.update(amount=reversal.amount, reverses=original.pk, reason=reason[:200])
    return reversal


def _reverse_locked(actor: User, original: Payment, reason: str) -> Payment:
    today = timezone.localdate()
    reversal = Payment.objects.create(
        participant_id=original.participant_id,
        amount=-original.amount,
        paid_on=today,
        method=original.method,
        collected_by=original.collected_by,
        collection_account=original.collection_account,
        reversal_of=original,
        receipt_number=_next_receipt_number(today),
        submission_key=f"reversal-{original.pk}",
        note=reason[:200],
        recorded_by=actor,
    )
    allocations = list(original.allocations.select_related("bill").select_for_update())
    reversed_lines = []
    for allocation in allocations:
        bill = allocation.bill
        bill.paid_amount -= allocation.amount
        bill.settled_on = None
        bill.save(update_fields=["paid_amount", "settled_on"])
        reversed_lines.append(PaymentAllocation(payment=reversal, bill=bill, amount=-allocation.amount))
    PaymentAllocation.objects.bulk_create(reversed_lines)
    return reversal


# --- Payment methods, collection accounts and deposits (FR-08, FR-03, FR-14, CON-4) ---


def _require_admin(actor: User) -> None:
    access.require_may(access.principal_of(actor), PaymentMethod, "change", _("Only administrators can do this."))


@transaction.atomic
def payment_method_save(
    *,
    actor: User,
    method: PaymentMethod | None = None,
    name: str,
    is_cash: bool,
    needs_reference: bool,
    notes: str = "",
) -> PaymentMethod:
    """Create a payment method, or change ``method``. Administrators only (FR-08)."""
    _require_admin(actor)
    name = " ".join(name.split())
    clash = PaymentMethod.objects.filter(name__iexact=name)
    if method is not None:
        clash = clash.exclude(pk=method.pk)
    if clash.exists():
        raise ValidationError({"name": _("A payment method with this name already exists.")})
    method = method or PaymentMethod()
    method.name = name
    method.is_cash = is_cash
    method.needs_reference = needs_reference
    method.notes = notes.strip()
    method._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    method.save()
    return method


@transaction.atomic
def payment_method_set_active(*, actor: User, method: PaymentMethod, active: bool) -> PaymentMethod:
    _require_admin(actor)
    method.is_active = active
    method._history_user = actor  # type: ignore[attr-defined]
    method.save(update_fields=["is_active"])
    return method


@transaction.atomic
def payment_method_delete(*, actor: User, method: PaymentMethod) -> None:
    """Only a method no payment used can go; a used one is deactivated instead, since the
    receipts that name it must keep doing so."""
    _require_admin(actor)
    if Payment.objects.filter(method=method).exists():
        raise ValidationError(_("Payments were recorded with this method; deactivate it instead."))
    method._history_user = actor  # type: ignore[attr-defined]
    method.delete()


def _collection_account_owner(actor: User, coordinator: User | None) -> User:
    principal = access.principal_of(actor)
    access.require_may(principal, CollectionAccount, "add", _("You cannot manage collection accounts."))
    if access.acts_for_self(principal):
        return actor  # a coordinator manages their own accounts only (FR-14)
    if coordinator is None or not coordinator.is_coordinator:
        raise ValidationError({"coordinator": _("Choose the coordinator who collects through this account.")})
    return coordinator


@transaction.atomic
def collection_account_save(
    *,
    actor: User,
    account: CollectionAccount | None = None,
    coordinator: User | None = None,
    bank_name: str,
    account_number: str,
    account_holder: str,
) -> CollectionAccount:
    """Create or change a collection account (FR-03 for admins, FR-14 for the coordinator)."""
    if account is not None:
        access.require(access.principal_of(actor), account, "change", _("You cannot manage collection accounts."))
    owner = _collection_account_owner(actor, coordinator)
    bank_name = " ".join(bank_name.split())
    account_number = "".join(account_number.split())
    clash = CollectionAccount.objects.filter(bank_name__iexact=bank_name, account_number=account_number)
    if account is not None:
        clash = clash.exclude(pk=account.pk)
    if clash.exists():
        raise ValidationError({"account_number": _("This account number is already registered for this bank.")})
    account = account or CollectionAccount()
    account.coordinator = owner
    account.bank_name = bank_name
    account.account_number = account_number
    account.account_holder = " ".join(account_holder.split())
    account._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:  # the same number saved by someone else a moment ago
        raise ValidationError(
            {"account_number": _("This account number is already registered for this bank.")}
        ) from exc
    return account


@transaction.atomic
def collection_account_set_active(*, actor: User, account: CollectionAccount, active: bool) -> CollectionAccount:
    access.require(access.principal_of(actor), account, "change", _("You cannot manage collection accounts."))
    account.is_active = active
    account._history_user = actor  # type: ignore[attr-defined]
    account.save(update_fields=["is_active"])
    return account


@transaction.atomic
def deposit_record(
    *,
    actor: User,
    coordinator: User | None = None,
    amount: int,
    deposited_on: datetime.date,
    collection_account: CollectionAccount | None = None,
    reference: str = "",
    note: str = "",
) -> Deposit:
    """Cash a coordinator handed over (CON-4). A coordinator records their own deposits;
    an administrator records them for any coordinator."""
    principal = access.principal_of(actor)
    access.require_may(principal, Deposit, "add", _("You cannot record deposits."))
    if access.acts_for_self(principal):
        coordinator = actor
    errors: dict[str, list[str]] = {}
    if coordinator is None:
        errors["coordinator"] = [_("Choose the coordinator who deposited the money.")]
    if amount <= 0:
        errors["amount"] = [_("Enter the amount deposited, in whole rupiah.")]
    if deposited_on > timezone.localdate():
        errors["deposited_on"] = [_("The deposit date cannot be in the future.")]
    if collection_account is not None and (
        not collection_account.is_active or (coordinator and collection_account.coordinator_id != coordinator.pk)
    ):
        errors["collection_account"] = [_("Choose an active account of this coordinator.")]
    if errors or coordinator is None:
        raise ValidationError(errors)
    deposit = Deposit(
        coordinator=coordinator,
        amount=amount,
        deposited_on=deposited_on,
        collection_account=collection_account,
        reference=" ".join(reference.split()),
        note=note.strip()[:200],
        recorded_by=actor,
    )
    deposit._history_user = actor  # type: ignore[attr-defined]
    deposit.save()
    return deposit


@transaction.atomic
def deposit_cancel(*, actor: User, deposit: Deposit, reason: str) -> Deposit:
    """Cancel a deposit recorded in error (wrong amount, wrong coordinator, twice).
    Administrators only: a coordinator cancelling their own deposit would make cash they
    handed over disappear from the reconciliation. The row stays, marked, with the reason;
    the collections page stops counting it."""
    access.require(access.principal_of(actor), deposit, "cancel", _("Only administrators can cancel a deposit."))
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the deposit is cancelled.")})
    locked = Deposit.objects.select_for_update().get(pk=deposit.pk)
    if locked.cancelled_at is not None:
        raise ValidationError(_("This deposit has already been cancelled."))
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.cancel_reason = reason[:200]
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    return locked
