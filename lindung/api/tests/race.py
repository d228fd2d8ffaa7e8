"""Eight simultaneous submissions of one bank transfer, through the API, one thread each.

Shared by the race tests: run in-process on PostgreSQL, and in a child process against
a fresh SQLite file (the in-memory test database of SQLite cannot show the file locking
that production meets)."""

import datetime
import threading
import uuid

from django.db import connection
from django.urls import reverse

from lindung.billing.bills.services import bills_generate
from lindung.billing.tests.factories import informal_participant, transfer_method
from lindung.core.tests.factories import CoordinatorFactory

from .conftest import api_client

THREADS = 8


def payment_race() -> list[tuple[int, str]]:
    """Status and body of each answer, in no particular order."""
    coordinator = CoordinatorFactory()
    participant = informal_participant(coordinator=coordinator)
    for month in (1, 2, 3):
        bills_generate(month=datetime.date(2026, month, 1))
    method = transfer_method()
    clients = [api_client(coordinator) for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []

    def submit(client) -> None:
        body = {
            "idempotency_key": uuid.uuid4().hex,
            "participant": participant.pk,
            "amount": 16_800,
            "paid_on": "2026-03-20",
            "method": method.pk,
            "reference": "BRI-RACE-1",
        }
        try:
            start.wait()
            response = client.post(reverse("api:payment-list"), body, format="json")
            answers.append((response.status_code, response.content.decode()))
        except Exception as error:  # noqa: BLE001 - a crash is the answer a user would get as a 500
            answers.append((500, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers
