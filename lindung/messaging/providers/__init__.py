"""Providers: what hands a message to WhatsApp or an SMS gateway. Each answers a
``SendResult`` whose ``outcome`` the dispatcher acts on; the classification of provider
errors lives here (``classify``), as ARCHITECTURE.md lists it."""

from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Channel, Outcome

# WhatsApp Cloud API error codes (ARCHITECTURE.md, "Messaging design").
RETRY_CODES = frozenset({130429, 131056})  # throughput / pair rate limit
PERMANENT_CODES = frozenset({131026, 132000, 131047})  # undeliverable, template params, re-engagement
PAUSE_CODES = frozenset({131048, 131049})  # spam rate limit, ecosystem (quality) limit


@dataclass(frozen=True)
class Outgoing:
    outbox_id: int
    channel: str
    to: str  # E.164, e.g. +6281234567890
    template: str
    language: str
    params: list[str]
    body: str
    sender: str


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    provider_message_id: str = ""
    http_status: int | None = None
    error_code: str = ""
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    name: str

    def send(self, message: Outgoing) -> SendResult: ...


def classify(http_status: int | None, code: int | None) -> Outcome:
    """What to do about a failed call: retry later, give up (and fall back to SMS), or
    pause the group of messages."""
    if code in PAUSE_CODES:
        return Outcome.PAUSE
    if code in PERMANENT_CODES:
        return Outcome.PERMANENT
    if code in RETRY_CODES or http_status == 429 or (http_status is not None and http_status >= 500):
        return Outcome.RETRY
    if http_status is not None and 400 <= http_status < 500:
        return Outcome.PERMANENT
    return Outcome.RETRY


_cache: dict[tuple[str, str], Provider] = {}


def provider_for(channel: str) -> Provider:
    """The configured provider of a channel (settings.LINDUNG_MESSAGING)."""
    config = settings.LINDUNG_MESSAGING["WHATSAPP" if channel == Channel.WHATSAPP else "SMS"]
    name = str(config["provider"])
    key = (channel, repr(sorted(config.items())))
    if key not in _cache:
        _cache[key] = _build(name, channel, config)
    return _cache[key]


def _build(name: str, channel: str, config: dict[str, Any]) -> Provider:
    if name == "dev":
        from .dev import DevProvider

        return DevProvider(channel)
    if name == "cloud":
        from .cloud import CloudProvider

        return CloudProvider(config)
    if name == "http":
        from .sms_http import HttpSmsProvider

        return HttpSmsProvider(config)
    provider: Provider = import_string(name)(channel, config)
    return provider


def reset_providers() -> None:
    """Forget built providers (settings changed: tests)."""
    _cache.clear()
