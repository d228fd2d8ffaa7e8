"""An inbox conversation's life: new -> assigned -> done, and reopened when it needs
more. The transition names are the access actions (InboundMessage.ACCESS)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.states import StateMachine, Transition

from ..models import InboundMessage, InboxState

S = InboxState
TRANSITIONS = [
    Transition("assign", frozenset({S.NEW, S.ASSIGNED}), S.ASSIGNED, _("Assign")),
    Transition("done", frozenset({S.NEW, S.ASSIGNED}), S.DONE, _("Mark done")),
    Transition("reopen", frozenset({S.DONE}), S.NEW, _("Reopen")),
]
machine: StateMachine[InboundMessage] = StateMachine(InboundMessage, "state", TRANSITIONS, "inbox")
