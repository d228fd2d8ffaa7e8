import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory, UserFactory, bengkalis_village
from lindung.participants import services
from lindung.participants.models import Participant, Sex, Status
from lindung.participants.tests.factories import ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db

BIRTH = datetime.date(1990, 5, 17)


def data(**overrides):
    values = {
        "nik": make_nik(BIRTH, Sex.MALE, 1),
        "full_name": "Ahmad  Fauzi",
        "birth_place": "Bengkalis",
        "birth_date": BIRTH,
        "sex": Sex.MALE,
        "address": "Jl. Antara No. 5",
        "village": bengkalis_village(),
        "phone": "0812-3456-7890",
    }
    values.update(overrides)
    return values


def png_upload(name="ktp.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_coordinator_registers_for_themselves_even_if_naming_another():
    coordinator, other = CoordinatorFactory(), CoordinatorFactory()
    result = services.participant_register(actor=coordinator, data=data(), coordinator=other)
    p = result.participant
    assert p.coordinator == coordinator and p.registered_by == coordinator
    assert p.phone == "+6281234567890"
    assert p.full_name == "Ahmad Fauzi" and p.name_key == "ahmad fauzi"
    assert p.district_id == "14.03.01"
    assert p.status == Status.SUBMITTED
    assert p.history.count() == 1 and p.history.first().history_user == coordinator


def test_admin_names_the_coordinator():
    admin, coordinator = AdminFactory(), CoordinatorFactory()
    p = services.participant_register(actor=admin, data=data(), coordinator=coordinator).participant
    assert p.coordinator == coordinator and p.registered_by == admin


def test_admin_cannot_assign_to_a_non_coordinator():
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=AdminFactory(), data=data(), coordinator=AdminFactory())
    assert "coordinator" in info.value.message_dict


def test_user_without_role_is_refused():
    user = UserFactory(role="other")
    with pytest.raises(PermissionDenied):
        services.participant_register(actor=user, data=data())


def test_nik_must_match_birth_date_and_sex():
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=CoordinatorFactory(), data=data(sex=Sex.FEMALE))
    assert "nik" in info.value.message_dict
    assert Participant.objects.count() == 0


def test_duplicate_nik_is_refused_without_naming_the_owner():
    first = CoordinatorFactory(first_name="Siti")
    services.participant_register(actor=first, data=data())
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=CoordinatorFactory(), data=data(full_name="Someone Else"))
    message = " ".join(info.value.message_dict["nik"])
    assert "already registered" in message
    assert "Siti" not in message and first.username not in message and "Ahmad" not in message


def test_likely_duplicate_is_flagged_on_both_sides():
    coordinator = CoordinatorFactory()
    first = services.participant_register(actor=coordinator, data=data()).participant
    second = services.participant_register(
        actor=coordinator, data=data(nik=make_nik(BIRTH, Sex.MALE, 2), full_name="AHMAD fauzi.")
    )
    assert second.likely_duplicates == 1
    first.refresh_from_db()
    assert first.possible_duplicate and second.participant.possible_duplicate
    third = services.participant_register(
        actor=coordinator, data=data(nik=make_nik(BIRTH, Sex.MALE, 3), full_name="Ahmad Fauzan")
    )
    assert third.likely_duplicates == 0 and not third.participant.possible_duplicate


def test_invalid_phone_and_village_are_field_errors():
    district = bengkalis_village().parent
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=CoordinatorFactory(), data=data(phone="12345", village=district))
    assert {"phone", "village"} <= set(info.value.message_dict)


def test_consent_needs_a_method_and_records_when():
    coordinator = CoordinatorFactory()
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=coordinator, data=data(contact_consent=True))
    assert "consent_method" in info.value.message_dict
    p = services.participant_register(
        actor=coordinator, data=data(contact_consent=True, consent_method="paper_form")
    ).participant
    assert p.consent_at is not None


def test_update_keeps_field_level_history():
    coordinator = CoordinatorFactory()
    p = services.participant_register(actor=coordinator, data=data()).participant
    services.participant_update(
        actor=coordinator, participant=p, data={"phone": "0813-1111-2222", "occupation": "Nelayan"}
    )
    latest, previous = p.history.order_by("-history_id")[:2]
    changed = {c.field for c in latest.diff_against(previous).changes}
    assert changed == {"phone", "occupation"}
    assert latest.history_user == coordinator


