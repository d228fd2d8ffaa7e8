"""Pages for payments, receipts, payment methods, collection accounts, deposits and
coordinator collections. Thin: forms shape input, services decide, selectors scope."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lindung.accounts.models import User
from lindung.billing import selectors
from lindung.billing.history import HistoryRow, history_of
from lindung.billing.payments import services as services
from lindung.billing.payments.collections import collections_for_month
from lindung.billing.payments.forms import (
    CollectionAccountForm,
    DepositCancelForm,
    DepositForm,
    MonthForm,
    PaymentFilterForm,
    PaymentForm,
    PaymentMethodForm,
    PaymentReverseForm,
    new_submission_key,
)
from lindung.billing.payments.receipts import receipt_context, render_receipt_pdf
from lindung.core import access
from lindung.core.form_errors import show_service_errors
from lindung.core.money import rupiah
from lindung.core.permissions import admin_required, staff_required
from lindung.core.tables import Column, build_table
from lindung.participants.models import Participant
from lindung.participants.selectors import participant_get_for_user


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Recording a payment -------------------------------------------------------------


def _options(participant: Participant, paid_on: datetime.date) -> list[selectors.PrepayOption]:
    try:
        return selectors.prepay_options(participant, paid_on)
    except ValidationError:
        # No rule or income to price the months ahead: offer paying what is open only.
        return [selectors.PrepayOption(0, selectors.participant_standing(participant, paid_on).owed)]


def _posted_date(request: HttpRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.POST.get("paid_on") or "")
    except ValueError:
        return timezone.localdate()


def _posted_months(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("prepaid_months") or 0)
    except ValueError:
        return 0


@staff_required
@require_http_methods(["GET", "POST"])
def payment_create(request: HttpRequest, participant_pk: int) -> HttpResponse:
    user = _user(request)
    participant = participant_get_for_user(user, participant_pk)
    form_kwargs: dict[str, Any] = {"actor": user, "participant": participant}
    if request.method == "POST" and "_refresh" in request.POST:
        # Months or collector changed (htmx, or the no-JavaScript "Update" button): show the
        # form again with the amount for the chosen months, keeping the same submission key.
        paid_on = _posted_date(request)
        options = _options(participant, paid_on)
        months = _posted_months(request)
        initial: dict[str, Any] = request.POST.dict()
        initial["amount"] = next((o.amount for o in options if o.months == months), options[0].amount)
        form = PaymentForm(initial=initial, options=options, **form_kwargs)
    elif request.method == "POST":
        form = PaymentForm(request.POST, options=_options(participant, _posted_date(request)), **form_kwargs)
        if form.is_valid():
            try:
                payment = services.payment_record(
                    actor=user,
                    participant=participant,
                    data=form.payment_input(),
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Payment of %(amount)s recorded; receipt %(number)s.")
                    % {"amount": rupiah(payment.amount), "number": payment.receipt_number},
                )
                url = reverse("participants:detail", args=[participant.pk])
                return redirect(f"{url}?paid={payment.pk}#payments")
    else:
        today = timezone.localdate()
        options = _options(participant, today)
        form = PaymentForm(
            initial={
                "amount": options[0].amount or None,
                "paid_on": today,
                "prepaid_months": 0,
                "collected_by": participant.coordinator_id,
                "submission_key": new_submission_key(),
            },
            options=options,
            **form_kwargs,
        )
    context = {"form": form, "participant": participant}
    if _is_htmx(request):
        return render(request, "billing/_payment_form.html", context)
    return render(request, "billing/payment_form.html", context)


# --- Payments list, detail, reversal, receipt ----------------------------------------


def _payment_columns(user: User) -> list[Column]:
    columns = [
        Column("receipt", _("Receipt"), sort="receipt_number"),
        Column("date", _("Date"), sort="paid_on"),
        Column("participant", _("Participant"), sort="participant__full_name"),
        Column("amount", _("Amount"), sort="amount", css="numeric"),
        Column("method", _("Method"), css="hide-sm"),
        Column("collected_by", _("Collected by"), css="hide-sm"),
    ]
    return columns


@staff_required
def payment_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filter_form = PaymentFilterForm(request.GET, user=user)
    filters = filter_form.filters()
    queryset = selectors.payment_list_rows(selectors.payments_filter(selectors.payments_visible_to(user), filters))
    table = build_table(
        request,
        queryset,
        columns=_payment_columns(user),
        default_sort="-date",
        search=selectors.payments_search,
        filters=filters,
    )
    return render(request, "billing/payment_list.html", {"table": table, "filter_form": filter_form})


def _detail_page(request: HttpRequest, payment: Any, reverse_form: PaymentReverseForm | None = None) -> HttpResponse:
    user = _user(request)
    can_reverse = (
        access.permits(access.principal_of(user), payment, "reverse")
        and not payment.is_reversal
        and not hasattr(payment, "reversed_by")
    )
    context = {
        "payment": payment,
        "allocations": selectors.payment_allocations(payment),
        "reverse_form": (reverse_form or PaymentReverseForm()) if can_reverse else None,
    }
    return render(request, "billing/payment_detail.html", context)


@staff_required
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.payment_get_for_user(_user(request), pk))


@admin_required
@require_POST
def payment_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    payment = selectors.payment_get_for_user(user, pk)
    form = PaymentReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.payment_reverse(actor=user, payment=payment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Payment %(original)s was reversed; reversal receipt %(number)s.")
                % {"original": payment.receipt_number, "number": reversal.receipt_number},
            )
            return redirect("billing:payment_detail", pk=reversal.pk)
    return _detail_page(request, payment, form)


@staff_required
def payment_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    payment = selectors.payment_get_for_user(_user(request), pk)
    pdf = render_receipt_pdf(receipt_context(payment))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{payment.receipt_number}.pdf"'
    # A receipt names the participant and their NIK: no shared or browser cache may keep it.
    response["Cache-Control"] = "private, no-store"
    return response


# --- Payment methods (admin, FR-08) --------------------------------------------------


@admin_required
def method_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        selectors.payment_methods_with_use(),
        columns=[
            Column("name", _("Name"), sort="name"),
            Column("cash", _("Cash"), sort="is_cash"),
            Column("reference", _("Reference required"), sort="needs_reference", css="hide-sm"),
            Column("active", _("In use"), sort="is_active"),
            Column("actions", ""),
        ],
        default_sort="name",
        search=lambda qs, q: qs.filter(name__icontains=q),
    )
    return render(request, "billing/method_list.html", {"table": table})


def _method_initial(method: Any) -> dict[str, Any]:
    return {
        "name": method.name,
        "is_cash": method.is_cash,
        "needs_reference": method.needs_reference,
        "notes": method.notes,
    }


@admin_required
@require_http_methods(["GET", "POST"])
def method_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    method = selectors.payment_method_get(pk) if pk is not None else None
    if request.method == "POST":
        form = PaymentMethodForm(request.POST)
        if form.is_valid():
            try:
                method = services.payment_method_save(actor=_user(request), method=method, **form.cleaned_data)
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                text = _("Payment method “%(name)s” was changed.") if pk else _("Payment method “%(name)s” was added.")
                messages.success(request, text % {"name": method.name})
                return redirect("billing:method_list")
    else:
        form = PaymentMethodForm(initial=_method_initial(method) if method else None)
    context = {"form": form, "method": method, "history": _history_for_admin(request, method)}
    return render(request, "billing/method_form.html", context)


def _history_for_admin(request: HttpRequest, obj: Any) -> list[HistoryRow] | None:
    """The record's audit trail, for administrators only (None: no history section)."""
    if obj is None or not _user(request).is_admin:
        return None
    return history_of(obj)


