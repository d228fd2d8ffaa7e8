"""The ticket's life: open -> (in progress) -> answered -> closed; a reply from the
person reopens an answered or closed ticket. A staff reply is the ``answer`` move."""

from django.utils.translation import gettext_lazy as _

from lindung.core.states import StateMachine, Transition

from .models import Ticket, TicketStatus

S = TicketStatus

TRANSITIONS = [
    Transition("start", frozenset({S.OPEN}), S.IN_PROGRESS, _("Start looking into it")),
    Transition("answer", frozenset({S.OPEN, S.IN_PROGRESS}), S.ANSWERED, _("Answer")),
    Transition("reopen", frozenset({S.ANSWERED, S.CLOSED}), S.OPEN, _("Reopen")),
    Transition("close", frozenset({S.OPEN, S.IN_PROGRESS, S.ANSWERED}), S.CLOSED, _("Close")),
]

ticket_machine: StateMachine[Ticket] = StateMachine(Ticket, "status", TRANSITIONS, "ticket")
