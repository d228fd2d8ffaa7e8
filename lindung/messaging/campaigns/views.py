"""Pages for reminders: campaigns (list, new, progress and its buttons, a test send),
templates (list, write, preview), segments (build with a live count and sample) and the
policy's stages. Staff pages; everything read through core.access."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import admin_required, staff_required
from lindung.participants.models import Participant

from ..campaign_models import Campaign, MessageTemplate, ReminderStage, Segment
from . import services
from .clock import ensure_ticker
from .forms import CampaignForm, PreviewForm, SegmentForm, TemplateForm, TestSendForm
from .launching import campaign_launch_start
from .segments import segment_count, segment_sample
from .states import campaign_states


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _principal(request: HttpRequest) -> access.Principal:
    return access.principal_of(request.user)


# -- campaigns ---------------------------------------------------------------------------


@staff_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    ensure_ticker()  # make run only: scheduled campaigns and the policy without beat
    campaigns = access.scope(_principal(request), Campaign.objects.select_related("template", "segment"))[:100]
    return render(request, "messaging/campaign_list.html", {"campaigns": campaigns})


@staff_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.may(_principal(request), Campaign, "add"):
        raise PermissionDenied
    form = CampaignForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Campaign saved. Check the count, test it, then start it."))
            return redirect("messaging:campaign_detail", pk=campaign.pk)
    return render(request, "messaging/campaign_form.html", {"form": form})


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return access.get_or_404(
        _principal(request), Campaign.objects.select_related("template", "segment", "launch_job"), pk=pk
    )


@staff_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = services.campaign_settle(_campaign(request, pk))
    principal = _principal(request)
    context: dict[str, Any] = {
        "campaign": campaign,
        "progress": services.campaign_progress(campaign),
        "actions": campaign_states.available(campaign, principal),
        "test_form": TestSendForm(),
    }
    if campaign.segment and campaign.status in ("draft", "scheduled"):
        context["count"] = segment_count(principal, campaign.segment.criteria)
    return render(request, "messaging/campaign_detail.html", context)


ACTIONS = {
    "launch": campaign_launch_start,
    "pause": services.campaign_pause,
    "resume": services.campaign_resume,
    "cancel": services.campaign_cancel,
}


def _act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        ACTIONS[name](actor=_user(request), campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if name == "launch":
            messages.success(request, _("Started: the messages are being planned in the background; see the progress."))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": campaign_states.transitions[name].label})
    return redirect("messaging:campaign_detail", pk=pk)


@staff_required
@require_POST
def campaign_launch(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "launch")


@staff_required
@require_POST
def campaign_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "pause")


@staff_required
@require_POST
def campaign_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "resume")


@staff_required
@require_POST
def campaign_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "cancel")


@staff_required
@require_POST
def campaign_test_send(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = TestSendForm(request.POST)
    participant = None
    if form.is_valid() and form.cleaned_data["participant"]:
        participant = access.get_or_404(
            _principal(request), Participant.objects.all(), pk=form.cleaned_data["participant"]
        )
    try:
        services.campaign_test_send(actor=_user(request), campaign=campaign, participant=participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Test message sent to your own number."))
    return redirect("messaging:campaign_detail", pk=pk)


# -- templates ---------------------------------------------------------------------------


@staff_required
def template_list(request: HttpRequest) -> HttpResponse:
    templates = access.scope(_principal(request), MessageTemplate.objects.all())
    return render(request, "messaging/template_list.html", {"templates": templates})


@admin_required
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    template = access.get_or_404(_principal(request), MessageTemplate.objects.all(), "change", pk=pk) if pk else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.template_save(actor=user, data=form.cleaned_data, template=template)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Template saved."))
            return redirect("messaging:template_detail", pk=saved.pk)
    return render(request, "messaging/template_form.html", {"form": form, "template": template})


@staff_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The template, and a preview filled for a real participant the viewer may see."""
    principal = _principal(request)
    template = access.get_or_404(principal, MessageTemplate.objects.all(), pk=pk)
    form = PreviewForm(request.GET or None)
    preview = None
    if form.is_bound and form.is_valid():
        participant = (
            access.scope(principal, Participant.objects.select_related("coordinator"))
            .filter(pk=form.cleaned_data["participant"])
            .first()
        )
        if participant is None:
            form.add_error("participant", _("No participant with this number among yours."))
        else:
            preview = services.template_preview(
                actor=_user(request), template=template, participant=participant, language=form.cleaned_data["language"]
            )
    return render(request, "messaging/template_detail.html", {"template": template, "form": form, "preview": preview})


# -- segments ----------------------------------------------------------------------------


@staff_required
def segment_list(request: HttpRequest) -> HttpResponse:
    segments = access.scope(_principal(request), Segment.objects.select_related("created_by"))
    return render(request, "messaging/segment_list.html", {"segments": segments})


def _segment_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Build a segment: "Count" shows how many and who without saving; "Save" keeps it."""
    user, principal = _user(request), _principal(request)
    segment = access.get_or_404(principal, Segment.objects.all(), "change", pk=pk) if pk else None
    if request.method == "POST":
        form = SegmentForm(request.POST, user=user)
    else:
        form = SegmentForm(initial=SegmentForm.initial_from(segment) if segment else None, user=user)
    context: dict[str, Any] = {"form": form, "segment": segment}
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        if "save" in request.POST:
            try:
                saved = services.segment_save(
                    actor=user, name=form.cleaned_data["name"], criteria=criteria, segment=segment
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Segment saved."))
                return redirect("messaging:segment_detail", pk=saved.pk)
        else:
            criteria = services.clean_criteria(criteria)
            context["count"] = segment_count(principal, criteria)
            context["sample"] = segment_sample(principal, criteria)
    elif segment is not None:
        context["count"] = segment_count(principal, segment.criteria)
        context["sample"] = segment_sample(principal, segment.criteria)
    return render(request, "messaging/segment_form.html", context)


@staff_required
def segment_new(request: HttpRequest) -> HttpResponse:
    if not access.may(_principal(request), Segment, "add"):
        raise PermissionDenied
    return _segment_page(request)


@staff_required
def segment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _segment_page(request, pk)


# -- policy ------------------------------------------------------------------------------


@staff_required
def policy(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    stages = access.scope(_principal(request), ReminderStage.objects.select_related("template"))
    return render(request, "messaging/policy.html", {"stages": stages, "today": today})