@admin_required
@require_POST
def method_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    method = selectors.payment_method_get(pk)
    services.payment_method_set_active(actor=_user(request), method=method, active=not method.is_active)
    text = _("Payment method “%(name)s” is in use again.") if method.is_active else None
    messages.success(request, (text or _("Payment method “%(name)s” was deactivated.")) % {"name": method.name})
    return redirect("billing:method_list")


@admin_required
@require_http_methods(["GET", "POST"])
def method_delete(request: HttpRequest, pk: int) -> HttpResponse:
    method = selectors.payment_method_get(pk)
    if request.method == "POST":
        try:
            services.payment_method_delete(actor=_user(request), method=method)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Payment method “%(name)s” was deleted.") % {"name": method.name})
        return redirect("billing:method_list")
    return render(request, "billing/method_confirm_delete.html", {"method": method})


# --- Collection accounts (admin: all, FR-03; coordinator: own, FR-14) ----------------


@staff_required
def account_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    columns = [
        Column("bank", _("Bank or e-wallet"), sort="bank_name"),
        Column("number", _("Account number"), sort="account_number"),
        Column("holder", _("Account holder"), sort="account_holder", css="hide-sm"),
    ]
    if user.is_admin:
        columns.append(Column("coordinator", _("Coordinator"), sort="coordinator__first_name"))
    columns += [Column("active", _("In use"), sort="is_active"), Column("actions", "")]
    table = build_table(
        request,
        selectors.collection_accounts_visible_to(user),
        columns=columns,
        default_sort="bank",
        search=lambda qs, q: (
            qs.filter(account_number__icontains=q)
            | qs.filter(bank_name__icontains=q)
            | qs.filter(account_holder__icontains=q)
        ),
    )
    return render(request, "billing/account_list.html", {"table": table})


