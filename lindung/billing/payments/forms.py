"""Forms of the payment pages. They only collect and shape input; the rules live in the
services (payments.py), whose errors the views put back beside the fields."""

import datetime
import re
import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lindung.accounts.models import Role, User
from lindung.billing.models import CollectionAccount, PaymentMethod
from lindung.billing.payments.services import PaymentInput
from lindung.billing.selectors import PrepayOption
from lindung.core import access
from lindung.core.money import rupiah
from lindung.participants.models import Participant

SUBMISSION_KEY = re.compile(r"^[0-9a-f]{32}$")


def coordinators() -> QuerySet[User]:
    return User.objects.filter(role=Role.COORDINATOR, is_active=True, is_superuser=False).order_by(
        "first_name", "last_name", "username"
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.bank_name} {obj.account_number} · {obj.account_holder}"


def new_submission_key() -> str:
    return uuid.uuid4().hex


def months_text(months: int) -> str:
    return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}


def prepay_help(options: Sequence[PrepayOption]) -> str:
    parts = []
    for option in options:
        if option.months == 0:
            parts.append(str(_("open months only: %(amount)s")) % {"amount": rupiah(option.amount)})
        else:
            text = ngettext("%(months)s month: %(amount)s", "%(months)s months: %(amount)s", option.months)
            parts.append(text % {"months": option.months, "amount": rupiah(option.amount)})
    return "; ".join(parts)


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("Amount received (Rp)"), min_value=1)
    paid_on = forms.DateField(label=_("Payment date"), widget=DateInput())
    method = forms.ModelChoiceField(label=_("Method"), queryset=PaymentMethod.objects.none())
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        required=False,
        help_text=_("Bank or e-wallet transaction number, or the receipt-book number."),
    )
    collected_by = forms.ModelChoiceField(label=_("Collected by"), queryset=User.objects.none(), required=False)
    collection_account = AccountChoiceField(
        label=_("Collection account"), queryset=CollectionAccount.objects.none(), required=False
    )
    prepaid_months = forms.TypedChoiceField(label=_("Months paid in advance"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, actor: User, participant: Participant, options: Sequence[PrepayOption], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.participant = participant
        self.options = list(options)
        self.fields["method"].queryset = PaymentMethod.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["prepaid_months"].choices = [  # type: ignore[attr-defined]
            (o.months, _("None: the open months only") if o.months == 0 else months_text(o.months))
            for o in self.options
        ]
        self.fields["prepaid_months"].help_text = prepay_help(self.options)
        if not access.acts_for_self(access.principal_of(actor)):
            self.fields["collected_by"].queryset = coordinators()  # type: ignore[attr-defined]
            self.fields["collected_by"].help_text = _("The coordinator who received the money (needed for cash).")
            collector_id = self._value("collected_by") or participant.coordinator_id
        else:
            del self.fields["collected_by"]
            collector_id = actor.pk
        self.fields["collection_account"].queryset = CollectionAccount.objects.filter(  # type: ignore[attr-defined]
            coordinator_id=collector_id or 0, is_active=True
        )

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name)
        return getattr(value, "pk", value) or None

    def suggested_amount(self) -> int | None:
        """What the chosen months cost. The amount field follows it until the person types
        an amount of their own, which is then kept (payment_form.js)."""
        try:
            months = int(self._value("prepaid_months") or 0)
        except (TypeError, ValueError):
            months = 0
        amounts = {o.months: o.amount for o in self.options}
        return amounts.get(months, self.options[0].amount if self.options else None)

    def clean_submission_key(self) -> str:
        key = self.cleaned_data["submission_key"]
        if not SUBMISSION_KEY.match(key):
            raise forms.ValidationError(_("This form has expired; open it again."))
        return str(key)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method is not None and method.needs_reference and not (data.get("reference") or "").strip():
            self.add_error("reference", _("This payment method needs the transaction reference."))
        return data

    def payment_input(self) -> PaymentInput:
        data = self.cleaned_data
        return PaymentInput(
            amount=data["amount"],
            paid_on=data["paid_on"],
            method=data["method"],
            reference=data.get("reference") or "",
            collection_account=data.get("collection_account"),
            collected_by=data.get("collected_by"),
            prepaid_months=data.get("prepaid_months") or 0,
            note=data.get("note") or "",
        )


class PaymentReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the reversal"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class DepositCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentMethodForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_cash = forms.BooleanField(
        label=_("Cash collected by a coordinator"),
        required=False,
        help_text=_("Counted in the coordinators' collections, which they must deposit."),
    )
    needs_reference = forms.BooleanField(label=_("A reference number is required"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CollectionAccountForm(forms.Form):
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    bank_name = forms.CharField(label=_("Bank or e-wallet"), max_length=100)
    account_number = forms.CharField(label=_("Account number"), max_length=40)
    account_holder = forms.CharField(label=_("Account holder"), max_length=150)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not access.acts_for_self(access.principal_of(actor)):
            self.fields["coordinator"].queryset = coordinators()  # type: ignore[attr-defined]
        else:
            del self.fields["coordinator"]


class DepositForm(forms.Form):
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    amount = forms.IntegerField(label=_("Amount deposited (Rp)"), min_value=1)
    deposited_on = forms.DateField(label=_("Deposit date"), widget=DateInput())
    collection_account = AccountChoiceField(
        label=_("From the collection account"), queryset=CollectionAccount.objects.none(), required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accounts = CollectionAccount.objects.filter(is_active=True).select_related("coordinator")
        if not access.acts_for_self(access.principal_of(actor)):
            self.fields["coordinator"].queryset = coordinators()  # type: ignore[attr-defined]
        else:
            del self.fields["coordinator"]
        self.fields["collection_account"].queryset = access.scope(access.principal_of(actor), accounts)  # type: ignore[attr-defined]


class PaymentFilterForm(forms.Form):
    date_from = forms.DateField(label=_("Paid from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Paid until"), required=False, widget=DateInput())
    method = forms.ModelChoiceField(label=_("Method"), queryset=PaymentMethod.objects.all(), required=False)
    collected_by = forms.ModelChoiceField(label=_("Collected by"), queryset=User.objects.none(), required=False)
    coordinator = forms.ModelChoiceField(
        label=_("Participant's coordinator"), queryset=User.objects.none(), required=False
    )
    reversals = forms.BooleanField(label=_("Reversals only"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not access.acts_for_self(access.principal_of(user)):
            self.fields["collected_by"].queryset = coordinators()  # type: ignore[attr-defined]
            self.fields["coordinator"].queryset = coordinators()  # type: ignore[attr-defined]
        else:
            del self.fields["collected_by"]
            del self.fields["coordinator"]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "", False)}


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))

    def month_start(self) -> datetime.date:
        today = timezone.localdate().replace(day=1)
        if not self.is_valid():
            return today
        try:
            return datetime.datetime.strptime(self.cleaned_data["month"], "%Y-%m").date()
        except ValueError:
            return today
