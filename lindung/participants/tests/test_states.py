"""The participant status machine (participants/states.py): legal moves for the right
principals, clear refusals for the rest, and an event row for every move."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.accounts.models import Duty, Role
from lindung.core.models import DomainEvent
from lindung.core.tests.factories import UserFactory
from lindung.participants import services
from lindung.participants.models import Participant, Status
from lindung.participants.states import participant_states
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def move(actor, participant, name, reason=""):
    return services.participant_transition(actor=actor, participant=participant, transition=name, reason=reason)


def test_a_move_writes_who_from_to_and_why(admin, coord_a):
    participant = ParticipantFactory(coordinator=coord_a, status=Status.ACTIVE)
    move(admin, participant, "exit", reason="moved to Malaysia")
    assert Participant.objects.get(pk=participant.pk).status == Status.EXITED
    event = DomainEvent.objects.filter(kind="participant.status_changed").get()
    assert (event.actor_id, event.participant_id) == (admin.pk, participant.pk)
    assert event.payload == {
        "transition": "exit",
        "source": Status.ACTIVE,
        "target": Status.EXITED,
        "reason": "moved to Malaysia",
    }


@pytest.mark.parametrize(
    ("source", "name"),
    [(Status.ACTIVE, "submit"), (Status.DRAFT, "lapse"), (Status.EXITED, "reactivate"), (Status.DECEASED, "rejoin")],
)
def test_a_move_from_the_wrong_status_is_refused_and_nothing_changes(admin, source, name):
    participant = ParticipantFactory(status=source)
    with pytest.raises(ValidationError, match="not possible from the status"):
        move(admin, participant, name, reason="because")
    assert Participant.objects.get(pk=participant.pk).status == source
    assert not DomainEvent.objects.filter(kind="participant.status_changed").exists()


def test_deceased_is_final(admin):
    participant = ParticipantFactory(status=Status.DECEASED)
    assert participant_states.available(participant, services.access.principal_of(admin)) == []


@pytest.mark.parametrize("name", ["exit", "decease", "lapse"])
def test_leaving_or_lapsing_by_hand_needs_a_reason(admin, name):
    participant = ParticipantFactory(status=Status.ACTIVE)
    with pytest.raises(ValidationError) as refused:
        move(admin, participant, name, reason="  ")
    assert "reason" in refused.value.message_dict


def test_a_coordinator_prepares_but_does_not_activate(coord_a):
    participant = ParticipantFactory(coordinator=coord_a, status=Status.DRAFT)
    move(coord_a, participant, "submit")
    assert Participant.objects.get(pk=participant.pk).status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        move(coord_a, participant, "activate")
    with pytest.raises(ValidationError) as refused:  # the same rule through the edit service
        services.participant_update(actor=coord_a, participant=participant, data={"status": Status.ACTIVE})
    assert refused.value.message_dict["status"] == ["Only an administrator can set this status."]


def test_another_coordinator_cannot_move_a_participant(coord_a, coord_b):
    participant = ParticipantFactory(coordinator=coord_a, status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        move(coord_b, participant, "submit")


def test_a_membership_duty_grants_activation_and_a_duty_less_officer_is_refused():
    participant = ParticipantFactory(status=Status.SUBMITTED)
    officer = UserFactory(role=Role.OFFICER)
    with pytest.raises(PermissionDenied):
        move(officer, participant, "activate")
    officer.duties.add(Duty.objects.get(code="membership"))
    officer = type(officer).objects.get(pk=officer.pk)  # a fresh principal
    move(officer, participant, "activate")
    assert Participant.objects.get(pk=participant.pk).status == Status.ACTIVE


def test_a_new_duty_is_data_not_code():
    participant = ParticipantFactory(status=Status.ACTIVE)
    deaths = Duty.objects.create(code="deaths_desk", name="Deaths desk", grants=["participant.decease"])
    officer = UserFactory(role=Role.OFFICER)
    officer.duties.add(deaths)
    move(officer, participant, "decease", reason="death certificate seen")
    assert Participant.objects.get(pk=participant.pk).status == Status.DECEASED
    with pytest.raises(PermissionDenied):
        move(officer, ParticipantFactory(status=Status.ACTIVE), "exit", reason="not their duty")


def test_the_edit_form_offers_only_reachable_statuses(admin, coord_a):
    from lindung.participants.forms import status_choices

    principal = services.access.principal_of
    active = ParticipantFactory(status=Status.ACTIVE)
    assert [v for v, _ in status_choices(principal(admin), active)] == [
        Status.ACTIVE,
        Status.NON_ACTIVE,
        Status.EXITED,
        Status.DECEASED,
    ]
    assert [v for v, _ in status_choices(principal(coord_a), None)] == [Status.DRAFT, Status.SUBMITTED]
    assert [v for v, _ in status_choices(principal(admin), None)] == [Status.DRAFT, Status.SUBMITTED, Status.ACTIVE]


def test_a_new_registration_cannot_start_exited(admin):
    from lindung.participants.tests.test_services import data

    with pytest.raises(ValidationError) as refused:
        services.participant_register(actor=admin, data=data(status=Status.EXITED))
    assert "status" in refused.value.message_dict
