"""Filing and following a ticket (public or a participant), and the staff queue."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindung.core import access
from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import public, staff_required

from . import selectors, services
from .forms import FollowForm, QueueFilterForm, ReplyForm, TicketForm
from .limits import FILE_LIMIT, FOLLOW_LIMIT, allowed
from .models import Ticket
from .states import ticket_machine


def _is_participant(request: HttpRequest) -> bool:
    return access.principal_of(request.user).kind == access.Kind.PARTICIPANT


def filed_or_form(request: HttpRequest, form: TicketForm, user: Any) -> HttpResponse | None:
    """File the posted ticket for ``user`` (anonymous or a participant) and send the person
    to its page; None when the form must be shown again with its errors."""
    if form.cleaned_data.get("website"):
        # A bot filled the hidden box: answer as if filed, keep nothing.
        messages.success(request, _("Thank you. Your message was received."))
        return redirect("feedback:follow")
    if not allowed(request, "file", FILE_LIMIT):
        form.add_error(None, _("Too many messages from this connection; please try again in an hour."))
        return None
    data = services.TicketInput(
        category=form.cleaned_data["category"],
        subject=form.cleaned_data["subject"],
        message=form.cleaned_data["message"],
        name=form.cleaned_data.get("name", ""),
        phone=form.cleaned_data.get("phone", ""),
        email=form.cleaned_data.get("email", ""),
        village=form.cleaned_data.get("village"),
    )
    try:
        ticket = services.ticket_file(user=user, data=data)
    except ValidationError as error:
        show_service_errors(form, error)
        return None
    messages.success(
        request,
        _("Received. Your ticket number is %(number)s: keep it to follow the answer.")
        % {"number": ticket.display_number},
    )
    return redirect("feedback:followed", number=ticket.number)


@public
@require_http_methods(["GET", "POST"])
def file_ticket(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, participant=_is_participant(request))
    if request.method == "POST" and form.is_valid():
        response = filed_or_form(request, form, request.user)
        if response is not None:
            return response
    return render(request, "feedback/file.html", {"form": form, "participant": _is_participant(request)})


@public
@require_GET
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.GET or None)
    if form.is_valid():
        if not allowed(request, "follow", FOLLOW_LIMIT):
            form.add_error(None, _("Too many tries from this connection; wait a minute."))
        elif (ticket := selectors.ticket_by_number(form.cleaned_data["number"])) is not None:
            return redirect("feedback:followed", number=ticket.number)
        else:
            form.add_error("number", _("No ticket has this number. Check it against the one you were given."))
    return render(request, "feedback/follow.html", {"form": form})


def _followed_ticket(request: HttpRequest, number: str) -> Ticket:
    if not allowed(request, "follow", FOLLOW_LIMIT):
        raise Http404
    ticket = selectors.ticket_by_number(number)
    if ticket is None:
        raise Http404
    return ticket


@public
@require_http_methods(["GET", "POST"])
def followed(request: HttpRequest, number: str) -> HttpResponse:
    """The person's view of their ticket: the number in the address is the key."""
    ticket = _followed_ticket(request, number)
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "close":
            try:
                services.ticket_move(actor=None, ticket=ticket, name="close", reason=_("Closed by the person"))
            except ValidationError as error:  # closed already, in another tab
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Closed. Thank you."))
            return redirect("feedback:followed", number=ticket.number)
        if form.is_valid():
            try:
                services.person_reply(user=request.user, ticket=ticket, body=form.cleaned_data["body"])
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("Your message was added."))
                return redirect("feedback:followed", number=ticket.number)
    return render(
        request,
        "feedback/followed.html",
        {
            "ticket": ticket,
            "replies": ticket.replies.order_by("created_at", "pk"),
            "form": form,
            "may_close": ticket.status != "closed",
        },
    )


@public
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """A signed-in participant's own tickets; anyone else follows by number."""
    if not _is_participant(request):
        return redirect("feedback:follow")
    return render(request, "feedback/mine.html", {"tickets": selectors.tickets_of_participant(request.user)})


@staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    status = category = ""
    if form.is_valid():
        status, category = form.cleaned_data.get("status", ""), form.cleaned_data.get("category", "")
    page_obj = Paginator(selectors.queue(request.user, status=status, category=category), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    ageings = [(ticket, selectors.ageing(ticket, now)) for ticket in page_obj]
    rows = [(t, a, selectors.age_text(a.age)) for t, a in ageings]
    return render(request, "feedback/queue.html", {"form": form, "page_obj": page_obj, "rows": rows})


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_staff(request.user, pk)
    principal = access.principal_of(request.user)
    form = ReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "reply":
                if form.is_valid():
                    services.staff_reply(actor=request.user, ticket=ticket, body=form.cleaned_data["body"])
                    messages.success(request, _("Reply sent."))
                    return redirect(reverse("feedback:ticket", args=[ticket.pk]))
            else:
                services.ticket_move(
                    actor=request.user, ticket=ticket, name=action, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("Status changed."))
                return redirect(reverse("feedback:ticket", args=[ticket.pk]))
        except ValidationError as error:
            show_service_errors(form, error)
    context: dict[str, Any] = {
        "ticket": ticket,
        "replies": ticket.replies.select_related("author").order_by("created_at", "pk"),
        "form": form,
        "ageing": selectors.ageing(ticket),
        "moves": [t for t in ticket_machine.available(ticket, principal) if t.name != "answer"],
        "may_reply": access.permits(principal, ticket, "reply"),
    }
    context["age"] = selectors.age_text(context["ageing"].age)
    return render(request, "feedback/ticket.html", context)
