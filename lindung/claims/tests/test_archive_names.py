"""The archived dossier's copy of its participant's folded name (ArchiveFile.name_key):
written when the dossier is archived, rewritten when the participant is renamed (one by
one or in bulk), filled in for old dossiers by the migration, and an archive search by
name through it finds exactly what the search through the participants found, in scope."""

import importlib
import types
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from lindung.claims.archive.models import ArchiveFile
from lindung.claims.archive.selectors import ArchiveQuery, archive_files_for, archive_search
from lindung.claims.claim import ClaimStatus
from lindung.participants import services as participant_services
from lindung.participants.models import Participant
from lindung.participants.selectors import participants_search
from lindung.participants.tests.factories import ParticipantFactory

from .factories import jht_claim, officer
from .flow import branch_staff, client_for, walk_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin: Any) -> dict[str, Any]:
    return branch_staff(admin)


def archived_for(coordinator: Any, staff: dict[str, Any], name: str) -> Any:
    claim = jht_claim(coordinator, bank_account_holder=name)
    participant = Participant.objects.get(pk=claim.participant_id)
    participant_services.participant_update(actor=staff["admin"], participant=participant, data={"full_name": name})
    claim.refresh_from_db()
    return walk_to(claim, ClaimStatus.ARCHIVED, coordinator, staff, box="JHT-2026-12")


def copy_of(claim: Any) -> str:
    return ArchiveFile.objects.get(claim=claim).name_key


def name_key(claim: Any) -> str:
    return Participant.objects.get(pk=claim.participant_id).name_key


def by_participants(user: Any, text: str) -> set[int]:
    """The search as it was before the copy: through the participants' own name_key."""
    people = participants_search(Participant.objects.all(), text).values("pk")
    return set(archive_files_for(user).filter(claim__participant_id__in=people).values_list("pk", flat=True))


def test_archiving_copies_the_participants_folded_name(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = archived_for(coord_a, staff, "Joko Susilo")
    assert copy_of(claim) == name_key(claim) != ""


def test_search_by_name_finds_what_the_search_through_participants_found(
    coord_a: Any, coord_b: Any, staff: dict[str, Any]
) -> None:
    names = ["Joko Susilo", "Joko Widodo", "Siti Jokowati", "Budi Santoso", "Ahmad Joko"]
    claims = [archived_for(coord_a if i % 2 else coord_b, staff, name) for i, name in enumerate(names)]
    # A participant with the name but no archived dossier, and one with an open claim.
    ParticipantFactory(coordinator=coord_a, full_name="Joko Lain")
    jht_claim(coord_a)
    users = [staff["admin"], staff["services"], coord_a, coord_b, officer()]
    texts = ["joko", "JOKO", " Joko  Susilo ", "oko", "santoso", "siti", "zzz", "jo"]
    for user in users:
        for text in texts:
            found = {f.pk for f in archive_search(user, ArchiveQuery(q=text))}
            assert found == by_participants(user, text), (user, text)
    admin_found = {f.claim_id for f in archive_search(staff["admin"], ArchiveQuery(q="joko"))}
    assert admin_found == {claims[0].pk, claims[1].pk, claims[2].pk, claims[4].pk}


def test_a_coordinator_is_refused_another_coordinators_dossiers_by_name(
    coord_a: Any, coord_b: Any, staff: dict[str, Any]
) -> None:
    mine = archived_for(coord_a, staff, "Joko Susilo")
    assert {f.claim_id for f in archive_search(coord_a, ArchiveQuery(q="joko"))} == {mine.pk}
    assert list(archive_search(coord_b, ArchiveQuery(q="joko"))) == []
    assert list(archive_search(officer(), ArchiveQuery(q="joko"))) == []
    url = reverse("claims:archive") + "?q=joko"
    assert mine.transaction_code in client_for(coord_a).get(url).content.decode()
    assert mine.transaction_code not in client_for(coord_b).get(url).content.decode()


def test_renaming_a_participant_rewrites_the_copy(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = archived_for(coord_a, staff, "Joko Susilo")
    participant = Participant.objects.get(pk=claim.participant_id)
    participant_services.participant_update(
        actor=coord_a, participant=participant, data={"full_name": "Bambang Irawan"}
    )
    assert copy_of(claim) == name_key(claim) == "bambang irawan"
    assert list(archive_search(coord_a, ArchiveQuery(q="joko"))) == []
    assert [f.claim_id for f in archive_search(coord_a, ArchiveQuery(q="bambang"))] == [claim.pk]


def test_a_bulk_rename_rewrites_the_copies_and_other_edits_leave_them(coord_a: Any, staff: dict[str, Any]) -> None:
    one = archived_for(coord_a, staff, "Joko Susilo")
    two = archived_for(coord_a, staff, "Siti Aminah")
    participant_services.participants_update_bulk(
        actor=coord_a,
        changes=[
            (Participant.objects.get(pk=one.participant_id), {"full_name": "Joko Santoso"}),
            (Participant.objects.get(pk=two.participant_id), {"occupation": "Tani"}),
        ],
    )
    assert copy_of(one) == name_key(one) == "joko santoso"
    assert copy_of(two) == name_key(two)
    # A copy made wrong on purpose: an edit that is not of the name must not rewrite it.
    ArchiveFile.objects.filter(claim=two).update(name_key="")
    participant_services.participant_update(
        actor=coord_a, participant=Participant.objects.get(pk=two.participant_id), data={"occupation": "Nelayan"}
    )
    assert copy_of(two) == ""


def test_reassigning_keeps_the_copy_and_moves_the_scope(coord_a: Any, coord_b: Any, staff: dict[str, Any]) -> None:
    claim = archived_for(coord_a, staff, "Joko Susilo")
    participant_services.participants_reassign(
        actor=staff["admin"], participants=Participant.objects.filter(pk=claim.participant_id), to_coordinator=coord_b
    )
    assert copy_of(claim) == name_key(claim)
    assert list(archive_search(coord_a, ArchiveQuery(q="joko"))) == []
    assert [f.claim_id for f in archive_search(coord_b, ArchiveQuery(q="joko"))] == [claim.pk]


def test_the_migration_fills_the_copy_of_old_dossiers(coord_a: Any, coord_b: Any, staff: dict[str, Any]) -> None:
    claims = [archived_for(coord_a, staff, "Joko Susilo"), archived_for(coord_b, staff, "Siti Aminah")]
    ArchiveFile.objects.update(name_key="")
    migration = importlib.import_module("lindung.claims.migrations.0015_archivefile_name_key")
    migration.fill(apps, types.SimpleNamespace(connection=connection))
    assert [copy_of(c) for c in claims] == [name_key(c) for c in claims] == ["joko susilo", "siti aminah"]
