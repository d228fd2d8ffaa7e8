from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import selectors
from .codes import SHAPE, level_of, parent_of, village_kind_ok
from .models import Level, Region

EMPTY = [("", "---------")]


def _choices(qs: Any) -> list[tuple[str, str]]:
    return [*EMPTY, *((r.code, f"{r.code} {r.name}") for r in qs.only("code", "name"))]


def _set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    cast(forms.ChoiceField, field).choices = choices


class RegionFilterForm(forms.Form):
    """Level plus a province > regency > district cascade; each lower select only lists the
    children of the one above, so no select ever holds the whole country."""

    level = forms.TypedChoiceField(
        label=_("Level"), required=False, coerce=int, empty_value=None, choices=[*EMPTY, *Level.choices]
    )
    province = forms.ChoiceField(label=_("Province"), required=False)
    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A value the cascade no longer offers (the province changed, a stale bookmark) is
        # dropped rather than invalidating the whole form, which would show every region.
        data = dict(self.data.items())
        province = self._keep(data, "province", _choices(selectors.province_list()))
        regency = self._keep(
            data, "regency", _choices(selectors.regency_list(province_code=province)) if province else EMPTY
        )
        self._keep(
            data,
            "district",
            _choices(selectors.district_list(regency_code=regency).order_by("code")) if regency else EMPTY,
        )
        self._keep(data, "level", [*EMPTY, *((str(value), str(label)) for value, label in Level.choices)])
        self.data = data

    def _keep(self, data: dict[str, Any], name: str, choices: list[tuple[str, str]]) -> str:
        _set_choices(self.fields[name], choices)
        value = data.get(name) or ""
        if value not in dict(choices):
            value = ""
            data[name] = value
        return value

    @property
    def within(self) -> str:
        if not self.is_valid():
            return ""
        return self.cleaned_data["district"] or self.cleaned_data["regency"] or self.cleaned_data["province"] or ""


class _NewRegionForm(forms.Form):
    """Shared by the district and village forms: the admin may type the whole code or only
    its last part, which is then put after the parent's code."""

    level: Level
    parent_label: str = ""

    code = forms.CharField(label=_("Code"), max_length=13)
    name = forms.CharField(label=_("Name"), max_length=120)

    def _parent(self) -> Region | None:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        parent = self._parent()
        code = (data.get("code") or "").strip()
        if parent is None or not code:
            return data
        if "." not in code:
            code = f"{parent.code}.{code}"
        if level_of(code) != self.level:
            self.add_error("code", _("Expected a code shaped like %(shape)s.") % {"shape": SHAPE[self.level]})
        elif parent_of(code) != parent.code:
            self.add_error("code", _("The code must start with %(parent)s.") % {"parent": parent.code})
        elif self.level == Level.VILLAGE and not village_kind_ok(code):
            self.add_error("code", _("The last part starts with 1 for a kelurahan or 2 for a desa (e.g. 2004)."))
        data["code"] = code
        return data


class DistrictForm(_NewRegionForm):
    level = Level.DISTRICT

    parent = forms.ModelChoiceField(
        label=_("Regency/city"), queryset=Region.objects.none(), to_field_name="code", empty_label="---------"
    )

    field_order = ["parent", "code", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.regency_list()  # type: ignore[attr-defined]
        self.fields["parent"].label_from_instance = lambda r: f"{r.code} {r.name}"  # type: ignore[attr-defined]
        self.fields["code"].help_text = _("Two digits after the regency's code, e.g. 17 or 14.03.17.")

    def _parent(self) -> Region | None:
        return self.cleaned_data.get("parent")


class VillageForm(_NewRegionForm):
    """The district select lists only the chosen regency's districts; htmx refreshes it
    when the regency changes, and without JavaScript a "Show districts" button does."""

    level = Level.VILLAGE

    regency = forms.ChoiceField(label=_("Regency/city"), required=False)
    parent = forms.ModelChoiceField(
        label=_("District"), queryset=Region.objects.none(), to_field_name="code", empty_label="---------"
    )

    field_order = ["regency", "parent", "code", "name"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data or self.initial
        district = source.get("parent") or ""
        regency = source.get("regency") or parent_of(district) or ""
        self.initial.setdefault("regency", regency)
        _set_choices(self.fields["regency"], _choices(selectors.regency_list()))
        self.fields["regency"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("regions:district_options"),
                "hx-target": "#id_parent",
                "hx-swap": "innerHTML",
            }
        )
        parent = self.fields["parent"]
        parent.queryset = selectors.district_list(regency_code=regency) if regency else Region.objects.none()  # type: ignore[attr-defined]
        parent.label_from_instance = lambda r: f"{r.code} {r.name}"  # type: ignore[attr-defined]
        self.fields["code"].help_text = _(
            "Four digits after the district's code: 1xxx for a kelurahan, 2xxx for a desa (e.g. 2004)."
        )

    def _parent(self) -> Region | None:
        return self.cleaned_data.get("parent")


class RegionRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
