from itertools import groupby
from typing import Any

from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices
from lindung.communities import selectors
from lindung.communities.models import CommunityGroup, GroupType
from lindung.communities.selectors import GroupFilters
from lindung.core.phones import format_national, normalize_mobile
from lindung.regions.models import Level, Region


class RegionNameChoiceField(forms.ModelChoiceField):
    """Shows the bare name: the surrounding select already says which district or level."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _district_choices() -> list[tuple[str, Any]]:
    # Grouped by regency so the many same-named districts of Indonesia stay distinguishable.
    choices: list[tuple[str, Any]] = [("", "---------")]
    for regency, rows in groupby(selectors.districts(), key=lambda r: r.parent):
        label = regency.name if regency is not None else ""
        choices.append((label, [(r.code, r.name) for r in rows]))
    return choices


def _village_options_url() -> str | None:
    # The regions app serves <option>s for htmx; until it exists the form still works without it.
    try:
        return reverse("regions:village_options")
    except NoReverseMatch:
        return None


class CommunityGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    group_type = forms.ChoiceField(label=_("Type"), choices=GroupType.choices, initial=GroupType.OTHER)
    district = forms.ChoiceField(label=_("District"))
    village = RegionNameChoiceField(
        label=_("Village"),
        queryset=Region.objects.none(),
        help_text=_("Choose the district first; its villages are then offered here."),
    )
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)
    leader_name = forms.CharField(label=_("Leader's name"), max_length=150, required=False)
    leader_phone = forms.CharField(
        label=_("Leader's mobile phone"), max_length=20, required=False, help_text=_("For example 0812-3456-7890.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: User, group: CommunityGroup | None = None, **kwargs: Any) -> None:
        initial = kwargs.pop("initial", None) or {}
        if group is not None:
            initial = {
                "name": group.name,
                "group_type": group.group_type,
                "district": group.village.parent_id,
                "village": group.village_id,
                "coordinator": group.coordinator_id,
                "leader_name": group.leader_name,
                "leader_phone": format_national(group.leader_phone),
                "notes": group.notes,
                **initial,
            }
        elif "district" not in initial and actor.district_id:
            initial["district"] = actor.district_id
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        district_field = self.fields["district"]
        assert isinstance(district_field, forms.ChoiceField)
        district_field.choices = _district_choices()
        url = _village_options_url()
        if url:
            district_field.widget.attrs.update(
                {"hx-get": url, "hx-target": f"#{self['village'].auto_id}", "hx-trigger": "change"}
            )
        village_field = self.fields["village"]
        assert isinstance(village_field, forms.ModelChoiceField)
        village_field.queryset = selectors.villages_of(self.district_code)
        if actor.is_admin:
            coordinator_field = self.fields["coordinator"]
            assert isinstance(coordinator_field, forms.ModelChoiceField)
            coordinator_field.queryset = coordinator_choices(group.coordinator if group else None)
        else:
            del self.fields["coordinator"]

    @property
    def district_code(self) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix("district")) or "")
        return str(self.initial.get("district") or "")

    def clean_leader_phone(self) -> str:
        return normalize_mobile(self.cleaned_data["leader_phone"])

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("district", None)
        return data


class GroupFilterForm(forms.Form):
    """The list page's filters (GET). An invalid value drops only its own filter."""

    type = forms.ChoiceField(label=_("Type"), required=False)
    district = RegionNameChoiceField(
        label=_("District"), queryset=Region.objects.none(), required=False, empty_label=_("All districts")
    )
    village = RegionNameChoiceField(
        label=_("Village"), queryset=Region.objects.none(), required=False, empty_label=_("All villages")
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False, empty_label=_("All coordinators")
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        type_field = self.fields["type"]
        assert isinstance(type_field, forms.ChoiceField)
        type_field.choices = [("", _("All types")), *GroupType.choices]
        district_field = self.fields["district"]
        village_field = self.fields["village"]
        assert isinstance(district_field, forms.ModelChoiceField)
        assert isinstance(village_field, forms.ModelChoiceField)
        district_field.queryset = selectors.group_districts_for_user(user)
        district_code = str(self.data.get("district") or "")
        if district_code:
            village_field.queryset = selectors.group_villages_for_user(user, district_code)
        else:
            # Without a district only an already-chosen village is offered (e.g. from a link),
            # so the select never lists every village of the country.
            village_field.queryset = Region.objects.filter(level=Level.VILLAGE, pk=str(self.data.get("village") or ""))
        if user.is_admin:
            coordinator_field = self.fields["coordinator"]
            assert isinstance(coordinator_field, forms.ModelChoiceField)
            coordinator_field.queryset = coordinator_choices()
        else:
            del self.fields["coordinator"]

    def filters(self) -> GroupFilters:
        self.is_valid()
        data = self.cleaned_data
        return GroupFilters(
            group_type=data.get("type") or "",
            district=data.get("district"),
            village=data.get("village"),
            coordinator=data.get("coordinator"),
        )
