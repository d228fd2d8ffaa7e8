"""District selects that stay phone-sized when the whole country is loaded.

Indonesia has 7,285 districts: one select with all of them is ~300 KB of HTML. Forms
validate against every district but offer only a short list: all districts when there
are few (a branch that loaded one regency), else those of one regency (the user's home
regency or one chosen in a regency select) plus the value already chosen.
"""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.core.widgets import FastSelect, ValuesChoiceIterator

from .models import Level, Region

MAX_DISTRICT_OPTIONS = 300


def district_options(
    *, regency: str | None = None, selected: str | None = None, many: bool | None = None
) -> QuerySet[Region]:
    """``many``: the caller's answer of needs_regency_choice(), to count only once."""
    districts = Region.objects.filter(level=Level.DISTRICT)
    if not (needs_regency_choice() if many is None else many):
        return districts.order_by("name", "code")
    wanted = Q(parent_id=regency) if regency else Q(pk__in=[])
    if selected:
        wanted |= Q(pk=selected)
    return districts.filter(wanted).order_by("name", "code")


def needs_regency_choice() -> bool:
    # Whether a district exists past the first MAX_DISTRICT_OPTIONS: reads at most that many
    # index entries, where counting read all 7,285 on every list page (1.0 -> 0.3 ms).
    districts = Region.objects.filter(level=Level.DISTRICT)
    return districts[MAX_DISTRICT_OPTIONS : MAX_DISTRICT_OPTIONS + 1].exists()


def home_regency(user: Any) -> str | None:
    district = getattr(user, "district", None)
    return district.parent_id if district is not None else None


class DistrictField(forms.ModelChoiceField):
    """Accepts any district by its code; renders only the options given to ``offer``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("District"))
        kwargs.setdefault("widget", FastSelect)
        super().__init__(queryset=Region.objects.filter(level=Level.DISTRICT), to_field_name="code", **kwargs)

    def offer(self, options: QuerySet[Region]) -> None:
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        self.widget.choices = empty + list(options.values_list("code", "name"))


class RegencyField(forms.ModelChoiceField):
    """Every regency (514 in Indonesia), read as (code, name) rows: no Region per option."""

    iterator = ValuesChoiceIterator
    option_columns = ("code", "name")

    @staticmethod
    def option_label(code: str, name: str) -> str:
        return f"{name} ({code})"  # Region.__str__, as label_from_instance would give

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Regency/city"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", FastSelect)
        super().__init__(
            queryset=Region.objects.filter(level=Level.REGENCY).order_by("name"), to_field_name="code", **kwargs
        )


def setup_district_select(form: forms.BaseForm, *, district_code: str | None, fallback_regency: str | None) -> None:
    """Offer a form's ``district`` (DistrictField) the phone-sized list, and keep its
    ``regency`` (RegencyField) only when the whole country is loaded."""
    chosen = form.data.get(form.add_prefix("regency")) if form.is_bound else None
    regency_code = chosen or (district_code[:5] if district_code else None) or fallback_regency
    many = needs_regency_choice()
    if many:
        form.fields["regency"].initial = regency_code
        form.fields["regency"].widget.attrs.update(
            {"hx-get": reverse("regions:district_options"), "hx-target": "#id_district", "hx-trigger": "change"}
        )
    else:
        del form.fields["regency"]
    district_field = form.fields["district"]
    assert isinstance(district_field, DistrictField)
    district_field.offer(district_options(regency=regency_code, selected=district_code, many=many))
