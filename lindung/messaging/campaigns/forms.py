"""Forms of the template, segment and campaign pages. Choice lists come from
core.access scopes, so nobody is offered what they could not pick."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import User
from lindung.accounts.selectors import coordinator_choices
from lindung.communities.models import CommunityGroup
from lindung.core import access
from lindung.participants.models import Category, Status

from ..campaign_models import MessageTemplate, Segment
from ..models import Channel
from .templating import VARIABLES


class TemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["title", "text_id", "text_en", "whatsapp_name", "approval"]
        widgets = {"text_id": forms.Textarea(attrs={"rows": 5}), "text_en": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = ", ".join("{" + name + "}" for name in VARIABLES)
        self.fields["text_id"].help_text = _("Variables: %(known)s") % {"known": known}


class PreviewForm(forms.Form):
    participant = forms.IntegerField(label=_("Participant number (ID)"), min_value=1)
    language = forms.ChoiceField(label=_("Language"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])


STANDING = [("", _("Anyone")), ("late", _("Late payers (owe past-due bills)")), ("current", _("Paid up"))]
CONSENT = [("", _("Anyone")), ("given", _("Agreed to WhatsApp messages")), ("not_given", _("No consent"))]


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Segment name"), max_length=100)
    standing = forms.ChoiceField(label=_("Payment standing"), choices=STANDING, required=False)
    months_min = forms.IntegerField(label=_("Months late, at least"), min_value=0, required=False)
    months_max = forms.IntegerField(label=_("Months late, at most"), min_value=0, required=False)
    owed_min = forms.IntegerField(label=_("Amount owed (Rp), at least"), min_value=0, required=False)
    owed_max = forms.IntegerField(label=_("Amount owed (Rp), at most"), min_value=0, required=False)
    region = forms.RegexField(
        label=_("Region code"),
        regex=r"^\d{2}(\.\d{2}){0,2}$",
        required=False,
        help_text=_("Province 14, regency 14.03 or district 14.03.01."),
        error_messages={"invalid": _("Write a region code such as 14, 14.03 or 14.03.01.")},
    )
    group = forms.ModelChoiceField(label=_("Group"), queryset=CommunityGroup.objects.none(), required=False)
    coordinator = forms.ModelChoiceField(label=_("Coordinator"), queryset=User.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", _("All")), *Category.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices], required=False)
    consent = forms.ChoiceField(label=_("Consent"), choices=CONSENT, required=False)
    quiet_days = forms.IntegerField(
        label=_("No message in the last … days"), min_value=1, max_value=365, required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        principal = access.principal_of(user)
        group = self.fields["group"]
        assert isinstance(group, forms.ModelChoiceField)
        group.queryset = access.scope(principal, CommunityGroup.objects.order_by("name"))
        if principal.kind == access.Kind.ADMIN:
            coordinator = self.fields["coordinator"]
            assert isinstance(coordinator, forms.ModelChoiceField)
            coordinator.queryset = coordinator_choices()
        else:
            del self.fields["coordinator"]

    @classmethod
    def initial_from(cls, segment: Segment) -> dict[str, Any]:
        return {"name": segment.name, **segment.criteria}

    def criteria(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "name"}
        for key in ("group", "coordinator"):
            if data.get(key) is not None:
                data[key] = data[key].pk
        return data


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=120)
    template = forms.ModelChoiceField(label=_("Template"), queryset=MessageTemplate.objects.none())
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    language = forms.ChoiceField(label=_("Language"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])
    scheduled_for = forms.DateTimeField(
        label=_("Send later at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: the campaign waits as a draft until you start it."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        principal = access.principal_of(user)
        for name, model in (("template", MessageTemplate), ("segment", Segment)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = access.scope(principal, model.objects.all())


class TestSendForm(forms.Form):
    participant = forms.IntegerField(label=_("Fill it for participant (ID, optional)"), min_value=1, required=False)
