"""Another participant's record is never reachable: every participant page and every
API operation, requested by participant A, shows A's record and nothing of B's; staff
and anonymous principals get none of them; a participant session opens no staff page."""

import datetime
import re

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.cards.services import card_issue
from lindung.claims.models import Claim
from lindung.claims.services import claim_draft
from lindung.core.permissions import Door, door_of
from lindung.core.tests.test_url_access import routes
from lindung.messaging.models import OutboxMessage
from lindung.selfservice.models import CorrectionRequest

from .helpers import api_token, signed_in_client

pytestmark = pytest.mark.django_db

PARTICIPANT_PAGES = [r for r in routes() if door_of(r.view) == Door.PARTICIPANT and not r.pattern.startswith("api/")]
API_READS = ["/api/me/", "/api/me/bills/", "/api/me/payments/", "/api/me/claims/", "/api/me/messages/",
             "/api/me/corrections/", "/api/me/card/"]  # fmt: skip


def _marks(participant, receipt, message, correction):
    return {participant.full_name, receipt, message, correction, participant.nik[-4:] + "x"}


@pytest.fixture
def two(coord_a, coord_b, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    a = informal_participant(coordinator=coord_a, full_name="Anisa Pertama", phone="+6281300000001")
    b = informal_participant(coordinator=coord_b, full_name="Bambang Kedua", phone="+6281300000002")
    bills_generate(month=datetime.date(2026, 1, 1))
    marks = {}
    for who, coordinator in ((a, coord_a), (b, coord_b)):
        payment = payment_record(
            actor=coordinator,
            participant=who,
            data=PaymentInput(amount=16_800, paid_on=datetime.date(2026, 1, 20), method=cash_method()),
            submission_key=f"own-{who.pk}",
        )
        card_issue(actor=coordinator, participant=who)
        claim = claim_draft(actor=coordinator, participant=who, program="jht", facts={"jht_reason": "age_56"})
        Claim.objects.filter(pk=claim.pk).update(status="submitted")  # past the coordinator's draft
        body = f"Pengingat rahasia untuk {who.full_name.split()[0]}"
        OutboxMessage.objects.create(
            participant=who, stage="due", channel="sms", dedupe_key=f"{who.pk}:-:due:sms", body=body
        )
        value = f"Jalan Koreksi {who.pk}"
        CorrectionRequest.objects.create(participant=who, field="address", old_value=who.address, new_value=value)
        marks[who.pk] = {who.full_name, payment.receipt_number, body, value}
    return a, b, marks


def _text(response):
    if response["Content-Type"].startswith("application/pdf"):
        return ""
    return response.content.decode()


def test_every_participant_page_shows_only_the_signed_in_participants_record(two):
    a, b, marks = two
    assert len(PARTICIPANT_PAGES) >= 6
    for me, other in ((a, b), (b, a)):
        client = signed_in_client(me)
        seen = set()
        for route in PARTICIPANT_PAGES:
            assert not route.kwargs, f"{route.pattern} takes an id: own pages must not"
            response = client.get("/" + route.pattern)
            assert response.status_code == 200, route.pattern
            page = _text(response)
            for secret in marks[other.pk]:
                assert secret not in page, f"{route.pattern} shows {other.full_name}'s {secret!r}"
            seen |= {mark for mark in marks[me.pk] if mark in page}
        assert seen == marks[me.pk], "the own pages show the own bills, payments, messages and corrections"


def test_the_card_is_the_participants_own(two):
    a, _b, _marks = two
    response = signed_in_client(a).get("/saya/kartu/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Bambang" not in response.content


def test_staff_and_anonymous_principals_get_no_participant_page(two, admin, coord_a):
    for user in (None, admin, coord_a):
        client = Client()
        if user is not None:
            client.force_login(user)
        for route in PARTICIPANT_PAGES:
            response = client.get("/" + route.pattern)
            assert response.status_code == 302 and response["Location"].startswith("/saya/masuk/"), route.pattern


def test_a_participant_session_opens_no_staff_page(two):
    a, _b, _marks = two
    client = signed_in_client(a)
    for route in routes():
        door = door_of(route.view)
        if door in (Door.PUBLIC, Door.PARTICIPANT) or route.kwargs:
            continue
        response = client.get("/" + route.pattern)
        refused = response.status_code in (401, 403, 404, 405) or (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )
        assert refused, f"a participant reached {route.pattern}: {response.status_code}"


def test_every_api_operation_answers_with_the_tokens_participant_only(two):
    a, b, marks = two
    client = Client()
    for me, other in ((a, b), (b, a)):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(client, me)}"}
        for url in API_READS:
            response = client.get(url, **headers)
            assert response.status_code == 200, url
            for secret in marks[other.pk]:
                assert secret not in _text(response), f"{url} shows {other.full_name}'s {secret!r}"
        record = client.get("/api/me/", **headers).json()
        assert record["full_name"] == me.full_name and record["masked_nik"].endswith(me.nik[12:])
        created = client.post(
            "/api/me/corrections/", {"field": "occupation", "new_value": "Petani"}, content_type="application/json",
            **headers,
        )  # fmt: skip
        assert created.status_code == 201
        assert CorrectionRequest.objects.filter(participant=me, field="occupation").count() == 1
    assert not CorrectionRequest.objects.filter(field="occupation").exclude(participant__in=[a, b]).exists()


def test_api_tokens_are_refused_without_a_participant_token_and_after_revocation(two, admin):
    a, _b, _marks = two
    client = Client()
    staff_token = Token.objects.create(user=admin).key
    for headers in ({}, {"HTTP_AUTHORIZATION": f"Token {staff_token}"}, {"HTTP_AUTHORIZATION": "Bearer nope"}):
        for url in API_READS:
            assert client.get(url, **headers).status_code == 401, (url, headers)
        assert client.delete("/api/me/token/", **headers).status_code == 401
    logged_in = Client()
    logged_in.force_login(admin)  # a staff session is no participant either
    assert logged_in.get("/api/me/").status_code == 401
    token = api_token(client, a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/me/", **headers).status_code == 200
    assert client.delete("/api/me/token/", **headers).status_code == 204
    assert client.get("/api/me/", **headers).status_code == 401


def test_the_api_sign_in_reveals_nothing_about_a_nik(two):
    a, _b, _marks = two
    client = Client()
    known = client.post(
        "/api/me/code/", {"nik": a.nik, "birth_date": a.birth_date.isoformat()}, content_type="application/json"
    )
    unknown = client.post(
        "/api/me/code/", {"nik": "1403010101900099", "birth_date": "1990-01-01"}, content_type="application/json"
    )
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    wrong = client.post(
        "/api/me/token/",
        {"nik": "1403010101900099", "birth_date": "1990-01-01", "code": "123456"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and re.search("wrong or has expired", wrong.content.decode())
