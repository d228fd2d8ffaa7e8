"""A campaign's life as a state machine (core/states.py, MSG-4).

draft -> scheduled (a time is set) or running (launched now: its outbox rows are
written); running <-> paused (a SourcePause holds its queued rows back, nothing is lost
or sent twice: the rows keep their unique keys); anything not finished -> cancelled (its
queued rows are skipped with the reason ``cancelled``); running -> completed when no row
is left to send (the system)."""

from django.utils.translation import gettext_lazy as _

from lindung.core.states import StateMachine, Transition

from ..campaign_models import Campaign, CampaignStatus

S = CampaignStatus
TRANSITIONS = (
    Transition("schedule", frozenset({S.DRAFT}), S.SCHEDULED, _("Schedule the campaign")),
    Transition("launch", frozenset({S.DRAFT, S.SCHEDULED}), S.RUNNING, _("Start sending")),
    Transition("pause", frozenset({S.RUNNING}), S.PAUSED, _("Pause")),
    Transition("resume", frozenset({S.PAUSED}), S.RUNNING, _("Resume")),
    Transition("cancel", frozenset({S.DRAFT, S.SCHEDULED, S.RUNNING, S.PAUSED}), S.CANCELLED, _("Cancel")),
    Transition("complete", frozenset({S.RUNNING}), S.COMPLETED, _("Mark as completed")),
)

campaign_states: StateMachine[Campaign] = StateMachine(Campaign, "status", TRANSITIONS, event_prefix="campaign")
