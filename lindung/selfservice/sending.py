"""Transactional messages to one phone: sign-in codes and the answer to a
self-registration. They go straight to the messaging app's providers (WhatsApp first,
SMS when WhatsApp does not take it), not through the reminder outbox: a code must
arrive within seconds, the person asked for it, and a rejected applicant is no
participant the outbox could name. The development provider stores them for the
development outbox page (/messaging/dev-outbox/)."""

import logging
from dataclasses import dataclass

from django.conf import settings

from lindung.messaging.models import Channel, Outcome
from lindung.messaging.providers import Outgoing, provider_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    template: str  # the approved WhatsApp template's name
    params: tuple[str, ...]
    body: str  # what SMS and the development provider carry
    language: str = "id"


def send_text(to: str, text: Text) -> str:
    """Send to an E.164 number; the channel that took it, or "" when none did."""
    for channel in (Channel.WHATSAPP, Channel.SMS):
        provider = provider_for(channel)
        try:
            result = provider.send(
                Outgoing(
                    outbox_id=0,
                    channel=channel,
                    to=to,
                    template=text.template,
                    language=text.language,
                    params=list(text.params),
                    body=text.body,
                    sender="",
                )
            )
        except Exception:  # a provider bug must not turn a sign-in into a server error
            logger.exception("selfservice: provider %s raised", getattr(provider, "name", channel))
            continue
        if result.outcome == Outcome.ACCEPTED:
            return str(channel)
        logger.warning("selfservice: %s did not take the message (%s %s)", channel, result.outcome, result.error_code)
    return ""


def show_in_development(label: str, secret: str) -> None:
    """`make run` prints sign-in codes on the console; never outside DEBUG."""
    if settings.DEBUG:
        logger.warning("DEVELOPMENT ONLY: %s: %s", label, secret)
