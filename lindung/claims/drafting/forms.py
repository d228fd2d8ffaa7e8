"""Forms for drafting a claim: pick the participant and the program, then fill the facts
the program needs. The services check everything again (claims/services.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.core import access
from lindung.participants.models import Participant
from lindung.participants.nik import clean_nik

from ..claim import Claim, ClaimProgram
from ..documents.forms import DateInput

# Which facts each program asks for, in the order a claims officer reads a dossier.
PROGRAM_FIELDS: dict[str, tuple[str, ...]] = {
    ClaimProgram.OLD_AGE: ("jht_reason", "event_date", "balance"),
    ClaimProgram.WORK_ACCIDENT: (
        "event_date",
        "accident_place",
        "stage1_report_date",
        "stage2_report_date",
        "wage",
        "incapacity_days",
        "medical_bills",
        "accident_death",
    ),
    ClaimProgram.DEATH: ("event_date", "death_cause", "contribution_months", "heirs"),
    ClaimProgram.PENSION: ("contribution_months", "jp_balance", "average_annual_wage"),
}
BANK_FIELDS = ("bank_account_holder", "bank_account_number")


class StartForm(forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("Participant's NIK"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    program = forms.ChoiceField(label=gettext_lazy("Benefit"), choices=ClaimProgram.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.principal = access.principal_of(user)
        self.participant: Participant | None = None

    def clean_nik(self) -> str:
        nik = clean_nik(self.cleaned_data["nik"])
        # Only participants the user may see: another coordinator's NIK reads as unknown.
        found = access.scope(self.principal, Participant.objects.all(), "view").filter(nik=nik).first()
        if found is None:
            raise forms.ValidationError(_("No participant of yours has this NIK. Check the 16 digits."))
        self.participant = found
        return nik


class FactsForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = sorted({name for names in PROGRAM_FIELDS.values() for name in names} | set(BANK_FIELDS))
        widgets = {
            "event_date": DateInput(),
            "stage1_report_date": DateInput(),
            "stage2_report_date": DateInput(),
            "heirs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claim: Claim = self.instance
        wanted = PROGRAM_FIELDS.get(claim.program, ()) + BANK_FIELDS
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.order_fields(wanted)
        if "heirs" in self.fields:
            heirs = self.fields["heirs"]
            heirs.queryset = claim.participant.family_members.order_by("full_name")  # type: ignore[attr-defined]
            heirs.help_text = _("From the participant's family members; add them on the participant's page.")
        for name in BANK_FIELDS:
            self.fields[name].required = False
        self.fields["bank_account_holder"].help_text = _("Exactly as printed in the bank book.")

    def facts(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "heirs"}

    def heirs(self) -> list[Any] | None:
        return list(self.cleaned_data["heirs"]) if "heirs" in self.cleaned_data else None
