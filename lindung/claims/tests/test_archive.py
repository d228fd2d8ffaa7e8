"""The claim archive (CLM-8): file numbers and keep-until dates from the archive policy
(data), the scoped search, and box labels."""

import datetime
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lindung.claims.archive import labels as labels_module
from lindung.claims.archive.labels import box_qr, label_context
from lindung.claims.archive.models import ArchiveFile, ArchivePolicy
from lindung.claims.archive.selectors import ArchiveQuery, archive_search
from lindung.claims.claim import ClaimProgram, ClaimStatus
from lindung.claims.facts import add_years

from .factories import jht_claim, officer
from .flow import branch_staff, client_for, walk_to

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture
def staff(admin: Any) -> dict[str, Any]:
    return branch_staff(admin)


def archived(coordinator: Any, staff: dict[str, Any], box: str = "JHT-2026-12", **facts: Any) -> Any:
    return walk_to(jht_claim(coordinator, **facts), S.ARCHIVED, coordinator, staff, box=box)


def test_archiving_files_the_dossier_with_the_policy_in_force(coord_a: Any, staff: dict[str, Any]) -> None:
    today = timezone.localdate()
    ArchivePolicy.objects.create(
        program=ClaimProgram.OLD_AGE,
        valid_from=today - datetime.timedelta(days=10),
        file_prefix="JHT-KCP01",
        retention_years=10,
        legal_basis="Branch records schedule (test)",
    )
    claim = archived(coord_a, staff)
    file = ArchiveFile.objects.get(claim=claim)
    assert file.number == f"JHT-KCP01/{today:%Y/%m}/{claim.pk:07d}"
    assert (file.box, file.position, file.archived_on) == ("JHT-2026-12", str(claim.pk), today)
    assert file.keep_until == add_years(today, 10)
    assert file.archived_by == staff["services"]


def test_without_a_policy_the_number_uses_the_program_and_no_keep_until_is_guessed(
    coord_a: Any, staff: dict[str, Any]
) -> None:
    today = timezone.localdate()
    ArchivePolicy.objects.create(
        program=ClaimProgram.OLD_AGE,
        valid_from=today + datetime.timedelta(days=1),  # not yet in force
        file_prefix="LATER",
        retention_years=5,
        legal_basis="x",
    )
    file = ArchiveFile.objects.get(claim=archived(coord_a, staff))
    assert file.number.startswith("JHT/") and file.keep_until is None and file.policy is None


def test_policies_of_one_program_cannot_overlap() -> None:
    day = datetime.date(2026, 1, 1)
    ArchivePolicy.objects.create(program="jht", valid_from=day, file_prefix="A", retention_years=5, legal_basis="x")
    overlapping = ArchivePolicy(
        program="jht", valid_from=day + datetime.timedelta(days=30), file_prefix="B", retention_years=5, legal_basis="x"
    )
    with pytest.raises(ValidationError, match="in force in these dates"):
        overlapping.clean()
    ArchivePolicy(program="jkk", valid_from=day, file_prefix="B", retention_years=5, legal_basis="x").clean()


def test_search_by_code_name_nik_box_program_and_dates(coord_a: Any, staff: dict[str, Any]) -> None:
    one = archived(coord_a, staff, box="BOX-1")
    two = archived(coord_a, staff, box="BOX-2")
    admin = staff["admin"]
    today = timezone.localdate()

    def found(**query: Any) -> set[int]:
        return {f.claim_id for f in archive_search(admin, ArchiveQuery(**query))}

    assert found(q=one.transaction_code.lower()) == {one.pk}
    assert found(q=one.participant.full_name.upper()) == {one.pk}
    assert found(q=two.participant.nik) == {two.pk}
    assert found(q=two.participant.nik[:6]) == {one.pk, two.pk}
    assert found(q=one.archive_file.number) == {one.pk}
    assert found(box="box-2") == {two.pk}
    assert found(program="jkk") == set()
    assert found(archived_from=today, archived_to=today) == {one.pk, two.pk}
    assert found(archived_from=today + datetime.timedelta(days=1)) == set()
    assert found(archived_to=today - datetime.timedelta(days=1)) == set()


def test_archive_page_is_scoped(coord_a: Any, coord_b: Any, staff: dict[str, Any]) -> None:
    claim = archived(coord_a, staff)
    url = reverse("claims:archive")
    assert claim.transaction_code in client_for(coord_a).get(url).content.decode()
    assert claim.transaction_code in client_for(staff["services"]).get(url).content.decode()
    assert claim.transaction_code not in client_for(coord_b).get(url).content.decode()
    assert claim.transaction_code not in client_for(officer()).get(url).content.decode()
    assert client_for(None).get(url).status_code == 302


def test_archive_page_refuses_a_backwards_date_range_clearly(admin: Any) -> None:
    response = client_for(admin).get(
        reverse("claims:archive"), {"archived_from": "2026-05-02", "archived_to": "2026-05-01"}
    )
    assert "The last day cannot be before the first." in response.content.decode()


def test_box_label_lists_the_box_in_its_qr_and_is_a_pdf(coord_a: Any, staff: dict[str, Any]) -> None:
    first = archived(coord_a, staff, box="JHT-2026-12")
    second = archived(coord_a, staff, box="JHT-2026-12")
    archived(coord_a, staff, box="OTHER")
    files = list(ArchiveFile.objects.filter(box="JHT-2026-12").select_related("claim"))
    with mock.patch.object(labels_module.segno, "make", wraps=labels_module.segno.make) as make:
        context = label_context("JHT-2026-12", files, "https://x/claims/archive/?box=JHT-2026-12")
    text = make.call_args.args[0]
    assert text.startswith("BOX JHT-2026-12")
    assert first.archive_file.number in text and second.transaction_code in text and "OTHER" not in text
    assert context["qr_lists_files"] is True
    response = client_for(staff["services"]).get(reverse("claims:box_label"), {"box": "jht-2026-12"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_box_too_full_for_one_code_gets_the_search_address(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = archived(coord_a, staff)
    files = [claim.archive_file] * 400
    _qr, listed = box_qr("JHT-2026-12", files, "https://x/claims/archive/?box=JHT-2026-12")
    assert listed is False


def test_box_label_of_someone_elses_box_is_refused(coord_a: Any, coord_b: Any, staff: dict[str, Any]) -> None:
    archived(coord_a, staff, box="A-BOX")
    response = client_for(coord_b).get(reverse("claims:box_label"), {"box": "A-BOX"}, follow=True)
    assert "No archived dossier you can see is in box A-BOX." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_counts_stop_at_the_bound_and_the_page_says_so(
    coord_a: Any, staff: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lindung.claims import paging

    archived(coord_a, staff)
    archived(coord_a, staff)
    monkeypatch.setattr(paging, "COUNT_LIMIT", 1)
    body = client_for(staff["admin"]).get(reverse("claims:archive")).content.decode()
    assert "More than 10,000 dossiers" in body
    monkeypatch.setattr(paging, "COUNT_LIMIT", 2)
    assert "2 dossiers" in client_for(staff["admin"]).get(reverse("claims:archive")).content.decode()
