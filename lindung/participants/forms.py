from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices
from lindung.communities.models import CommunityGroup
from lindung.core.scoping import scope_queryset
from lindung.core.widgets import FastSelect, ValuesChoiceIterator
from lindung.regions.fields import DistrictField, RegencyField, district_options, home_regency, needs_regency_choice
from lindung.regions.models import Level, Region

from .models import Category, ConsentMethod, DocumentKind, FamilyMember, Participant, Sex, Status
from .nik import clean_nik, parse_nik
from .services import DUPLICATE_NIK_MESSAGE

MAX_GROUP_OPTIONS = 200


def village_choices(district_code: str | None) -> QuerySet[Region]:
    if not district_code:
        return Region.objects.none()
    return Region.objects.filter(level=Level.VILLAGE, parent_id=district_code).order_by("name")


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ParticipantForm(forms.ModelForm):
    """Registration and correction form. The service re-checks everything; the form's
    job is to put each message beside its field."""

    regency = RegencyField()
    district = DistrictField(label=_("District (kecamatan)"))
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)
    document_ktp = forms.FileField(
        label=_("Photo or PDF of the KTP"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    document_kk = forms.FileField(
        label=_("Photo or PDF of the family card (KK)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    class Meta:
        model = Participant
        fields = [
            "nik",
            "full_name",
            "birth_place",
            "birth_date",
            "sex",
            "family_card_number",
            "address",
            "village",
            "phone",
            "email",
            "occupation",
            "category",
            "declared_income",
            "community_group",
            "coordinator",
            "membership_number",
            "status",
            "contact_consent",
            "consent_method",
        ]
        error_messages = {"nik": {"unique": _(DUPLICATE_NIK_MESSAGE)}}
        widgets = {
            "birth_date": DateInput(),
            "sex": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 2}),
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20}),
            "family_card_number": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 20}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0812-3456-7890"}),
            "declared_income": forms.NumberInput(attrs={"min": 0, "step": 1000}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        instance: Participant | None = kwargs.get("instance")
        district_code = self._bound_value("district") or (instance.district_id if instance and instance.pk else None)
        if district_code is None and user.district_id:
            district_code = user.district_id
        regency_code = self._setup_regency(district_code)
        district_field = self.fields["district"]
        assert isinstance(district_field, DistrictField)
        district_field.offer(district_options(regency=regency_code, selected=district_code, many=self.many_districts))
        district_field.initial = district_code
        district_field.widget.attrs.update(
            {"hx-get": reverse("regions:village_options"), "hx-target": "#id_village", "hx-trigger": "change"}
        )
        _model_choice(self, "village").queryset = village_choices(district_code)
        self.fields["village"].help_text = _("Choose the district first; its villages are then listed.")
        _model_choice(self, "community_group").queryset = scope_queryset(user, CommunityGroup.objects.all())
        _choice(self, "sex").choices = Sex.choices
        _choice(self, "category").choices = Category.choices
        _choice(self, "consent_method").choices = [("", "---------"), *ConsentMethod.choices]
        if user.is_admin:
            _model_choice(self, "coordinator").queryset = coordinator_choices()
            if instance and instance.pk:
                self.fields["coordinator"].initial = instance.coordinator_id
        else:
            del self.fields["coordinator"]
            # Status moves beyond submitted are an administrator's decision.
            _choice(self, "status").choices = [
                (value, label) for value, label in Status.choices if value in (Status.DRAFT, Status.SUBMITTED)
            ] + (
                [(instance.status, instance.get_status_display())]
                if instance and instance.status not in (Status.DRAFT, Status.SUBMITTED)
                else []
            )
            self.fields["membership_number"].disabled = True
            # A disabled field must say why, or it looks broken (UI-5).
            self.fields["membership_number"].help_text = _(
                "An administrator enters the KPJ number once BPJS Ketenagakerjaan has issued it."
            )
        if instance and instance.pk:
            # Documents are managed on the participant page once registered.
            del self.fields["document_ktp"]
            del self.fields["document_kk"]

    def _setup_regency(self, district_code: str | None) -> str | None:
        """The regency select appears only when the whole country is loaded."""
        regency_code = self._bound_value("regency") or (district_code[:5] if district_code else None)
        regency_code = regency_code or home_regency(self.user)
        self.many_districts = needs_regency_choice()
        if not self.many_districts:
            del self.fields["regency"]
            return regency_code
        self.fields["regency"].initial = regency_code
        self.fields["regency"].widget.attrs.update(
            {"hx-get": reverse("regions:district_options"), "hx-target": "#id_district", "hx-trigger": "change"}
        )
        return regency_code

    def _bound_value(self, name: str) -> str | None:
        if not self.is_bound:
            return None
        value = self.data.get(self.add_prefix(name))
        return str(value) if value else None

    def clean_nik(self) -> str:
        nik = clean_nik(self.cleaned_data.get("nik") or "")
        parse_nik(nik)  # structural errors show beside the field at once
        return nik

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        village = cleaned.get("village")
        district = cleaned.get("district")
        if village and district and village.parent_id != district.pk:
            self.add_error("village", _("This village is not in the chosen district."))
        return cleaned

    def domain_data(self) -> dict[str, Any]:
        """What the service takes: the model fields minus scoping and helper fields."""
        skip = {"regency", "district", "coordinator", "document_ktp", "document_kk"}
        data = {name: self.cleaned_data[name] for name in self.fields if name not in skip and name in self.cleaned_data}
        if "membership_number" in self.fields and self.fields["membership_number"].disabled:
            data.pop("membership_number", None)
        return data

    def documents(self) -> dict[str, Any]:
        return {
            DocumentKind.KTP: self.cleaned_data.get("document_ktp"),
            DocumentKind.KK: self.cleaned_data.get("document_kk"),
        }


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
        _model_choice(self, "village").queryset = village_choices(district_code)
        groups = scope_queryset(user, CommunityGroup.objects.all())
        if district_code:
            groups = groups.filter(village__parent_id=district_code)
        elif groups.count() > MAX_GROUP_OPTIONS:
            # Thousands of options cost the page more than its query; narrow by district.
            selected = str(self.data.get("group") or "")
            groups = groups.filter(pk=int(selected)) if selected.isdigit() else groups.none()
        _model_choice(self, "group").queryset = groups
        if user.is_admin:
            _model_choice(self, "coordinator").queryset = coordinator_choices()
        else:
            del self.fields["coordinator"]

    def filters(self) -> dict[str, Any]:
        """Valid filters only: a stale or tampered value is ignored, not an error page."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )


class ReassignForm(forms.Form):
    from_coordinator = forms.ModelChoiceField(label=_("From coordinator"), queryset=User.objects.none())
    to_coordinator = forms.ModelChoiceField(label=_("To coordinator"), queryset=User.objects.none())
    district = DistrictField(label=_("Only in district"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "from_coordinator").queryset = coordinator_choices()
        _model_choice(self, "to_coordinator").queryset = coordinator_choices()
        district_field = self.fields["district"]
        assert isinstance(district_field, DistrictField)
        district_field.offer(district_options(regency=home_regency(user), selected=self.data.get("district")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("from_coordinator") and cleaned.get("from_coordinator") == cleaned.get("to_coordinator"):
            self.add_error("to_coordinator", _("Choose a different coordinator."))
        return cleaned


class FamilyMemberForm(forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["full_name", "relationship", "nik", "birth_date", "phone", "is_heir"]
        widgets = {
            "birth_date": DateInput(),
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 20}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }
