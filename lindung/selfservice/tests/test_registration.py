"""Self-registration (SELF-1): the public form, its checks and limits, the verification
queue with likely duplicates, accepting (through the participants app's services) and
rejecting with a reason; the person is told either way."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from lindung.billing.tests.factories import informal_participant
from lindung.cards.models import MembershipCard
from lindung.contributions.selectors import participant_programs_on
from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village, mandau_village
from lindung.messaging.consent import participant_may_be_messaged
from lindung.messaging.models import DevMessage
from lindung.participants.models import IdentityDocument, Participant
from lindung.participants.tests.factories import make_nik
from lindung.selfservice.models import SelfRegistration

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(1991, 7, 14)


def ktp_photo(size=(3000, 2000), fmt="JPEG"):
    image = Image.new("RGB", size, (200, 180, 150))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x010E] = "GPS 1.4667 N 102.1000 E"  # image description with a position
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes()) if fmt == "JPEG" else image.save(out, fmt)
    return SimpleUploadedFile("IMG_2041.jpg", out.getvalue(), content_type="image/jpeg")


def form_data(**extra):
    village = bengkalis_village()
    data = {
        "nik": make_nik(BIRTH, "F", 7),
        "full_name": "Sri  Wahyuni",
        "birth_place": "Bengkalis",
        "birth_date": BIRTH.isoformat(),
        "sex": "F",
        "phone": "0813-2222-4444",
        "village_query": "Kelapa",
        "village": village.code,
        "address": "Jl. Nelayan 3",
        "occupation": "Pedagang ikan",
        "declared_income": "1500000",
        "programs": ["jkk", "jkm", "jht"],
        "contact_consent": "on",
        "ktp_photo": ktp_photo(),
    }
    data.update(extra)
    return data


@pytest.fixture
def village_coordinator():
    village = bengkalis_village()
    return CoordinatorFactory(district=village.parent)


def test_a_registration_waits_for_the_coordinator_of_its_village(client, village_coordinator):
    CoordinatorFactory(district=mandau_village().parent)  # another district's: not chosen
    response = client.post("/daftar/", form_data())
    assert response.status_code == 302 and response["Location"] == "/daftar/terkirim/"
    row = SelfRegistration.objects.get()
    assert row.status == "pending" and row.coordinator == village_coordinator
    assert row.phone == "+6281322224444" and row.full_name == "Sri Wahyuni"
    assert row.programs == ["jkk", "jkm", "jht"]
    # The photo was shrunk and re-encoded: no camera make, no GPS position.
    with row.ktp_photo.open("rb") as handle, Image.open(handle) as stored:
        assert max(stored.size) == 1600 and stored.format == "JPEG"
        assert not stored.getexif()


def test_the_nik_must_agree_with_birth_date_and_sex_and_nothing_is_lost(client):
    response = client.post("/daftar/", form_data(sex="M"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sri  Wahyuni" in page or "Sri Wahyuni" in page  # what was typed stays
    assert "NIK" in page and not SelfRegistration.objects.exists()


def test_the_nik_check_while_typing_reads_no_record(client, coord_a):
    registered = informal_participant(coordinator=coord_a)
    ok = client.get("/daftar/cek-nik/", {"nik": registered.nik, "birth_date": "1988-03-09", "sex": "M"})
    assert "matches" in ok.content.decode()
    wrong = client.get("/daftar/cek-nik/", {"nik": registered.nik, "birth_date": "1988-03-10", "sex": "M"})
    assert "encodes the birth date" in wrong.content.decode()


def test_villages_are_found_by_typing_part_of_the_name(client):
    bengkalis_village()
    mandau_village()
    page = client.get("/daftar/desa/", {"village_query": "jamban"}).content.decode()
    assert "Air Jamban, Mandau, Bengkalis" in page and "Kelapapati" not in page
    assert "14.03.09.1001" in page


def test_without_javascript_a_single_village_match_is_taken_and_several_must_be_chosen(client):
    data = form_data(village="", village_query="Kelapapati")
    assert client.post("/daftar/", data).status_code == 302
    response = client.post("/daftar/", form_data(nik=make_nik(BIRTH, "F", 8), village="", village_query="xyz"))
    assert response.status_code == 400 and "No village has this name" in response.content.decode()


def test_the_contribution_shown_live_is_the_calculators(client):
    page = client.get("/daftar/iuran/", {"declared_income": "1500000", "programs": ["jkk", "jkm"]})
    # JKK 1 % + JKM Rp 6.800 on Rp 1.500.000 (DOMAIN.md, informal workers).
    assert "Rp 21.800" in page.content.decode()
    too_low = client.get("/daftar/iuran/", {"declared_income": "1000", "programs": ["jkk", "jkm"]})
    assert "lowest income" in too_low.content.decode()


def test_the_server_recomputes_programs_and_income(client):
    response = client.post("/daftar/", form_data(programs=["jht"]))
    assert response.status_code == 400 and "mandatory" in response.content.decode()


def test_the_same_nik_twice_is_one_pending_registration(client, village_coordinator):
    assert client.post("/daftar/", form_data()).status_code == 302
    second = client.post("/daftar/", form_data(phone="0813-9999-0000"))
    assert second.status_code == 200 and "already waiting" in second.content.decode()
    assert SelfRegistration.objects.get().phone == "+6281322224444"


def test_an_already_registered_nik_learns_nothing_about_the_record(client, coord_a):
    registered = informal_participant(
        coordinator=coord_a, nik=make_nik(BIRTH, "F", 7), birth_date=BIRTH, sex="F", full_name="Sri Wahyuni"
    )
    response = client.post("/daftar/", form_data())
    page = response.content.decode()
    assert response.status_code == 200 and "cannot be registered here" in page
    for secret in (registered.full_name, str(coord_a), registered.phone, registered.village.name):
        assert secret not in page
    assert not SelfRegistration.objects.exists()


def test_the_honeypot_stores_nothing(client):
    response = client.post("/daftar/", form_data(website="http://spam.example"))
    assert response.status_code == 302 and not SelfRegistration.objects.exists()


def test_one_address_may_register_only_a_few_times_an_hour(client):
    for serial in range(1, 6):
        assert client.post("/daftar/", form_data(nik=make_nik(BIRTH, "F", serial))).status_code == 302
    refused = client.post("/daftar/", form_data(nik=make_nik(BIRTH, "F", 6)))
    assert refused.status_code == 429 and "Too many tries" in refused.content.decode()
    assert SelfRegistration.objects.count() == 5


def test_probing_registered_niks_counts_against_the_limit_too(client, coord_a):
    for serial in range(1, 6):
        informal_participant(coordinator=coord_a, nik=make_nik(BIRTH, "F", serial), birth_date=BIRTH, sex="F")
        assert client.post("/daftar/", form_data(nik=make_nik(BIRTH, "F", serial))).status_code == 200
    assert client.post("/daftar/", form_data(nik=make_nik(BIRTH, "F", 6))).status_code == 429


def test_a_file_that_is_not_an_image_is_refused(client):
    fake = SimpleUploadedFile("ktp.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post("/daftar/", form_data(ktp_photo=fake))
    assert response.status_code == 400 and "photo of the KTP" in response.content.decode()


def _submitted(client):
    client.post("/daftar/", form_data())
    return SelfRegistration.objects.get()


def _staff(user):
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_the_queue_shows_a_coordinator_only_their_villages_registrations(client, village_coordinator, coord_b, admin):
    row = _submitted(client)
    assert row.full_name in _staff(village_coordinator).get("/selfservice/registrations/").content.decode()
    assert row.full_name not in _staff(coord_b).get("/selfservice/registrations/").content.decode()
    assert row.full_name in _staff(admin).get("/selfservice/registrations/").content.decode()
    assert _staff(coord_b).get(f"/selfservice/registrations/{row.pk}/").status_code == 404
    assert _staff(coord_b).post(f"/selfservice/registrations/{row.pk}/accept/").status_code == 404
    assert _staff(coord_b).get(f"/selfservice/registrations/{row.pk}/photo/").status_code == 404


def test_likely_duplicates_are_shown_beside_the_registration(client, village_coordinator, coord_b):
    mine = informal_participant(coordinator=village_coordinator, full_name="SRI WAHYUNI", birth_date=BIRTH)
    informal_participant(coordinator=coord_b, full_name="Sri Wahyuni", birth_date=BIRTH, nik=make_nik(BIRTH, "M", 9))
    row = _submitted(client)
    page = _staff(village_coordinator).get(f"/selfservice/registrations/{row.pk}/").content.decode()
    assert f"/participants/{mine.pk}/" in page
    assert "1 more likely match belongs to another coordinator" in page


def test_accepting_registers_the_participant_with_programs_card_consent_and_photo(
    client, village_coordinator, django_capture_on_commit_callbacks
):
    row = _submitted(client)
    photo_name = row.ktp_photo.name
    with django_capture_on_commit_callbacks(execute=True):
        response = _staff(village_coordinator).post(f"/selfservice/registrations/{row.pk}/accept/")
    participant = Participant.objects.get(nik=row.nik)
    assert response.status_code == 302 and response["Location"] == f"/participants/{participant.pk}/"
    row.refresh_from_db()
    assert row.status == "accepted" and row.participant == participant and row.reviewed_by == village_coordinator
    assert participant.coordinator == village_coordinator and participant.status == "submitted"
    assert participant.declared_income == 1_500_000 and participant.category == "informal"
    assert participant_programs_on(participant, participant.registration_date).programs == ["jkk", "jkm", "jht"]
    assert MembershipCard.objects.filter(participant=participant, revoked_at__isnull=True).exists()
    assert participant_may_be_messaged(participant)
    assert IdentityDocument.objects.filter(participant=participant, kind="ktp").exists()
    assert participant.history.filter(history_user=village_coordinator).exists()
    told = DevMessage.objects.filter(to_number="+6281322224444").get()
    assert "accepted" in told.text or "diterima" in told.text
    assert not row.ktp_photo and not row.ktp_photo.storage.exists(photo_name)  # no second copy kept
    assert _staff(village_coordinator).get(f"/selfservice/registrations/{row.pk}/photo/").status_code == 404


def test_rejecting_needs_a_reason_and_tells_the_person(client, village_coordinator, django_capture_on_commit_callbacks):
    row = _submitted(client)
    staff = _staff(village_coordinator)
    assert staff.post(f"/selfservice/registrations/{row.pk}/reject/", {"reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/selfservice/registrations/{row.pk}/reject/", {"reason": "Foto KTP tidak terbaca"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "rejected" and row.reason == "Foto KTP tidak terbaca"
    assert "Foto KTP tidak terbaca" in DevMessage.objects.get(to_number=row.phone).text
    assert not Participant.objects.filter(nik=row.nik).exists()
    # Decided once: accepting now is refused with the state machine's message.
    refused = staff.post(f"/selfservice/registrations/{row.pk}/accept/", follow=True)
    assert "not possible from the status" in refused.content.decode()
