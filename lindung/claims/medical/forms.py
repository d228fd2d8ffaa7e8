from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LineKind


class BillLineForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices)
    code = forms.CharField(label=_("Medicine code"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.01, max_digits=10, decimal_places=2)
    unit_price = forms.IntegerField(label=_("Unit price (Rp)"), min_value=0)
    amount = forms.IntegerField(label=_("Amount (Rp)"), min_value=0)


class BillUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Bill as CSV or Excel"),
        help_text=_("Columns: date, kind, code, description, quantity, unit_price, amount."),
    )


class PriceListForm(forms.Form):
    file = forms.FileField(label=_("Price list as CSV or Excel"), help_text=_("Columns: code, name, unit, price."))
    valid_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    source = forms.CharField(label=_("Source or legal basis"), max_length=200)
