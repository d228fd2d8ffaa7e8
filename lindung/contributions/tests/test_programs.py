import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.contributions.calculator import participant_contribution
from lindung.contributions.models import ParticipantProgram
from lindung.contributions.selectors import participant_programs_on
from lindung.contributions.services import participant_contribution_setup, participant_programs_set
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.tests.factories import ParticipantFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def test_without_rows_the_mandatory_programs_are_assumed():
    informal = ParticipantFactory(category="informal", declared_income=1_000_000)
    enrolment = participant_programs_on(informal, D(2025, 5, 1))
    assert enrolment.assumed and enrolment.programs == ["jkk", "jkm"]
    wage = ParticipantFactory(category="wage_earner")
    assert participant_programs_on(wage, D(2025, 5, 1)).programs == ["jkk", "jkm", "jht", "jp", "jkp"]


def test_choosing_jht_and_dropping_it_keeps_history():
    participant = ParticipantFactory(category="informal", declared_income=1_000_000)
    coordinator = participant.coordinator
    participant_programs_set(
        actor=coordinator, participant=participant, programs=["jkk", "jkm", "jht"], on=D(2025, 1, 1)
    )
    assert participant_contribution(participant, D(2025, 1, 1)).total == 36_800
    participant_programs_set(actor=coordinator, participant=participant, programs=["jkk", "jkm"], on=D(2025, 4, 1))
    assert participant_contribution(participant, D(2025, 3, 1)).total == 36_800  # March judged by March's choice
    assert participant_contribution(participant, D(2025, 4, 1)).total == 16_800
    jht = ParticipantProgram.objects.get(participant=participant, program="jht")
    assert (jht.since, jht.until) == (D(2025, 1, 1), D(2025, 3, 31))
    assert ParticipantProgram.objects.filter(participant=participant, until__isnull=True).count() == 2
    assert jht.history.first().history_user == coordinator


def test_mandatory_programs_and_risk_tier_are_enforced():
    informal = ParticipantFactory(category="informal")
    with pytest.raises(ValidationError) as error:
        participant_programs_set(actor=informal.coordinator, participant=informal, programs=["jkk"], on=D(2025, 1, 1))
    assert error.value.message_dict["programs"] == ["These programs are mandatory: JKM."]
    with pytest.raises(ValidationError) as error:
        participant_programs_set(
            actor=informal.coordinator, participant=informal, programs=["jkk", "jkm", "jp"], on=D(2025, 1, 1)
        )
    assert "Not available" in error.value.message_dict["programs"][0]
    wage = ParticipantFactory(category="wage_earner")
    with pytest.raises(ValidationError) as error:
        participant_programs_set(
            actor=wage.coordinator, participant=wage, programs=["jkk", "jkm", "jht", "jp", "jkp"], on=D(2025, 1, 1)
        )
    assert "risk_tier" in error.value.message_dict
    participant_programs_set(
        actor=wage.coordinator,
        participant=wage,
        programs=["jkk", "jkm", "jht", "jp", "jkp"],
        on=D(2025, 1, 1),
        risk_tier=2,
    )
    assert participant_programs_on(wage, D(2025, 1, 1)).risk_tier == 2
    assert not ParticipantProgram.objects.filter(participant=informal).exists()


def test_only_the_own_coordinator_or_an_admin_may_change_programs():
    participant = ParticipantFactory(category="informal")
    with pytest.raises(PermissionDenied):
        participant_programs_set(
            actor=CoordinatorFactory(), participant=participant, programs=["jkk", "jkm"], on=D(2025, 1, 1)
        )
    participant_programs_set(actor=AdminFactory(), participant=participant, programs=["jkk", "jkm"], on=D(2025, 1, 1))
    assert ParticipantProgram.objects.filter(participant=participant).count() == 2


def test_setup_changes_income_through_the_participants_service_and_checks_the_minimum():
    participant = ParticipantFactory(category="informal", declared_income=1_000_000)
    with pytest.raises(ValidationError) as error:
        participant_contribution_setup(
            actor=participant.coordinator,
            participant=participant,
            programs=["jkk", "jkm"],
            on=D(2025, 1, 1),
            declared_income=500_000,
        )
    assert error.value.message_dict["declared_income"] == ["The lowest income that can be declared is Rp 1.000.000."]
    participant_contribution_setup(
        actor=participant.coordinator,
        participant=participant,
        programs=["jkk", "jkm", "jht"],
        on=D(2025, 1, 1),
        declared_income=2_000_000,
    )
    participant.refresh_from_db()
    assert participant.declared_income == 2_000_000
    assert participant.history.first().history_user == participant.coordinator
    assert participant_contribution(participant, D(2025, 1, 1)).total == 20_000 + 6_800 + 40_000