@staff_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    account = selectors.collection_account_get_for_user(user, pk) if pk is not None else None
    if request.method == "POST":
        form = CollectionAccountForm(request.POST, actor=user)
        if form.is_valid():
            try:
                account = services.collection_account_save(actor=user, account=account, **form.cleaned_data)
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                text = _("Collection account %(account)s was changed.") if pk else None
                messages.success(
                    request,
                    (text or _("Collection account %(account)s was added."))
                    % {"account": f"{account.bank_name} {account.account_number}"},
                )
                return redirect("billing:account_list")
    else:
        initial = None
        if account is not None:
            initial = {
                "coordinator": account.coordinator_id,
                "bank_name": account.bank_name,
                "account_number": account.account_number,
                "account_holder": account.account_holder,
            }
        elif user.is_coordinator:
            initial = {"account_holder": str(user)}
        form = CollectionAccountForm(initial=initial, actor=user)
    context = {"form": form, "account": account, "history": _history_for_admin(request, account)}
    return render(request, "billing/account_form.html", context)


@staff_required
@require_POST
def account_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    account = selectors.collection_account_get_for_user(user, pk)
    services.collection_account_set_active(actor=user, account=account, active=not account.is_active)
    label = f"{account.bank_name} {account.account_number}"
    if account.is_active:
        messages.success(request, _("Collection account %(account)s is in use again.") % {"account": label})
    else:
        messages.success(request, _("Collection account %(account)s was deactivated.") % {"account": label})
    return redirect("billing:account_list")


# --- Deposits and collections (CON-4) ------------------------------------------------


@staff_required
def deposit_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    columns = [
        Column("date", _("Date"), sort="deposited_on"),
        Column("amount", _("Amount"), sort="amount", css="numeric"),
        Column("account", _("Account"), css="hide-sm"),
        Column("reference", _("Reference"), css="hide-sm"),
    ]
    if user.is_admin:
        columns.insert(1, Column("coordinator", _("Coordinator"), sort="coordinator__first_name"))
    table = build_table(
        request,
        selectors.deposits_visible_to(user),
        columns=columns,
        default_sort="-date",
        search=lambda qs, q: qs.filter(reference__icontains=q) | qs.filter(coordinator__first_name__icontains=q),
    )
    return render(request, "billing/deposit_list.html", {"table": table})


@staff_required
@require_http_methods(["GET", "POST"])
def deposit_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        form = DepositForm(request.POST, actor=user)
        if form.is_valid():
            try:
                deposit = services.deposit_record(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                messages.success(request, _("Deposit of %(amount)s recorded.") % {"amount": rupiah(deposit.amount)})
                return redirect("billing:deposit_detail", pk=deposit.pk)
    else:
        form = DepositForm(initial={"deposited_on": timezone.localdate()}, actor=user)
    return render(request, "billing/deposit_form.html", {"form": form})


@staff_required
def deposit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _deposit_page(request, selectors.deposit_get_for_user(_user(request), pk))


def _deposit_page(request: HttpRequest, deposit: Any, cancel_form: DepositCancelForm | None = None) -> HttpResponse:
    can_cancel = access.permits(access.principal_of(_user(request)), deposit, "cancel") and deposit.cancelled_at is None
    context = {
        "deposit": deposit,
        "cancel_form": (cancel_form or DepositCancelForm()) if can_cancel else None,
        "history": _history_for_admin(request, deposit),
    }
    return render(request, "billing/deposit_detail.html", context)


@admin_required
@require_POST
def deposit_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    deposit = selectors.deposit_get_for_user(user, pk)
    form = DepositCancelForm(request.POST)
    if form.is_valid():
        try:
            services.deposit_cancel(actor=user, deposit=deposit, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            messages.success(request, _("The deposit was cancelled; it no longer counts in the collections."))
            return redirect("billing:deposit_detail", pk=deposit.pk)
    return _deposit_page(request, deposit, form)


@staff_required
def collections(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = MonthForm(request.GET)
    month = form.month_start()
    rows = collections_for_month(user, month)
    context = {
        "form": form,
        "month": month,
        "rows": rows,
        "differences": [row for row in rows if row.difference],
        "totals": {
            "collected": sum(r.collected for r in rows),
            "deposited": sum(r.deposited for r in rows),
            "difference": sum(r.difference for r in rows),
        },
    }
    return render(request, "billing/collection_list.html", context)
