"""WhatsApp Business Cloud API: template messages through the Graph API
``POST /{version}/{phone-number-id}/messages`` with a bearer token. The outbox row id
travels as ``biz_opaque_callback_data``, which the API returns in every status webhook,
so a status finds its row even before the worker stored the message id."""

from typing import Any

import httpx

from ..models import Outcome
from . import Outgoing, SendResult, classify
from ._http import client, transport_failure


class CloudProvider:
    name = "cloud"
    concurrent = True  # httpx.Client is safe across threads

    def __init__(self, config: dict[str, Any]) -> None:
        base = str(config["base_url"]).rstrip("/")
        self.url = f"{base}/{config['api_version']}/{config['phone_number_id']}/messages"
        self.client = client(float(config["timeout"]), {"Authorization": f"Bearer {config['access_token']}"})

    @staticmethod
    def body(message: Outgoing) -> dict[str, Any]:
        if not message.template and message.body:
            # Free text: only inside the 24-hour window after the participant wrote
            # (inbox answers); reminders always name an approved template.
            return {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": message.to.lstrip("+"),
                "type": "text",
                "text": {"preview_url": False, "body": message.body[:4096]},
                "biz_opaque_callback_data": str(message.outbox_id),
            }
        template: dict[str, Any] = {"name": message.template, "language": {"code": message.language}}
        if message.params:
            template["components"] = [
                {"type": "body", "parameters": [{"type": "text", "text": p} for p in message.params]}
            ]
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.lstrip("+"),
            "type": "template",
            "template": template,
            "biz_opaque_callback_data": str(message.outbox_id),
        }

    def send(self, message: Outgoing) -> SendResult:
        try:
            response = self.client.post(self.url, json=self.body(message))
        except httpx.HTTPError as exc:
            return transport_failure(exc)
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200 and data.get("messages"):
            return SendResult(Outcome.ACCEPTED, provider_message_id=str(data["messages"][0]["id"]), http_status=200)
        error = data.get("error") or {}
        code = error.get("code")
        code = int(code) if isinstance(code, int | str) and str(code).isdigit() else None
        return SendResult(
            classify(response.status_code, code),
            http_status=response.status_code,
            error_code=str(code or ""),
            detail=str(error.get("message") or response.text)[:500],
        )
