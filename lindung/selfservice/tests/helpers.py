"""Signing a participant in the way a worker does: ask for a code, read it from the
development provider's outbox (what `make run` shows), type it in."""

import re
from typing import Any

from django.conf import settings
from django.test import Client

from lindung.messaging.models import DevMessage
from lindung.participants.models import Participant


def last_code(participant: Participant) -> str:
    message = DevMessage.objects.filter(to_number=participant.phone).order_by("-id").first()
    assert message is not None, "no code was sent"
    found = re.search(r"\b(\d{6})\b", message.text)
    assert found is not None, message.text
    return found.group(1)


def signed_in_client(participant: Participant) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/saya/masuk/", {"nik": participant.nik, "birth_date": participant.birth_date.isoformat()})
    response = client.post("/saya/masuk/kode/", {"code": last_code(participant)})
    assert response.status_code == 302, response.content[:500]
    return client


def api_token(client: Client, participant: Participant) -> str:
    body = {"nik": participant.nik, "birth_date": participant.birth_date.isoformat()}
    assert client.post("/api/me/code/", body, content_type="application/json").status_code == 202
    response = client.post("/api/me/token/", {**body, "code": last_code(participant)}, content_type="application/json")
    assert response.status_code == 200, response.content
    token: Any = response.json()["token"]
    return str(token)
