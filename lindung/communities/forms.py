from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices
from lindung.communities import selectors
from lindung.communities.models import CommunityGroup, GroupType
from lindung.communities.selectors import GroupFilters
from lindung.core.phones import format_national, normalize_mobile
from lindung.regions.fields import DistrictField, RegencyField, district_options, home_regency, needs_regency_choice
from lindung.regions.models import Level, Region
from lindung.regions.selectors import village_list


class RegionNameChoiceField(forms.ModelChoiceField):
    """Shows the bare name: the surrounding select already says which district or level."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CommunityGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    group_type = forms.ChoiceField(label=_("Type"), choices=GroupType.choices, initial=GroupType.OTHER)
    regency = RegencyField()
    district = DistrictField()
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
        regency_code = self._regency_code(actor)
        many = needs_regency_choice()
        if many:
            self.fields["regency"].initial = regency_code
            self.fields["regency"].widget.attrs.update(
                {"hx-get": reverse("regions:district_options"), "hx-target": "#id_district", "hx-trigger": "change"}
            )
        else:
            del self.fields["regency"]
        district_field = self.fields["district"]
        assert isinstance(district_field, DistrictField)
        district_field.offer(district_options(regency=regency_code, selected=self.district_code or None, many=many))
        district_field.widget.attrs.update(
            {
                "hx-get": reverse("regions:village_options"),
                "hx-target": f"#{self['village'].auto_id}",
                "hx-trigger": "change",
            }
        )
        village_field = self.fields["village"]
        assert isinstance(village_field, forms.ModelChoiceField)
        village_field.queryset = (
            village_list(district_code=self.district_code) if self.district_code else Region.objects.none()
        )
        if actor.is_admin:
            coordinator_field = self.fields["coordinator"]
            assert isinstance(coordinator_field, forms.ModelChoiceField)
            coordinator_field.queryset = coordinator_choices(group.coordinator if group else None)
        else:
            del self.fields["coordinator"]

    def _regency_code(self, actor: User) -> str | None:
        chosen = str(self.data.get(self.add_prefix("regency")) or "") if self.is_bound else ""
        return chosen or (self.district_code[:5] if self.district_code else None) or home_regency(actor)

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
        data.pop("regency", None)
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
