"""The staff inbox (MSG-9): a list with filters, a conversation page with the answer
form, assignment and done. Reads through inbox/selectors.py (scoped), writes through
inbox/services.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.permissions import staff_required

from ..models import InboundMessage
from . import selectors, services
from .forms import AssignForm, ReplyForm
from .states import machine

PAGE_SIZE = 50


@staff_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in selectors.FILTERS:
        state = "open"
    page = Paginator(selectors.inbox_for(request.user, state), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "messaging/inbox/list.html", {"page": page, "state": state, "filters": _filters()})


def _filters() -> list[tuple[str, str]]:
    return [
        ("open", _("Open")),
        ("mine", _("Assigned to me")),
        ("unmatched", _("Unknown numbers")),
        ("done", _("Done")),
        ("all", _("All")),
    ]


@staff_required
@require_GET
def conversation(request: HttpRequest, inbound_pk: int) -> HttpResponse:
    inbound = selectors.inbound_get_for_user(request.user, inbound_pk)
    return _render_conversation(request, inbound, ReplyForm())


def _render_conversation(
    request: HttpRequest, inbound: InboundMessage, form: ReplyForm, status: int = 200
) -> HttpResponse:
    assert isinstance(request.user, User)
    principal = access.principal_of(request.user)
    users = services.assignable_users(inbound)
    return render(
        request,
        "messaging/inbox/conversation.html",
        {
            "inbound": inbound,
            "thread": selectors.thread_of(inbound),
            "replies": services.replies_of(inbound),
            "window_open": services.window_open(inbound),
            "reply_form": form,
            "may_reply": access.permits(principal, inbound, "reply"),
            "assign_form": AssignForm(users=users, initial={"assigned_to": inbound.assigned_to_id or request.user.pk}),
            "steps": [t for t in machine.available(inbound, principal) if t.name != "assign"],
            "may_assign": any(t.name == "assign" for t in machine.available(inbound, principal)),
        },
        status=status,
    )


@staff_required
@require_POST
def reply(request: HttpRequest, inbound_pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    inbound = selectors.inbound_get_for_user(request.user, inbound_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.inbox_reply(actor=request.user, inbound=inbound, text=form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You may not answer this message."))
        else:
            messages.success(request, _("Answer queued for sending."))
            return redirect("messaging:inbox_conversation", inbound_pk=inbound.pk)
    # What was typed stays in the form, with the reason it was refused.
    return _render_conversation(request, inbound, form, status=400)


@staff_required
@require_POST
def assign(request: HttpRequest, inbound_pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    inbound = selectors.inbound_get_for_user(request.user, inbound_pk)
    form = AssignForm(request.POST, users=services.assignable_users(inbound))
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose someone from the list."))
        to = User.objects.get(pk=form.cleaned_data["assigned_to"])
        services.inbox_assign(actor=request.user, inbound=inbound, to=to)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Assigned to %(name)s.") % {"name": to.get_full_name() or to.username})
    return redirect("messaging:inbox_conversation", inbound_pk=inbound.pk)


@staff_required
@require_POST
def move(request: HttpRequest, inbound_pk: int) -> HttpResponse:
    assert isinstance(request.user, User)
    inbound = selectors.inbound_get_for_user(request.user, inbound_pk)
    step = request.POST.get("step", "")
    try:
        if step == "done":
            services.inbox_done(actor=request.user, inbound=inbound)
            messages.success(request, _("Marked done."))
            return redirect("messaging:inbox")
        if step == "reopen":
            services.inbox_reopen(actor=request.user, inbound=inbound)
            messages.success(request, _("Reopened."))
        else:
            messages.error(request, _("Unknown step."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message(exc))
    return redirect("messaging:inbox_conversation", inbound_pk=inbound.pk)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")
