"""Claim documents: the checklist as data, content-checked uploads with history, reviews,
mismatches that hold verification back until fixed or overridden, and who may do what."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lindung.claims.claim import ClaimStatus
from lindung.claims.documents.checks import checklist, mismatches, verification_blockers
from lindung.claims.documents.models import ClaimDocument, DocumentRequirement, DocumentStatus
from lindung.claims.documents.services import document_review, document_transcribe, document_upload, mismatch_override
from lindung.claims.services import claim_transition, claim_update
from lindung.core.models import DomainEvent

from .factories import complete_documents, jht_claim, officer, png_bytes

pytestmark = pytest.mark.django_db


def png(name: str = "ktp.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def client_for(user: Any) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_the_jht_checklist_follows_the_reason_and_the_npwp_threshold(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    kinds = [row.kind for row in checklist(claim)]
    assert kinds == ["ktp", "kk", "kpj", "bank_book"]
    assert all(row.status == DocumentStatus.MISSING and row.blocks for row in checklist(claim))
    claim = claim_update(actor=coord_a, claim=claim, facts={"balance": 50_000_001})
    assert "npwp" in [row.kind for row in checklist(claim)]
    claim = claim_update(actor=coord_a, claim=claim, facts={"balance": 50_000_000})
    assert "npwp" not in [row.kind for row in checklist(claim)]
    resigned = jht_claim(coord_a, jht_reason="resignation", event_date=datetime.date(2026, 1, 1))
    assert "leaving_letter" in [row.kind for row in checklist(resigned)]


def test_a_checklist_row_ends_on_its_last_day(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    DocumentRequirement.objects.filter(program="jht", kind="kk").update(valid_to=datetime.date(2020, 12, 31))
    claim.submitted_on = datetime.date(2020, 12, 31)
    assert "kk" in [row.kind for row in checklist(claim)]
    claim.submitted_on = datetime.date(2021, 1, 1)
    assert "kk" not in [row.kind for row in checklist(claim)]


def test_upload_is_checked_by_content_not_by_name(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    fake = SimpleUploadedFile("ktp.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError, match="Upload a photo"):
        document_upload(actor=coord_a, claim=claim, kind="ktp", upload=fake)
    document = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png("scan.pdf"))
    assert document.content_type == "image/png" and document.file.name.endswith(".png")
    assert ClaimDocument.objects.count() == 1


def test_a_pdf_is_read_to_its_end(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    cut = SimpleUploadedFile("kk.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n", content_type="application/pdf")
    with pytest.raises(ValidationError, match="The PDF is incomplete"):
        document_upload(actor=coord_a, claim=claim, kind="kk", upload=cut)
    whole = SimpleUploadedFile("kk.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    assert document_upload(actor=coord_a, claim=claim, kind="kk", upload=whole).content_type == "application/pdf"


def test_upload_refuses_too_large_files_and_bad_niks(coord_a: Any, settings: Any) -> None:
    claim = jht_claim(coord_a)
    settings.DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="the limit is"):
        document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png())
    settings.DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
    with pytest.raises(ValidationError, match="16 digits"):
        document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png(), typed={"nik_on_document": "123"})
    assert not ClaimDocument.objects.exists()


def test_a_replaced_document_stays_in_the_history(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    first = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png("old.png"))
    second = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png("new.png"))
    first.refresh_from_db()
    assert first.replaced_by == second
    row = next(r for r in checklist(claim) if r.kind == "ktp")
    assert row.document == second
    assert DomainEvent.objects.filter(kind="claim.document_uploaded").count() == 2


def test_review_accepts_or_rejects_with_a_reason_and_only_for_the_services_officer(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    document = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png())
    with pytest.raises(PermissionDenied):
        document_review(actor=coord_a, document=document, accept=True)
    with pytest.raises(PermissionDenied):
        document_review(actor=officer("finance_head"), document=document, accept=True)
    services = officer("claims_services")
    with pytest.raises(ValidationError, match="Say why"):
        document_review(actor=services, document=document, accept=False)
    rejected = document_review(actor=services, document=document, accept=False, reason="Blurred photo")
    assert (rejected.status, rejected.status_reason, rejected.reviewed_by) == ("rejected", "Blurred photo", services)
    assert next(r for r in checklist(claim) if r.kind == "ktp").blocks


def test_coordinator_b_cannot_upload_to_coordinator_a_s_claim(coord_a: Any, coord_b: Any) -> None:
    claim = jht_claim(coord_a)
    with pytest.raises(PermissionDenied):
        document_upload(actor=coord_b, claim=claim, kind="ktp", upload=png())
    with pytest.raises(PermissionDenied):
        document_upload(actor=officer("branch_head"), claim=claim, kind="ktp", upload=png())


def test_mismatches_are_explained_and_block_verification_until_resolved(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    participant = claim.participant
    claim_transition(actor=coord_a, claim=claim, transition="submit")
    complete_documents(claim)
    book = claim.documents.get(kind="bank_book")
    document_transcribe(
        actor=coord_a, document=book, typed={"account_holder_on_document": participant.full_name + " Wijaya"}
    )
    ktp = claim.documents.get(kind="ktp")
    document_transcribe(
        actor=coord_a,
        document=ktp,
        typed={"nik_on_document": "3201010101900001", "birth_date_on_document": datetime.date(1961, 1, 1)},
    )
    found = mismatches(claim)
    assert [m.what for m in found] == ["Bank account holder", "NIK", "Birth date"]
    assert "Only in the second: wijaya." in found[0].reasons
    services = officer("claims_services")
    with pytest.raises(ValidationError, match=r"Not ready to verify: .*NIK does not match"):
        claim_transition(actor=services, claim=claim, transition="verify")
    # Fixed: the typed values corrected; overridden: the officer says why.
    document_transcribe(
        actor=coord_a,
        document=ktp,
        typed={"nik_on_document": participant.nik, "birth_date_on_document": participant.birth_date},
    )
    with pytest.raises(PermissionDenied):
        mismatch_override(actor=coord_a, claim=claim, key=found[0].key, reason="same person")
    with pytest.raises(ValidationError, match="Say why"):
        mismatch_override(actor=services, claim=claim, key=found[0].key, reason=" ")
    mismatch_override(actor=services, claim=claim, key=found[0].key, reason="Second name added by the bank")
    assert verification_blockers(claim) == []
    assert claim_transition(actor=services, claim=claim, transition="verify").status == ClaimStatus.VERIFIED


def test_an_override_does_not_cover_a_new_value(coord_a: Any) -> None:
    claim = jht_claim(coord_a, bank_account_holder="Agus Salim")
    (found,) = mismatches(claim)
    mismatch_override(actor=officer("claims_services"), claim=claim, key=found.key, reason="Checked by phone")
    assert mismatches(claim)[0].overridden is not None
    claim = claim_update(actor=coord_a, claim=claim, facts={"bank_account_holder": "Agus Salimah"})
    assert mismatches(claim)[0].overridden is None


def test_documents_page_and_download_are_scoped(coord_a: Any, coord_b: Any) -> None:
    claim = jht_claim(coord_a)
    document = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png())
    url = reverse("claims:document_download", args=[claim.pk, document.pk])
    response = client_for(coord_a).get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == png_bytes()
    assert client_for(coord_b).get(url).status_code == 404
    assert client_for(officer("membership")).get(url).status_code == 404
    page = client_for(coord_a).get(reverse("claims:documents", args=[claim.pk]))
    assert page.status_code == 200 and "Identity card (KTP)" in page.content.decode()
    assert client_for(coord_b).get(reverse("claims:documents", args=[claim.pk])).status_code == 404


def test_a_refused_upload_keeps_what_was_typed(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    bad = SimpleUploadedFile("ktp.jpg", b"not an image at all", content_type="image/jpeg")
    response = client_for(coord_a).post(
        reverse("claims:documents", args=[claim.pk]),
        {"kind": "ktp", "file": bad, "name_on_document": "Budi Typed Name"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Upload a photo" in body and 'value="Budi Typed Name"' in body
    assert not ClaimDocument.objects.exists()


def test_review_and_override_through_the_page(coord_a: Any) -> None:
    claim = jht_claim(coord_a, bank_account_holder="Agus Salim")
    document = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png())
    services = client_for(officer("claims_services"))
    services.post(reverse("claims:document_review", args=[claim.pk, document.pk]), {"decision": "accept"})
    document.refresh_from_db()
    assert document.status == DocumentStatus.ACCEPTED
    (found,) = mismatches(claim)
    refused = client_for(coord_a).post(
        reverse("claims:mismatch_override", args=[claim.pk]), {"key": found.key, "reason": "x"}, follow=True
    )
    assert "You may not override mismatches." in refused.content.decode()
    services.post(reverse("claims:mismatch_override", args=[claim.pk]), {"key": found.key, "reason": "Known alias"})
    assert mismatches(claim)[0].overridden is not None


def test_the_missing_letter_lists_what_to_bring_and_why_a_document_was_refused(coord_a: Any) -> None:
    from lindung.claims.documents.letter import missing_letter

    claim = jht_claim(coord_a)
    document = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png())
    document_review(actor=officer("claims_services"), document=document, accept=False, reason="The photo is blurred")
    letter = missing_letter(claim, checklist(claim))
    assert "- Identity card (KTP): please bring it again (The photo is blurred)" in letter
    assert "- Family card (KK)" in letter and claim.participant.full_name in letter
    complete_documents(claim)
    document.refresh_from_db()
    assert "Family card" not in missing_letter(claim, checklist(claim))
    page = client_for(coord_a).get(reverse("claims:documents", args=[claim.pk])).content.decode()
    assert "please bring it again" in page


def test_the_wrong_principal_cannot_correct_typed_fields_or_add_after_verification(coord_a: Any, coord_b: Any) -> None:
    from lindung.core.access import Kind, Principal

    claim = jht_claim(coord_a)
    document = document_upload(actor=coord_a, claim=claim, kind="ktp", upload=png())
    for intruder in (coord_b, officer("finance_head"), officer("branch_head")):
        with pytest.raises(PermissionDenied):
            document_transcribe(actor=intruder, document=document, typed={"name_on_document": "Someone Else"})
    with pytest.raises(PermissionDenied):
        document_upload(
            actor=Principal(Kind.PARTICIPANT, participant_id=claim.participant_id), claim=claim, kind="kk", upload=png()
        )
    document.refresh_from_db()
    assert document.name_on_document == ""
    claim_transition(actor=coord_a, claim=claim, transition="submit")
    complete_documents(claim)
    claim_transition(actor=officer("claims_services"), claim=claim, transition="verify")
    with pytest.raises(ValidationError, match="only before the claim is verified"):
        document_upload(actor=coord_a, claim=claim, kind="kk", upload=png())
