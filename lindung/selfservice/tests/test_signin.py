"""Sign-in by one-time code (SELF-2): codes short-lived, single use, hashed, rate-limited
with lockout; answers never reveal whether a NIK exists; participant sessions are their
own and never open staff pages."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lindung.billing.tests.factories import informal_participant
from lindung.messaging.models import DevMessage
from lindung.participants.models import Status
from lindung.selfservice.models import ParticipantSession, SignInCode
from lindung.selfservice.signin import session_for_key

from .helpers import last_code, signed_in_client

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


class Clock:
    """timezone.now() under the test's control (codes and sessions read it)."""

    def __init__(self, monkeypatch):
        self.now = NOW
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def tick(self, delta):
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def worker(coord_a):
    return informal_participant(coordinator=coord_a, phone="+6281311112222")


def _ask(client, nik, birth_date):
    return client.post("/saya/masuk/", {"nik": nik, "birth_date": birth_date})


def test_a_code_goes_to_the_phone_on_record_and_only_its_hash_is_kept(client, worker):
    response = _ask(client, worker.nik, worker.birth_date.isoformat())
    assert response.status_code == 302 and response["Location"] == "/saya/masuk/kode/"
    code = last_code(worker)
    row = SignInCode.objects.get(participant=worker)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert row.channel == "whatsapp"
    response = client.post("/saya/masuk/kode/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/saya/"
    cookie = response.cookies["lindung_participant"]
    assert cookie["path"] == "/saya/" and cookie["httponly"]
    page = client.get("/saya/")
    assert page.status_code == 200 and worker.full_name in page.content.decode()


def test_an_unknown_nik_gets_the_same_answer_and_no_message(client, worker):
    known = _ask(Client(), worker.nik, worker.birth_date.isoformat())
    unknown = _ask(client, "1403010101900099", "1990-01-01")
    wrong_birth = _ask(Client(), worker.nik, "1970-01-01")
    assert known.status_code == unknown.status_code == wrong_birth.status_code == 302
    assert known["Location"] == unknown["Location"] == wrong_birth["Location"]
    assert DevMessage.objects.count() == 1
    page = client.get(unknown["Location"])
    assert "If the NIK and date of birth match" in page.content.decode()
    refused = client.post("/saya/masuk/kode/", {"code": "123456"})
    assert refused.status_code == 400 and "wrong or has expired" in refused.content.decode()


def test_a_code_works_once(worker):
    signed_in_client(worker)
    client = Client()
    _ask(client, worker.nik, worker.birth_date.isoformat())
    code = last_code(worker)
    assert client.post("/saya/masuk/kode/", {"code": code}).status_code == 302
    again = Client()
    _ask(again, worker.nik, worker.birth_date.isoformat())
    # The old code was used: only the new one works.
    assert again.post("/saya/masuk/kode/", {"code": code}).status_code == 400


def test_a_code_expires(client, worker, clock):
    _ask(client, worker.nik, worker.birth_date.isoformat())
    code = last_code(worker)
    clock.tick(datetime.timedelta(minutes=6))
    assert client.post("/saya/masuk/kode/", {"code": code}).status_code == 400


def test_three_wrong_tries_void_the_code(client, worker):
    _ask(client, worker.nik, worker.birth_date.isoformat())
    code = last_code(worker)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert client.post("/saya/masuk/kode/", {"code": wrong}).status_code == 400
    assert client.post("/saya/masuk/kode/", {"code": code}).status_code == 400


def test_too_many_wrong_codes_lock_the_nik_even_with_the_right_code(worker):
    for _ in range(2):
        client = Client()
        _ask(client, worker.nik, worker.birth_date.isoformat())
        for _ in range(3):
            client.post("/saya/masuk/kode/", {"code": "999999"})
    client = Client(REMOTE_ADDR="10.0.0.9")
    client.cookies["django_language"] = "en"
    response = _ask(client, worker.nik, worker.birth_date.isoformat())
    assert response.status_code == 429 and "Too many tries" in response.content.decode()


def test_code_requests_are_limited_per_nik_whether_or_not_it_exists(worker):
    for nik in (worker.nik, "1403010101900099"):
        answers = [_ask(Client(), nik, "1990-01-01").status_code for _ in range(4)]
        assert answers == [302, 302, 302, 429]


def test_a_draft_or_deceased_record_cannot_sign_in(coord_a):
    draft = informal_participant(coordinator=coord_a, status=Status.DRAFT, phone="+6281311113333")
    _ask(Client(), draft.nik, draft.birth_date.isoformat())
    assert not DevMessage.objects.exists()


def test_the_participant_session_never_opens_staff_pages(worker):
    client = signed_in_client(worker)
    for url in ("/participants/", "/", "/selfservice/registrations/", "/messaging/dev-outbox/", "/api/participants/"):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], url


def test_a_staff_session_never_opens_participant_pages(admin):
    client = Client()
    client.force_login(admin)
    response = client.get("/saya/")
    assert response.status_code == 302 and response["Location"].startswith("/saya/masuk/")


def test_sessions_end_when_idle_and_at_sign_out(worker, clock):
    client = signed_in_client(worker)
    assert client.get("/saya/").status_code == 200
    clock.tick(datetime.timedelta(minutes=14))
    assert client.get("/saya/").status_code == 200  # activity moves the idle timeout on
    clock.tick(datetime.timedelta(minutes=16))
    assert client.get("/saya/").status_code == 302
    client = signed_in_client(worker)
    key = client.cookies["lindung_participant"].value
    assert client.post("/saya/keluar/").status_code == 302
    assert session_for_key(key, "web") is None
    assert ParticipantSession.objects.filter(revoked_at__isnull=False).count() == 1


def test_sessions_end_two_hours_after_sign_in_however_busy(worker, clock):
    client = signed_in_client(worker)
    for _ in range(11):
        clock.tick(datetime.timedelta(minutes=10))
        assert client.get("/saya/").status_code == 200
    clock.tick(datetime.timedelta(minutes=10))
    assert client.get("/saya/").status_code == 302


def test_make_run_prints_the_code_on_the_console_and_production_never_does(client, worker, settings, caplog):
    settings.DEBUG = True
    with caplog.at_level("WARNING", logger="lindung.selfservice"):
        _ask(client, worker.nik, worker.birth_date.isoformat())
    assert f": {last_code(worker)}" in caplog.text and "DEVELOPMENT ONLY" in caplog.text
    caplog.clear()
    settings.DEBUG = False
    with caplog.at_level("WARNING", logger="lindung.selfservice"):
        _ask(Client(), worker.nik, worker.birth_date.isoformat())
    assert last_code(worker) not in caplog.text
