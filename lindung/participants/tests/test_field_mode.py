"""Field mode's server side: each idempotency key registers once, per sender, on retries
and under concurrency; refused entries leave nothing; CSRF is still required."""

import datetime
import threading
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.urls import reverse

from lindung.core import access
from lindung.core.tests.factories import CoordinatorFactory
from lindung.participants import field_mode, field_views
from lindung.participants.models import FieldSubmission, Participant, Sex
from lindung.participants.tests.factories import make_nik
from lindung.participants.tests.test_views import form_data

pytestmark = pytest.mark.django_db

SUBMIT = "participants:field_submit"


def send(client: Client, key: str | uuid.UUID, **overrides: str):
    return client.post(reverse(SUBMIT), {**form_data(**overrides), "idempotency_key": str(key)})


@pytest.fixture
def coordinator():
    return CoordinatorFactory()


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def test_first_send_registers_and_keeps_the_answer(signed_in, coordinator):
    key = uuid.uuid4()
    response = send(signed_in, key)
    assert response.status_code == 201
    body = response.json()
    participant = Participant.objects.get()
    assert (body["participant"], body["repeated"], participant.coordinator) == (participant.pk, False, coordinator)
    assert body["url"] == reverse("participants:detail", args=[participant.pk])
    stored = FieldSubmission.objects.get()
    assert (stored.created_by, stored.key, stored.participant) == (coordinator, key, participant)


def test_a_retry_returns_the_first_answer_and_registers_nobody_new(signed_in):
    key = uuid.uuid4()
    first = send(signed_in, key).json()
    # The same data would now be refused as a known NIK: the key is checked first.
    again = send(signed_in, key)
    assert again.status_code == 200
    assert {**again.json(), "repeated": False} == first
    assert Participant.objects.count() == 1 and FieldSubmission.objects.count() == 1


def test_a_new_key_with_a_known_nik_is_refused_as_the_form_would(signed_in):
    send(signed_in, uuid.uuid4())
    response = send(signed_in, uuid.uuid4())
    assert response.status_code == 400
    fields = {error["field"]: error for error in response.json()["errors"]}
    assert "nik" in fields and fields["nik"]["label"] == "NIK"
    assert Participant.objects.count() == 1 and FieldSubmission.objects.count() == 1


def test_a_refused_entry_leaves_nothing_and_its_key_can_go_again_corrected(signed_in):
    key = uuid.uuid4()
    refused = send(signed_in, key, sex="M")  # the NIK says female
    assert refused.status_code == 400
    body = refused.json()
    assert body["message"] and any(error["field"] == "nik" and error["messages"] for error in body["errors"])
    assert not Participant.objects.exists() and not FieldSubmission.objects.exists()
    assert send(signed_in, key).status_code == 201
    assert Participant.objects.count() == 1


def test_keys_belong_to_their_sender(client, signed_in):
    """Another coordinator's key is not theirs to replay: the same key is a new entry."""
    key = uuid.uuid4()
    send(signed_in, key)
    second = CoordinatorFactory()
    other = Client()
    other.force_login(second)
    response = send(other, key, nik=make_nik(datetime.date(1990, 5, 17), Sex.FEMALE, 8))
    assert response.status_code == 201, response.json()
    assert response.json()["repeated"] is False
    assert Participant.objects.count() == 2
    # ...and each sender reads only their own submissions.
    visible = access.scope(access.principal_of(second), FieldSubmission.objects.all(), "view")
    assert list(visible.values_list("created_by", flat=True)) == [second.pk]


def test_bad_or_missing_key_is_refused_with_a_message(signed_in):
    for key in ("", "not-a-uuid"):
        response = signed_in.post(reverse(SUBMIT), {**form_data(), "idempotency_key": key})
        assert response.status_code == 400 and response.json()["message"]
    assert not Participant.objects.exists()


