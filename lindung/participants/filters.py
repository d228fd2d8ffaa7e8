"""The participant filters (district, village, group, coordinator, status, ...) shared by
the participant list, the exports, the dashboards and the arrears page. A plain module,
not a views or forms one: other apps import it."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices
from lindung.communities.models import CommunityGroup
from lindung.core.scoping import scope_queryset
from lindung.core.widgets import FastSelect, ValuesChoiceIterator
from lindung.regions.fields import DistrictField, RegencyField, district_options, home_regency, needs_regency_choice
from lindung.regions.models import Level, Region

from .models import Category, Status

MAX_GROUP_OPTIONS = 200


def village_choices(district_code: str | None) -> QuerySet[Region]:
    if not district_code:
        return Region.objects.none()
    return Region.objects.filter(level=Level.VILLAGE, parent_id=district_code).order_by("name")


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class CoordinatorFilterField(forms.ModelChoiceField):
    """The coordinators (200 at national scale) read as rows, not User instances."""

    iterator = ValuesChoiceIterator
    option_columns = ("pk", "first_name", "last_name", "username")

    @staticmethod
    def option_label(pk: int, first_name: str, last_name: str, username: str) -> str:
        return f"{first_name} {last_name}".strip() or username  # User.__str__


class GroupFilterField(forms.ModelChoiceField):
    """A coordinator's groups (up to MAX_GROUP_OPTIONS) read as rows, not instances."""

    iterator = ValuesChoiceIterator
    option_columns = ("pk", "name")

    @staticmethod
    def option_label(pk: int, name: str) -> str:
        return name  # CommunityGroup.__str__


class ParticipantFilterForm(forms.Form):
    regency = RegencyField()
    district = DistrictField(required=False)
    # FastSelect: hundreds of options (coordinators, regencies) rendered by the template
    # engine cost the list pages more than their queries (lindung/core/widgets.py).
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Region.objects.none(), required=False, to_field_name="code", widget=FastSelect
    )
    group = GroupFilterField(
        label=_("Group"), queryset=CommunityGroup.objects.none(), required=False, widget=FastSelect
    )
    coordinator = CoordinatorFilterField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False, widget=FastSelect
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Status.choices], required=False, widget=FastSelect
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Category.choices], required=False, widget=FastSelect
    )
    possible_duplicate = forms.BooleanField(label=_("Likely duplicates only"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district_code = self.data.get("district") or None
        regency_code = self.data.get("regency") or (district_code[:5] if district_code else home_regency(user))
        many = needs_regency_choice()
        if not many:
            del self.fields["regency"]
        district_field = self.fields["district"]
        assert isinstance(district_field, DistrictField)
        district_field.offer(district_options(regency=regency_code, selected=district_code, many=many))
        model_choice(self, "village").queryset = village_choices(district_code)
        groups = scope_queryset(user, CommunityGroup.objects.all())
        if district_code:
            groups = groups.filter(village__parent_id=district_code)
        elif groups.count() > MAX_GROUP_OPTIONS:
            # Thousands of options cost the page more than its query; narrow by district.
            selected = str(self.data.get("group") or "")
            groups = groups.filter(pk=int(selected)) if selected.isdigit() else groups.none()
        model_choice(self, "group").queryset = groups
        if user.is_admin:
            model_choice(self, "coordinator").queryset = coordinator_choices()
        else:
            del self.fields["coordinator"]

    def filters(self) -> dict[str, Any]:
        """Valid filters only: a stale or tampered value is ignored, not an error page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