def test_update_with_no_change_writes_no_history():
    coordinator = CoordinatorFactory()
    p = services.participant_register(actor=coordinator, data=data()).participant
    services.participant_update(actor=coordinator, participant=p, data={"full_name": "Ahmad Fauzi"})
    assert p.history.count() == 1


def test_coordinator_cannot_update_someone_elses_participant():
    p = ParticipantFactory()
    with pytest.raises(PermissionDenied):
        services.participant_update(actor=CoordinatorFactory(), participant=p, data={"occupation": "x"})


def test_update_to_an_existing_nik_is_refused():
    coordinator = CoordinatorFactory()
    services.participant_register(actor=coordinator, data=data())
    other = services.participant_register(
        actor=coordinator, data=data(nik=make_nik(BIRTH, Sex.MALE, 2), full_name="Budi")
    ).participant
    with pytest.raises(ValidationError) as info:
        services.participant_update(actor=coordinator, participant=other, data={"nik": make_nik(BIRTH, Sex.MALE, 1)})
    assert "nik" in info.value.message_dict


def test_documents_are_checked_by_content_not_name():
    coordinator = CoordinatorFactory()
    fake = SimpleUploadedFile("ktp.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=coordinator, data=data(), documents={"ktp": fake})
    assert "document_ktp" in info.value.message_dict
    assert Participant.objects.count() == 0  # nothing half-registered
    pdf = SimpleUploadedFile("kk.pdf", b"%PDF-1.4\n%fake but headed\n", content_type="application/pdf")
    result = services.participant_register(actor=coordinator, data=data(), documents={"ktp": png_upload(), "kk": pdf})
    kinds = sorted((d.kind, d.content_type) for d in result.documents)
    assert kinds == [("kk", "application/pdf"), ("ktp", "image/png")]
    stored = result.documents[0]
    assert stored.file.read()  # the bytes are on disk, outside the database


def test_document_size_limit(settings):
    settings.DOCUMENT_MAX_BYTES = 100
    big = SimpleUploadedFile("kk.pdf", b"%PDF-1.4\n" + b"0" * 200, content_type="application/pdf")
    p = ParticipantFactory()
    with pytest.raises(ValidationError) as info:
        services.document_add(actor=p.coordinator, participant=p, kind="kk", upload=big)
    assert "limit" in " ".join(info.value.messages)


def test_reassign_is_admin_only_and_recorded():
    a, b = CoordinatorFactory(), CoordinatorFactory()
    rows = ParticipantFactory.create_batch(3, coordinator=a)
    with pytest.raises(PermissionDenied):
        services.participants_reassign(actor=a, participants=Participant.objects.all(), to_coordinator=b)
    admin = AdminFactory()
    moved = services.participants_reassign(
        actor=admin, participants=Participant.objects.filter(coordinator=a), to_coordinator=b, reason="A left"
    )
    assert moved == 3
    assert Participant.objects.filter(coordinator=b).count() == 3
    record = rows[0].history.latest()
    assert record.history_user == admin and record.history_change_reason == "A left"


def test_delete_only_for_unconfirmed_registrations():
    p = ParticipantFactory(status=Status.ACTIVE)
    with pytest.raises(ValidationError):
        services.participant_delete(actor=p.coordinator, participant=p)
    q = ParticipantFactory(status=Status.SUBMITTED)
    services.participant_delete(actor=q.coordinator, participant=q)
    assert not Participant.objects.filter(pk=q.pk).exists()


def test_coordinator_cannot_activate_or_number_a_participant():
    coordinator = CoordinatorFactory()
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=coordinator, data=data(status=Status.ACTIVE))
    assert "status" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.participant_register(actor=coordinator, data=data(membership_number="26000000001"))
    assert "membership_number" in info.value.message_dict
    p = services.participant_register(actor=coordinator, data=data(status=Status.DRAFT)).participant
    admin = AdminFactory()
    services.participant_update(
        actor=admin, participant=p, data={"status": Status.ACTIVE, "membership_number": "26001"}
    )
    # keeping what the admin set is fine; changing it is not
    services.participant_update(actor=coordinator, participant=p, data={"status": Status.ACTIVE, "occupation": "x"})
    with pytest.raises(ValidationError):
        services.participant_update(actor=coordinator, participant=p, data={"status": Status.EXITED})
    with pytest.raises(ValidationError):
        services.participant_update(actor=coordinator, participant=p, data={"membership_number": "26002"})