def test_a_send_that_loses_the_race_gets_the_winners_answer(signed_in, monkeypatch):
    """The unique constraint decides: the key row is already there when this send inserts
    (as when a concurrent send committed between the check and the insert). The data
    differs, so only the constraint can stop a second registration."""
    key = uuid.uuid4()
    first = send(signed_in, key).json()
    monkeypatch.setattr(field_mode, "earlier_answer", _miss_once(field_mode.earlier_answer))
    response = send(signed_in, key, nik=make_nik(datetime.date(1990, 5, 17), Sex.FEMALE, 9), full_name="Lain")
    assert response.status_code == 200 and response.json()["participant"] == first["participant"]
    assert Participant.objects.count() == 1 and FieldSubmission.objects.count() == 1


def test_a_send_validated_after_the_winner_committed_gets_the_winners_answer(signed_in, monkeypatch):
    """Same data: the form already finds the NIK taken, by this very key's first send."""
    key = uuid.uuid4()
    first = send(signed_in, key).json()
    monkeypatch.setattr(field_mode, "earlier_answer", _miss_once(field_mode.earlier_answer))
    response = send(signed_in, key)
    assert response.status_code == 200 and response.json()["participant"] == first["participant"]
    assert Participant.objects.count() == 1


def _miss_once(real):
    calls = []

    def answer(actor, key):
        calls.append(key)
        return None if len(calls) == 1 else real(actor, key)

    return answer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sends_of_one_key_at_once_register_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections: runs in the PostgreSQL pass of CI")
    coordinator = CoordinatorFactory()
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    answers: list[tuple[int, int]] = []

    def phone() -> None:
        try:
            client = Client()
            client.force_login(coordinator)
            barrier.wait()
            response = send(client, key)
            answers.append((response.status_code, response.json()["participant"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=phone) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 201]
    assert len({participant for _, participant in answers}) == 1
    assert Participant.objects.count() == 1 and FieldSubmission.objects.count() == 1


def test_csrf_is_still_enforced_and_the_token_page_gives_a_fresh_one(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert send(client, uuid.uuid4()).status_code == 403
    token = client.get(reverse("participants:field_token"))
    assert token["Cache-Control"].startswith("max-age=0") or "no-cache" in token["Cache-Control"]
    response = client.post(
        reverse(SUBMIT),
        {**form_data(), "idempotency_key": str(uuid.uuid4())},
        headers={"X-CSRFToken": token.json()["csrfToken"]},
    )
    assert response.status_code == 201
    assert Participant.objects.count() == 1


def test_signed_out_senders_go_to_sign_in_and_nothing_is_registered(client):
    for name in ("participants:field_token", SUBMIT):
        response = client.post(reverse(name)) if name == SUBMIT else client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Participant.objects.exists()


def test_immediate_send_leaves_the_message_for_the_participant_page(signed_in):
    response = signed_in.post(
        reverse(SUBMIT), {**form_data(), "idempotency_key": str(uuid.uuid4())}, headers={"X-Field-Immediate": "1"}
    )
    page = signed_in.get(response.json()["url"])
    assert "Rina Marlina" in page.content.decode() and "message-success" in page.content.decode()


def test_service_worker_is_served_with_its_scope_and_version(client):
    response = client.get(reverse("participants:field_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == reverse("participants:create")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert f'const FORM_URL = "{reverse("participants:create")}"' in body
    assert "/static/lindung/field_mode.js" in body


def test_cache_version_changes_when_an_asset_changes():
    urls = tuple(f"/static/{path}" for path in field_views.FORM_ASSETS)
    renamed = (*urls[:-1], urls[-1].replace(".png", ".abc123.png"))
    assert field_views._cache_version(urls) != field_views._cache_version(renamed)


def test_manifest_names_icons_that_exist(client):
    manifest = client.get(reverse("participants:field_manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert body["start_url"] == body["scope"] == reverse("participants:create")
    assert body["display"] == "standalone"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for path, _size, _purpose in (*field_views.ICONS, field_views.MASKABLE_ICON):
        assert finders.find(path), path


def test_only_the_new_form_is_in_field_mode(signed_in):
    new_form = signed_in.get(reverse("participants:create")).content.decode()
    assert "data-field-mode" in new_form and 'rel="manifest"' in new_form and 'id="field-queue"' in new_form
    send(signed_in, uuid.uuid4())
    edit_form = signed_in.get(reverse("participants:edit", args=[Participant.objects.get().pk])).content.decode()
    assert "data-field-mode" not in edit_form and "field_mode.js" not in edit_form
