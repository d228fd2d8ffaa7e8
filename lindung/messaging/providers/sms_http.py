"""A generic SMS HTTP gateway: a JSON POST to a configured URL with a configured auth
header; our fields (to, text, sender, reference) are renamed to the gateway's through
``fields``, and its message id is read from ``id_field`` (a dotted path) of the answer."""

from typing import Any

import httpx

from ..models import Outcome
from . import Outgoing, SendResult, classify
from ._http import client, transport_failure


class HttpSmsProvider:
    name = "sms_http"
    concurrent = True

    def __init__(self, config: dict[str, Any]) -> None:
        self.url = str(config["url"])
        self.fields: dict[str, str] = dict(config["fields"])
        self.id_field = str(config["id_field"])
        self.sender = str(config["sender"])
        headers = {str(config["auth_header"]): str(config["auth_value"])} if config.get("auth_value") else {}
        self.client = client(float(config["timeout"]), headers)

    def body(self, message: Outgoing) -> dict[str, Any]:
        ours = {
            "to": message.to,
            "text": message.body or " ".join(message.params),
            "sender": message.sender or self.sender,
            "reference": str(message.outbox_id),
        }
        return {self.fields[name]: value for name, value in ours.items() if self.fields.get(name)}

    def send(self, message: Outgoing) -> SendResult:
        try:
            response = self.client.post(self.url, json=self.body(message))
        except httpx.HTTPError as exc:
            return transport_failure(exc)
        if 200 <= response.status_code < 300:
            value: Any = response.json() if response.content else {}
            for part in self.id_field.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            return SendResult(
                Outcome.ACCEPTED, provider_message_id=str(value or f"sms.{message.outbox_id}"), http_status=200
            )
        outcome = classify(response.status_code, None)
        return SendResult(outcome, http_status=response.status_code, detail=response.text[:500])
