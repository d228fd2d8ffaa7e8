"""The development provider: "sends" by storing the message, which an administrator
reads in the app (Messaging > Development outbox), so `make run` shows the whole loop
with no WhatsApp account."""

import uuid

from ..models import DevMessage, Outcome
from . import Outgoing, SendResult


class DevProvider:
    name = "dev"

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, message: Outgoing) -> SendResult:
        message_id = f"dev.{uuid.uuid4().hex}"
        DevMessage.objects.create(
            channel=message.channel,
            to_number=message.to,
            template=message.template,
            text=message.body or " | ".join(message.params),
            outbox_id=message.outbox_id,
            provider_message_id=message_id,
        )
        return SendResult(Outcome.ACCEPTED, provider_message_id=message_id, http_status=200)
