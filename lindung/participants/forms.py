from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices
from lindung.communities.models import CommunityGroup
from lindung.core import access
from lindung.core.scoping import scope_queryset
from lindung.regions.fields import DistrictField, RegencyField, district_options, home_regency, needs_regency_choice

from .columns import EDITABLE_FIELDS
from .filters import model_choice, village_choices
from .models import Category, ConsentMethod, DocumentKind, FamilyMember, Participant, Sex, Status
from .nik import clean_nik, parse_nik
from .services import DUPLICATE_NIK_MESSAGE, INITIAL_STATUSES
from .states import participant_states


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
    reason = forms.CharField(
        label=_("Reason for the status change"),
        required=False,
        max_length=200,
        help_text=_("Needed when recording an exit or a death, or changing coverage by hand."),
    )

    class Meta:
        model = Participant
        fields = list(EDITABLE_FIELDS)
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
        model_choice(self, "village").queryset = village_choices(district_code)
        self.fields["village"].help_text = _("Choose the district first; its villages are then listed.")
        model_choice(self, "community_group").queryset = scope_queryset(user, CommunityGroup.objects.all())
        _choice(self, "sex").choices = Sex.choices
        _choice(self, "category").choices = Category.choices
        _choice(self, "consent_method").choices = [("", "---------"), *ConsentMethod.choices]
        principal = access.principal_of(user)
        if access.may(principal, Participant, "reassign"):
            model_choice(self, "coordinator").queryset = coordinator_choices()
            if instance and instance.pk:
                self.fields["coordinator"].initial = instance.coordinator_id
        else:
            del self.fields["coordinator"]
        # Only the statuses this person may move the record to (participants/states.py).
        _choice(self, "status").choices = status_choices(principal, instance if instance and instance.pk else None)
        if not access.may(principal, Participant, "set_membership_number"):
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
        skip = {"regency", "district", "coordinator", "document_ktp", "document_kk", "reason"}
        data = {name: self.cleaned_data[name] for name in self.fields if name not in skip and name in self.cleaned_data}
        if "membership_number" in self.fields and self.fields["membership_number"].disabled:
            data.pop("membership_number", None)
        return data

    def documents(self) -> dict[str, Any]:
        return {
            DocumentKind.KTP: self.cleaned_data.get("document_ktp"),
            DocumentKind.KK: self.cleaned_data.get("document_kk"),
        }


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
        model_choice(self, "from_coordinator").queryset = coordinator_choices()
        model_choice(self, "to_coordinator").queryset = coordinator_choices()
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


def status_choices(principal: access.Principal, participant: Participant | None) -> list[tuple[str, str]]:
    """A new registration: the starting statuses this principal may choose; an existing
    one: its status and where its transitions lead for this principal."""
    labels = dict(Status.choices)
    if participant is None:
        allowed = [str(s) for s, action in INITIAL_STATUSES.items() if access.may(principal, Participant, action)]
    else:
        allowed = [participant.status] + [t.target for t in participant_states.available(participant, principal)]
    return [(value, str(labels[value])) for value in dict.fromkeys(allowed)]
