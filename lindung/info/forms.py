from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.regions.models import Region

from .models import InfoPage, PointKind, ServicePoint

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class PageForm(forms.ModelForm):
    note = forms.CharField(label=_("What changed (for the history)"), max_length=200, required=False)

    class Meta:
        model = InfoPage
        fields = ["title_id", "title_en", "body_id", "body_en"]
        help_texts = {
            "body_id": _("A blank line starts a paragraph; “## ” a heading; “- ” a list item; **bold**."),
        }
        widgets = {"body_id": forms.Textarea(attrs={"rows": 14}), "body_en": forms.Textarea(attrs={"rows": 14})}


class NewPageForm(PageForm):
    class Meta(PageForm.Meta):
        fields = ["slug", "topic", "position", "title_id", "title_en", "body_id", "body_en"]


class VillageCodeField(forms.CharField):
    """A village by its Kemendagri code (e.g. 14.03.01.2004)."""

    def clean(self, value: Any) -> Region | None:
        code = super().clean(value).strip()
        if not code:
            return None
        village = Region.objects.filter(level=4, code=code).first()
        if village is None:
            raise forms.ValidationError(_("No village has the code %(code)s."), params={"code": code})
        return village


class PointForm(forms.ModelForm):
    village_code = VillageCodeField(
        label=_("Village code"), required=False, max_length=13, help_text=_("For example 14.03.01.2004.")
    )

    class Meta:
        model = ServicePoint
        fields = ["code", "name", "kind", "address", "opening_hours", "phone", "latitude", "longitude", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.village_id:
            self.fields["village_code"].initial = self.instance.village_id
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update(inputmode="decimal", step="any")

    def clean_code(self) -> str | None:
        return (self.cleaned_data.get("code") or "").strip() or None

    def save(self, commit: bool = True) -> ServicePoint:
        self.instance.village = self.cleaned_data.get("village_code")
        return super().save(commit=commit)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False)
    text = forms.CharField(
        label=_("Or paste the rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Columns: code, name, kind, address, village_code, opening_hours, phone, latitude, longitude. "
            "Kinds: branch, payment, coordinator, other."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(_("The file is larger than 2 MB; split it into parts."))
            raw = upload.read()
            try:
                data["content"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                data["content"] = raw.decode("cp1252", errors="replace")
        elif data.get("text", "").strip():
            data["content"] = data["text"]
        else:
            raise forms.ValidationError(_("Choose a CSV file or paste its rows."))
        return data


class NearestForm(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    village = forms.CharField(label=_("Your village"), max_length=120, required=False)
    code = forms.CharField(max_length=13, required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *PointKind.choices], required=False)


class IncomeForm(forms.Form):
    income = forms.IntegerField(label=_("Monthly income (Rp)"), min_value=1, max_value=1_000_000_000, required=False)
