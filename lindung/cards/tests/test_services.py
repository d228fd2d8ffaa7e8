import pytest
from django.core.exceptions import PermissionDenied

from lindung.cards import services
from lindung.cards.models import MembershipCard
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_tokens_are_long_random_and_unique() -> None:
    tokens = {services.new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(len(t) >= 22 for t in tokens)  # 128 bits in URL-safe base64


def test_token_carries_no_identifier_of_the_participant() -> None:
    participant = ParticipantFactory(membership_number="24012345678")
    card = services.card_issue(actor=participant.coordinator, participant=participant)
    assert participant.nik not in card.token
    assert participant.membership_number not in card.token
    assert card.token != str(participant.pk)


def test_reissue_revokes_the_previous_card() -> None:
    participant = ParticipantFactory()
    first = services.card_issue(actor=participant.coordinator, participant=participant)
    admin = AdminFactory()
    second = services.card_issue(actor=admin, participant=participant)
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == admin
    assert second.revoked_at is None and second.issued_by == admin
    assert second.token != first.token
    assert MembershipCard.objects.filter(participant=participant, revoked_at__isnull=True).count() == 1


def test_ensure_keeps_the_live_card_and_issues_only_when_missing() -> None:
    participant = ParticipantFactory()
    first = services.card_ensure(actor=participant.coordinator, participant=participant)
    again = services.card_ensure(actor=participant.coordinator, participant=participant)
    assert again.pk == first.pk
    assert MembershipCard.objects.filter(participant=participant).count() == 1


@pytest.mark.parametrize("service", [services.card_issue, services.card_ensure])
def test_another_coordinator_may_not_issue(service) -> None:  # type: ignore[no-untyped-def]
    participant = ParticipantFactory()
    with pytest.raises(PermissionDenied):
        service(actor=CoordinatorFactory(), participant=participant)
    assert not MembershipCard.objects.exists()
