"""Schema-driven fuzzing (schemathesis) over every operation of the API, as a
coordinator and as an administrator: no 5xx, and every answer matches the schema
(status codes, content type, headers, bodies). Requests run in-process through the WSGI
application, inside the test's transaction, so the same test runs on SQLite and
PostgreSQL."""

import datetime
import os
import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lindung.billing.bills.services import bills_generate
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import cash_method, informal_participant, transfer_method

# Deterministic by default so that CI is repeatable; set LINDUNG_FUZZ_EXAMPLES to explore
# further (random seeds, more cases per operation).
EXPLORE = os.environ.get("LINDUNG_FUZZ_EXAMPLES")
EXAMPLES = int(EXPLORE or 30)
# Whether a schema-valid request succeeds depends on the data (a wrong password, another
# coordinator's id), which no schema can say; these checks are the ones every answer must pass.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _schema() -> schemathesis.BaseSchema:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


SCHEMA = _schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture
def _keep_connection():
    """The WSGI handler closes the database connection around each request, which on
    PostgreSQL would end the test's transaction; Django's own test client holds it open
    the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def data(_keep_connection, admin, coord_a, coord_b):
    """Something behind the ids the fuzzer tries: participants of both coordinators,
    bills and a payment."""
    mine = informal_participant(coordinator=coord_a)
    informal_participant(coordinator=coord_b)
    bills_generate(month=datetime.date(2026, 1, 1))
    transfer_method()
    payment_record(
        actor=coord_a,
        participant=mine,
        data=PaymentInput(amount=16_800, paid_on=datetime.date(2026, 1, 20), method=cash_method()),
        submission_key=uuid.uuid4().hex,
    )
    return {"admin": admin, "coord_a": coord_a}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coord_a", "admin"])
@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.label for operation in OPERATIONS])
def test_every_operation_answers_within_its_schema(data, who, operation):
    token, _ = Token.objects.get_or_create(user=data[who])
    # Plain bodies: the schema checks read them as sent; compression has its own tests.
    headers = {"Authorization": f"Token {token.key}", "Cookie": "django_language=en", "Accept-Encoding": "identity"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not EXPLORE,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def fuzz(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()
