"""Outreach events: the coordinators' pages, the public check-in from the QR code and
the after-event questionnaire, and the report."""

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindung.core import access
from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import public, staff_required

from . import selectors, services
from .forms import AttendeeListForm, CheckinForm, EventForm, QuestionnaireForm
from .models import Attendee, Attribution, OutreachEvent, Phase


@staff_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    events = list(selectors.events_for(request.user)[:200])
    return render(
        request,
        "outreach/event_list.html",
        {
            "rows": selectors.figures(events),
            "may_add": access.may(access.principal_of(request.user), OutreachEvent, "add"),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    principal = access.principal_of(request.user)
    access.require_may(principal, OutreachEvent, "add")
    form = EventForm(request.POST or None, choose_coordinator=not access.acts_for_self(principal))
    if request.method == "POST" and form.is_valid():
        data = services.EventInput(
            title=form.cleaned_data["title"],
            village=form.cleaned_data["village"],
            place=form.cleaned_data["place"],
            starts_at=form.cleaned_data["starts_at"],
            notes=form.cleaned_data["notes"],
            coordinator=form.cleaned_data.get("coordinator"),
        )
        try:
            event = services.event_create(actor=request.user, data=data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return redirect("outreach:event", pk=event.pk)
    return render(request, "outreach/event_form.html", {"form": form})


def _qr_svg(url: str) -> str:
    # segno draws the code as SVG paths with attributes only (no inline style).
    return str(segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


@staff_required
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    principal = access.principal_of(request.user)
    list_form = AttendeeListForm(request.POST if request.POST.get("action") == "attend" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "attend" and list_form.is_valid():
                added = services.attendees_add(actor=request.user, event=event, lines=list_form.cleaned_data["lines"])
                messages.success(request, _("%(n)s people added.") % {"n": len(added)})
                return redirect("outreach:event", pk=pk)
            if action == "attribute":
                ids = [int(v) for v in request.POST.getlist("participant") if v.isdigit()]
                count = services.attribute(actor=request.user, event=event, participant_ids=ids)
                messages.success(request, _("%(n)s registrations counted for this event.") % {"n": count})
                return redirect("outreach:event", pk=pk)
            if action == "unattribute":
                attribution = access.get_or_404(
                    principal, Attribution.objects.filter(event=event), "attribute", pk=request.POST.get("attribution")
                )
                services.attribution_remove(actor=request.user, attribution=attribution)
                return redirect("outreach:event", pk=pk)
        except ValidationError as error:
            if action == "attend":
                show_service_errors(list_form, error)
            else:
                messages.error(request, " ".join(error.messages))
    checkin_url = request.build_absolute_uri(reverse("outreach:checkin", args=[event.checkin_code]))
    attendees = event.attendees.prefetch_related("responses").order_by("name", "pk")
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "figures": selectors.figures([event])[0],
            "attendees": attendees,
            "list_form": list_form,
            "checkin_url": checkin_url,
            "qr": mark_safe(_qr_svg(checkin_url)),  # noqa: S308 (segno's own SVG of our URL)
            "candidates": services.attribution_candidates(request.user, event),
            "attributions": event.attributions.select_related("participant").order_by("participant__full_name"),
            "may_attribute": access.permits(principal, event, "attribute"),
            "questions": list(event.questions.all()),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def answers_entry(request: HttpRequest, pk: int, attendee_pk: int, phase: str) -> HttpResponse:
    """A paper questionnaire typed in by the coordinator."""
    event = selectors.event_for(request.user, pk, "attend")
    attendee = selectors.attendee_for(request.user, event, attendee_pk)
    if phase not in Phase.values:
        raise Http404
    questions = list(event.questions.all())
    form = QuestionnaireForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.answers_record(actor=request.user, attendee=attendee, phase=phase, answers=form.answers())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Answers saved."))
            return redirect("outreach:event", pk=pk)
    return render(
        request,
        "outreach/answers.html",
        {"event": event, "attendee": attendee, "form": form, "phase": Phase(phase).label},
    )


@public
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, code: str) -> HttpResponse:
    event = access.get_or_404(
        access.ANONYMOUS, OutreachEvent.objects.select_related("village"), "checkin", checkin_code=code
    )
    questions = list(event.questions.all())
    form = CheckinForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            attendee = services.checkin(
                event=event, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"], answers=form.answers()
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            return redirect("outreach:after", token=attendee.token)
    return render(request, "outreach/checkin.html", {"event": event, "form": form})


@public
@require_http_methods(["GET", "POST"])
def after(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's own page: welcome, then the questionnaire after the event."""
    attendee = Attendee.objects.select_related("event").filter(token=token).first()
    if attendee is None:
        raise Http404
    done = attendee.responses.filter(phase=Phase.POST).first()
    form = QuestionnaireForm(request.POST or None, questions=list(attendee.event.questions.all()))
    if request.method == "POST" and done is None and form.is_valid():
        try:
            done = services.answers_after(attendee=attendee, answers=form.answers())
        except ValidationError as error:
            show_service_errors(form, error)
    return render(request, "outreach/after.html", {"attendee": attendee, "form": form, "done": done})


@staff_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    rows = selectors.figures(list(selectors.events_for(request.user)[:50]))
    bars = selectors.score_chart(rows)
    return render(
        request,
        "outreach/report.html",
        {
            "rows": rows,
            "bars": bars,
            "chart_height": max(1, len(bars)) * (selectors.BAR_HEIGHT * 2 + 22),
            "total_attendees": sum(r.attendees for r in rows),
            "total_registrations": sum(r.registrations for r in rows),
        },
    )
