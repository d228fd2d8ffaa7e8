"""What the schema allows, the API accepts; what the API refuses, the schema says."""

import datetime
import re
import uuid

import pytest
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import cash_method, informal_participant
from lindung.participants.models import Participant

from .conftest import api_client

pytestmark = pytest.mark.django_db


def _schema(client):
    return client.get(reverse("api:schema"), {"format": "json"}).json()


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5"])
def test_a_page_number_that_cannot_exist_is_a_400_on_the_page(admin, page):
    response = api_client(admin).get(reverse("api:participant-list"), {"page": page})
    assert response.status_code == 400
    assert response.json() == {"page": ["A page number is a whole number from 1."]}


def test_a_page_past_the_last_is_a_documented_404(admin):
    client = api_client(admin)
    response = client.get(reverse("api:participant-list"), {"page": 2})
    assert response.status_code == 404 and "fewer pages" in response.json()["detail"]
    operation = _schema(client)["paths"]["/api/participants/"]["get"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    page = next(p for p in operation["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1


def test_an_empty_email_is_within_the_schema(admin, coord_a):
    informal_participant(coordinator=coord_a, email="")
    client = api_client(admin)
    email = _schema(client)["components"]["schemas"]["Participant"]["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["anyOf"]
    pk = Participant.objects.get().pk
    assert client.get(reverse("api:participant-detail", args=[pk])).json()["email"] == ""


def test_the_calculator_schema_refuses_what_the_calculator_refuses(admin):
    client = api_client(admin)
    parameters = _schema(client)["paths"]["/api/calculator/"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "programs")["schema"]["pattern"]
    assert re.search(pattern, "jkk,jkm") and re.search(pattern, "jkk , jkm , jht")
    assert not re.search(pattern, "0") and not re.search(pattern, "jkk,") and not re.search(pattern, "")
    assert client.get(reverse("api:calculator"), {"income": 1_000_000, "programs": "0"}).status_code == 400
    ok = client.get(reverse("api:calculator"), {"income": 1_000_000, "programs": "jkk,jkm"})
    assert ok.status_code == 200


def test_a_reversal_reason_must_have_text_and_the_schema_says_so(admin, coord_a):
    participant = informal_participant(coordinator=coord_a)
    bills_generate(month=datetime.date(2026, 1, 1))
    payment = payment_record(
        actor=coord_a,
        participant=participant,
        data=PaymentInput(amount=16_800, paid_on=datetime.date(2026, 1, 20), method=cash_method()),
        submission_key=uuid.uuid4().hex,
    )
    client = api_client(admin)
    reason = _schema(client)["components"]["schemas"]["Reverse"]["properties"]["reason"]
    assert reason["minLength"] == 1 and reason["pattern"] == r"\S"
    url = reverse("api:payment-reverse", args=[payment.pk])
    for blank in ("", "   "):
        refused = client.post(url, {"reason": blank}, format="json")
        assert refused.status_code == 400 and refused.json() == {"reason": ["Say why the payment is reversed."]}
    assert client.post(url, {"reason": "x"}, format="json").status_code == 201
