from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lindung.billing.lookup.services import MAX_LOOKUP
from lindung.participants.imports.reading import SPREADSHEET_ACCEPT


class LookupForm(forms.Form):
    niks = forms.CharField(
        label=_("NIKs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "inputmode": "numeric"}),
        help_text=format_lazy(_("One per line, or separated by commas. At most {max} NIKs."), max=f"{MAX_LOOKUP:,}"),
    )
    file = forms.FileField(
        label=_("Or a file with a NIK column (.xlsx or CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_ACCEPT}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("niks", "").strip() and not cleaned.get("file"):
            raise forms.ValidationError(_("Paste NIKs or choose a file."))
        return cleaned
