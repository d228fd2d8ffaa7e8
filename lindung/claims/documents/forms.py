"""Forms of the claim documents page. The services check everything again; the forms put
each message beside its field and keep what was typed when something is refused."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TypedFieldsForm(forms.Form):
    """What the document says, copied by hand, for the mismatch check."""

    name_on_document = forms.CharField(label=_("Name on the document"), max_length=150, required=False)
    nik_on_document = forms.CharField(
        label=_("NIK on the document"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date_on_document = forms.DateField(label=_("Birth date on the document"), required=False, widget=DateInput())
    account_holder_on_document = forms.CharField(
        label=_("Account holder on the document"),
        max_length=150,
        required=False,
        help_text=_("Bank book: the holder's name exactly as printed."),
    )


class UploadForm(TypedFieldsForm):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("Photo or PDF"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
        help_text=_("JPEG, PNG, WebP or PDF, up to 5 MB."),
    )

    field_order = ["kind", "file"]

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds:
            # The checklist's documents first, in its order; the rest after.
            first = [(k, DocumentKind(k).label) for k in dict.fromkeys(kinds)]
            rest = [(k, label) for k, label in DocumentKind.choices if k not in kinds]
            self.fields["kind"].choices = first + rest  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class OverrideForm(forms.Form):
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Why this is not a problem"), max_length=500)
