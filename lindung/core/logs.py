"""Structured logs: one JSON object per line, each carrying the request id of the web
request (or Celery task) it belongs to, with personal data and secrets scrubbed out.

Importable without Django (gunicorn's own logging uses it before Django starts)."""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The id of the request (or task) being handled in this thread or task; "" outside one.
request_id_var: ContextVar[str] = ContextVar("lindung_request_id", default="")

# NIK and family card numbers: 16 digits standing alone.
_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
# Indonesian phone numbers as people write them: 08…, 628…, +62 8…, with spaces, dots or
# dashes between groups; the digit count is checked in _phone below.
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[\s.\-]?8[\d\s.\-]{6,16}\d(?!\d)")
# "password=…", "token: …", '"api_key": "…"', "Authorization: Token …", cookies.
_SENSITIVE_NAMES = (
    r"password\d?|passwd|pwd|new_password\d|old_password|secret|token|api[_-]?key|access[_-]?key"
    r"|csrfmiddlewaretoken|csrftoken|sessionid|authorization|cookie"
)
_KEY_VALUE = re.compile(
    rf"(?i)(?P<key>[\"']?[\w-]*(?:{_SENSITIVE_NAMES})[\w-]*[\"']?\s*[=:]\s*[\"']?)"
    r"(?P<value>(?:token |bearer |basic )?[^\s&\"',;]+)"
)
_AUTH_SCHEME = re.compile(r"(?i)\b(token|bearer|basic)\s+[A-Za-z0-9._~+/=-]{16,}")
# API tokens (40 hex characters) anywhere else.
_HEX_TOKEN = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{40}(?![0-9a-fA-F])")
# In a request id, a NIK or phone number only where it stands alone between separators:
# the 32 hex digits we and nginx make hold a run of 16 decimal digits about once in a
# hundred ids, and that run is chance, not a person (scrubbing it broke the id's match
# with the response header and nginx's access log).
_ID_PERSONAL = re.compile(r"(?<![0-9A-Za-z])(?:\d{16}|(?:\+?62|0)8\d{7,13})(?![0-9A-Za-z])")


# Cheap tests for whether a text may hold any of the above: most lines (paths, view
# names, statuses) hold none, and the patterns are slow to find nothing (_KEY_VALUE
# ~100-200 us on a plain 40-character path: its leading [\w-]* is retried at every
# position), run several times per request line. Looser than the patterns; they decide.
_NAME_HINTS = ("pass", "pwd", "secret", "token", "key", "session", "authoriz", "cookie", "bearer", "basic")
_FEWEST_DIGITS = 9  # a phone number has 9 to 15 digits, a NIK 16


def _may_name_a_secret(text: str) -> bool:
    lowered = text.lower()
    return any(hint in lowered for hint in _NAME_HINTS)


def _phone(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[PHONE]" if 9 <= digits <= 15 else match.group(0)


def scrub(text: str) -> str:
    """The text without NIKs, phone numbers, passwords or tokens."""
    if not text:
        return text
    if _may_name_a_secret(text):
        text = _KEY_VALUE.sub(lambda m: f"{m.group('key')}[REDACTED]", text)
        text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} [REDACTED]", text)
    text = _HEX_TOKEN.sub("[TOKEN]", text)
    if sum(map(str.isdigit, text)) < _FEWEST_DIGITS:
        return text
    text = _NIK.sub("[NIK]", text)
    return _PHONE.sub(_phone, text)


def scrub_request_id(value: str) -> str:
    """The request id as sent, unless a client put a token, NIK or phone number in it."""
    return _ID_PERSONAL.sub("[REDACTED]", _HEX_TOKEN.sub("[TOKEN]", value))


class ScrubFilter(logging.Filter):
    """Rewrites each record's message (arguments merged in) and traceback with ``scrub``,
    so whichever formatter or handler comes next never sees the raw values."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not drop the line
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


# Attributes every LogRecord has; anything else was passed with extra= and is logged.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the
    extra= fields that are plain values (Django's request objects are left out)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = getattr(record, "request_id", "") or request_id_var.get()
        if request_id:
            entry["request_id"] = scrub_request_id(request_id)
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and isinstance(value, str | int | float | bool):
                entry[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = scrub(record.exc_text)
        if record.stack_info:
            entry["stack"] = scrub(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(level: str = "INFO", *, loggers: dict[str, Any] | None = None) -> dict[str, Any]:
    """A dictConfig for JSON lines on standard error, every line through ScrubFilter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"scrub": {"()": "lindung.core.logs.ScrubFilter"}},
        "formatters": {"json": {"()": "lindung.core.logs.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["scrub"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": loggers or {},
    }
