"""Feedback inside the participant's own pages (/saya/pengaduan/): the participant
session's cookie is limited to /saya/, so the participant files and lists tickets here,
as themselves, and follows each one on its public page by its unguessable number."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from lindung.selfservice.doors import participant_required, who

from . import selectors
from .forms import TicketForm
from .views import filed_or_form


@participant_required
@require_http_methods(["GET", "POST"])
def own_tickets(request: HttpRequest) -> HttpResponse:
    participant = who(request)
    form = TicketForm(request.POST or None, participant=True)
    if request.method == "POST" and form.is_valid():
        response = filed_or_form(request, form, participant)
        if response is not None:
            return response
    tickets = selectors.tickets_of_participant(participant)
    return render(request, "feedback/own.html", {"form": form, "tickets": tickets})
