"""The self-registration's and the correction request's lives, as state machines
(core/states.py): pending until a coordinator (or an administrator) decides; a refusal
always says why, because the worker is told."""

from django.utils.translation import gettext_lazy as _

from lindung.core.states import StateMachine, Transition

from .models import CorrectionRequest, CorrectionStatus, RegistrationStatus, SelfRegistration

PENDING = frozenset({RegistrationStatus.PENDING})

registration_states: StateMachine[SelfRegistration] = StateMachine(
    SelfRegistration,
    "status",
    (
        Transition("accept", PENDING, RegistrationStatus.ACCEPTED, _("Accept the registration")),
        Transition("reject", PENDING, RegistrationStatus.REJECTED, _("Reject the registration"), needs_reason=True),
    ),
    event_prefix="selfregistration",
)

correction_states: StateMachine[CorrectionRequest] = StateMachine(
    CorrectionRequest,
    "status",
    (
        Transition(
            "approve", frozenset({CorrectionStatus.PENDING}), CorrectionStatus.APPROVED, _("Approve the correction")
        ),
        Transition(
            "refuse",
            frozenset({CorrectionStatus.PENDING}),
            CorrectionStatus.REFUSED,
            _("Refuse the correction"),
            needs_reason=True,
        ),
    ),
    event_prefix="correction",
)
