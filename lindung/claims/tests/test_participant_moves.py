"""A claim's copies of its participant's coordinator and district: written when it is
drafted, kept current when the participant is reassigned or moves village, filled in
for old claims by the migration, and always giving the same scope as the participant."""

import datetime
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.api.tests.conftest import api_client
from lindung.claims.claim import Claim, ClaimProgram, ClaimStatus
from lindung.claims.dashboard.models import ServiceLevel
from lindung.claims.dashboard.selectors import IN_PROGRESS, dashboard
from lindung.claims.selectors import claims_for
from lindung.claims.services import claim_draft
from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village, mandau_village, region
from lindung.participants import services as participant_services
from lindung.participants.models import Participant
from lindung.participants.tests.factories import ParticipantFactory

from .factories import jht_claim, officer

pytestmark = pytest.mark.django_db


def siak_village() -> Any:
    region("14.08", "Siak")
    region("14.08.01", "Siak")
    return region("14.08.01.2001", "Kampung Dalam")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_drafted_claim_carries_its_participants_coordinator_and_district(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    claim.refresh_from_db()
    assert claim.coordinator_id == coord_a.pk
    assert claim.district_id == claim.participant.district_id == "14.03.01"


def test_after_reassignment_the_old_coordinator_is_refused_and_the_new_one_sees_the_claim(
    admin: Any, coord_a: Any, coord_b: Any
) -> None:
    claim = jht_claim(coord_a)
    participant_services.participants_reassign(
        actor=admin, participants=Participant.objects.filter(pk=claim.participant_id), to_coordinator=coord_b
    )
    claim.refresh_from_db()
    assert claim.coordinator_id == coord_b.pk
    name = claim.participant.full_name
    pages = [
        reverse("claims:detail", args=[claim.pk]),
        reverse("claims:edit", args=[claim.pk]),
        reverse("claims:documents", args=[claim.pk]),
    ]
    old, new = client_for(coord_a), client_for(coord_b)
    for url in pages:
        assert old.get(url).status_code == 404, url
        assert new.get(url).status_code == 200, url
    assert name not in old.get(reverse("claims:queue")).content.decode()
    assert name in new.get(reverse("claims:queue")).content.decode()
    assert old.post(reverse("claims:move", args=[claim.pk]), {"transition": "submit"}).status_code == 404
    claim.refresh_from_db()
    assert claim.status == "draft"
    api = f"/api/participants/{claim.participant_id}/claim-check/"
    assert api_client(coord_a).get(api, {"program": "jht"}).status_code == 404
    assert api_client(coord_b).get(api, {"program": "jht"}).status_code == 200


def test_reassigning_on_the_participant_form_moves_the_claims_too(admin: Any, coord_a: Any, coord_b: Any) -> None:
    claim = jht_claim(coord_a)
    participant_services.participant_update(
        actor=admin, participant=claim.participant, data={"occupation": "Nelayan"}, coordinator=coord_b
    )
    claim.refresh_from_db()
    assert claim.coordinator_id == coord_b.pk


def test_moving_village_moves_the_claims_district(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    participant_services.participant_update(
        actor=coord_a, participant=claim.participant, data={"village": siak_village()}
    )
    claim.refresh_from_db()
    assert claim.district_id == "14.08.01"


def test_a_bulk_update_that_moves_village_moves_the_claims_district(coord_a: Any) -> None:
    claims = [jht_claim(coord_a), jht_claim(coord_a)]
    village = siak_village()
    participant_services.participants_update_bulk(
        actor=coord_a, changes=[(claim.participant, {"village": village}) for claim in claims]
    )
    assert set(Claim.objects.values_list("district_id", flat=True)) == {"14.08.01"}


def test_an_edit_of_other_fields_leaves_the_copies_alone(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    # A copy made wrong on purpose: an unrelated edit must not be what rewrites it.
    Claim.objects.filter(pk=claim.pk).update(district_id=None)
    participant_services.participant_update(actor=coord_a, participant=claim.participant, data={"occupation": "Tani"})
    claim.refresh_from_db()
    assert claim.district_id is None


def test_a_bulk_update_of_other_fields_leaves_the_copies_alone(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    Claim.objects.filter(pk=claim.pk).update(district_id=None)
    participant_services.participants_update_bulk(actor=coord_a, changes=[(claim.participant, {"occupation": "Tani"})])
    claim.refresh_from_db()
    assert claim.district_id is None


def test_the_migration_fills_in_existing_claims(coord_a: Any, coord_b: Any) -> None:
    mine, theirs = jht_claim(coord_a), jht_claim(coord_b)
    Claim.objects.update(coordinator_id=None, district_id=None)
    migration = importlib.import_module("lindung.claims.migrations.0011_claim_coordinator_district")
    migration.copy_from_participants(apps, None)
    assert dict(Claim.objects.values_list("pk", "coordinator_id")) == {mine.pk: coord_a.pk, theirs.pk: coord_b.pk}
    assert set(Claim.objects.values_list("district_id", flat=True)) == {"14.03.01"}


def _by_join(claims: Any, today: Any) -> dict[str, tuple[int, int, int]]:
    """Claims in progress per regency, computed the old way: through the participant."""
    level = ServiceLevel.on(today)
    figures: dict[str, list[int]] = {}
    for claim in claims.filter(status__in=IN_PROGRESS).select_related("participant__district__parent"):
        row = figures.setdefault(claim.participant.district.parent.name, [0, 0, 0])
        row[0] += 1
        row[1] += claim.status == ClaimStatus.NEEDS_DOCUMENTS
        late = level and claim.submitted_on and claim.submitted_on < today - datetime.timedelta(days=level.days)
        row[2] += bool(late)
    return {name: (a, b, c) for name, (a, b, c) in figures.items()}


def test_dashboard_figures_match_the_participant_join_after_moves(admin: Any, coord_a: Any, coord_b: Any) -> None:
    coord_c = CoordinatorFactory()
    villages = [bengkalis_village(), mandau_village(), siak_village()]
    officers = [officer("claims_services"), officer("claims_services"), None]
    statuses = list(ClaimStatus.values)
    now, today = timezone.now(), timezone.localdate()
    participants = []
    for index in range(24):
        coordinator = (coord_a, coord_b, coord_c)[index % 3]
        village = villages[index % 3]
        participant = ParticipantFactory(coordinator=coordinator, village=village, district=village.parent)
        participants.append(participant)
        claim = claim_draft(actor=coordinator, participant=participant, program=ClaimProgram.OLD_AGE, facts={})
        Claim.objects.filter(pk=claim.pk).update(
            status=statuses[index % len(statuses)],
            status_changed_at=now - datetime.timedelta(days=index * 2),
            submitted_on=today - datetime.timedelta(days=index),
            officer=officers[index % 3],
        )
    # Moves after drafting: a coordinator's people to another, villages across regencies.
    participant_services.participants_reassign(
        actor=admin,
        participants=Participant.objects.filter(pk__in=[p.pk for p in participants[:6]]),
        to_coordinator=coord_c,
    )
    for participant in participants[6:12]:
        participant.refresh_from_db()
        participant_services.participant_update(actor=admin, participant=participant, data={"village": villages[2]})
    participant_services.participants_update_bulk(
        actor=admin, changes=[(Participant.objects.get(pk=p.pk), {"village": villages[0]}) for p in participants[12:16]]
    )

    for user in (admin, coord_a, coord_b, coord_c):
        by_copy = claims_for(user)
        by_join = Claim.objects.filter(participant__coordinator=user) if user != admin else Claim.objects.all()
        assert set(by_copy.values_list("pk", flat=True)) == set(by_join.values_list("pk", flat=True))
        figures, reference = dashboard(by_copy), dashboard(by_join)
        assert figures["statuses"] == reference["statuses"]
        assert figures["sla"] == reference["sla"]
        assert figures["stalled_total"] == reference["stalled_total"]
        assert figures["officers"] == reference["officers"]
        areas = {row.name: (row.in_progress, row.needs_documents, row.overdue) for row in figures["areas"]}
        assert areas == _by_join(by_join, today), user
    # The fixture is varied enough to mean something: several areas and owners.
    assert len(dashboard(claims_for(admin))["areas"]) == 2
    assert Claim.objects.values("coordinator").distinct().count() == 3
