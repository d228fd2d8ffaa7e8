"""A participant's status, as a state machine (core/states.py).

Coordinators prepare registrations (draft <-> submitted); administrators and membership
officers activate them; coverage lapses and comes back with payments (the system, from
billing's lapse rule, or an administrator with a reason); leaving the registry (exited,
deceased) is an administrator's decision with a reason. Deceased is final.
"""

from django.utils.translation import gettext_lazy as _

from lindung.core.states import StateMachine, Transition

from .models import Participant, Status

_LIVING = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ACTIVE, Status.NON_ACTIVE, Status.EXITED})

TRANSITIONS = (
    Transition("submit", frozenset({Status.DRAFT}), Status.SUBMITTED, _("Submit the registration")),
    Transition("withdraw", frozenset({Status.SUBMITTED}), Status.DRAFT, _("Return the registration to draft")),
    Transition("activate", frozenset({Status.DRAFT, Status.SUBMITTED}), Status.ACTIVE, _("Activate the membership")),
    Transition("lapse", frozenset({Status.ACTIVE}), Status.NON_ACTIVE, _("Mark as non-active"), needs_reason=True),
    Transition("reactivate", frozenset({Status.NON_ACTIVE}), Status.ACTIVE, _("Reactivate"), needs_reason=True),
    Transition(
        "exit", frozenset({Status.ACTIVE, Status.NON_ACTIVE}), Status.EXITED, _("Record an exit"), needs_reason=True
    ),
    Transition("rejoin", frozenset({Status.EXITED}), Status.ACTIVE, _("Rejoin"), needs_reason=True),
    Transition("decease", _LIVING, Status.DECEASED, _("Record a death"), needs_reason=True),
)

participant_states: StateMachine[Participant] = StateMachine(
    Participant, "status", TRANSITIONS, event_prefix="participant"
)
