"""What the log scrubber takes out, and what it must leave alone."""

import json
import logging
import sys

import pytest

from lindung.core.logs import JsonFormatter, ScrubFilter, request_id_var, scrub, scrub_request_id

NIK = "1403015704910007"


@pytest.mark.parametrize(
    "text",
    [
        f"Not Found: /participants/{NIK}/",
        f"nik={NIK}&page=2",
        "call 0812-3456-7890 today",
        "phone +62 812 3456 7890",
        "phone 6281234567890",
        "phone 081234567890.",
        "password=hunter2-secret&next=/",
        '{"password": "hunter2-secret"}',
        "new_password1=hunter2-secret",
        "csrfmiddlewaretoken=Zx9aB8cD7eF6gH5iJ4kL3mN2",
        "Authorization: Token 0123456789abcdef0123456789abcdef01234567",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
        "token 0123456789abcdef0123456789abcdef01234567 expired",
        "Cookie: sessionid=abcdefghijklmnopqrstuvwxyz012345",
    ],
)
def test_scrub_removes_personal_data_and_secrets(text):
    out = scrub(text)
    for secret in (
        NIK,
        "3456",
        "hunter2",
        "Zx9aB8cD7eF6",
        "0123456789abcdef",
        "eyJhbGci",
        "abcdefghijklmnop",
    ):
        assert secret not in out, (text, out)


@pytest.mark.parametrize(
    "text",
    [
        "GET /participants/123/ 200",
        "export participants.csv by user 2: 16 rows",
        "payment of Rp 31800 on 2026-12-04, receipt KW-2026-000101",
        "job 4512 (participants.export) finished in 812 ms",
        "membership number 12345678901",
    ],
)
def test_scrub_leaves_ordinary_figures(text):
    assert scrub(text) == text


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("lindung.test", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_filter_and_formatter_scrub_arguments_and_tracebacks():
    try:
        raise ValueError(f"participant {NIK} phone 0812-3456-7890 refused")
    except ValueError:
        record = _record("lookup %s failed for %s", NIK, "password=hunter2", exc_info=sys.exc_info())
    assert ScrubFilter().filter(record)
    token = request_id_var.set("req-abcdefgh")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["message"] == "lookup [NIK] failed for password=[REDACTED]"
    assert "ValueError: participant [NIK] phone [PHONE] refused" in entry["exception"]
    assert entry["request_id"] == "req-abcdefgh" and entry["level"] == "ERROR"
    assert NIK not in line and "3456" not in line and "hunter2" not in line


def test_formatter_keeps_plain_extras_and_drops_objects():
    record = _record("done")
    record.status = 200
    record.path = f"/participants/{NIK}/"
    record.request = object()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["status"] == 200 and entry["path"] == "/participants/[NIK]/"
    assert "request" not in entry


@pytest.mark.parametrize(
    "request_id",
    [
        "4f0830669dd1234567890123456a2cb0",  # 32 hex digits with a run of 16 decimals: chance
        "08123456789abcdef0123456789abcde",  # begins like a phone number, but is one hex id
        "req-abcdefgh",
        "2f1c9b7e-7d3a-4c55-9a0e-3f0b8d2c6e11",
    ],
)
def test_generated_request_ids_are_logged_as_they_are(request_id):
    token = request_id_var.set(request_id)
    try:
        entry = json.loads(JsonFormatter().format(_record("done")))
    finally:
        request_id_var.reset(token)
    assert entry["request_id"] == request_id


@pytest.mark.parametrize(
    ("request_id", "expected"),
    [
        (NIK, "[REDACTED]"),
        (f"req-{NIK}", "req-[REDACTED]"),
        (f"{NIK}:retry", "[REDACTED]:retry"),
        ("081234567890", "[REDACTED]"),
        ("trace.6281234567890", "trace.[REDACTED]"),
        ("0123456789abcdef0123456789abcdef01234567", "[TOKEN]"),
    ],
)
def test_a_client_cannot_log_personal_data_through_its_request_id(request_id, expected):
    assert scrub_request_id(request_id) == expected


def _every_pattern(text: str) -> str:
    """The scrub with every pattern run on every text, as it was before the cheap tests
    in front of them: what the fast path must still equal."""
    from lindung.core import logs

    text = logs._KEY_VALUE.sub(lambda m: f"{m.group('key')}[REDACTED]", text)
    text = logs._AUTH_SCHEME.sub(lambda m: f"{m.group(1)} [REDACTED]", text)
    text = logs._HEX_TOKEN.sub("[TOKEN]", text)
    text = logs._NIK.sub("[NIK]", text)
    return logs._PHONE.sub(logs._phone, text)


@pytest.mark.parametrize(
    "text",
    [
        "POST /messaging/webhooks/whatsapp/ 200",
        "GET /participants/?q=siti&page=3 200",
        "X-API-KEY: abcdef123456",
        "Access-Key=zzzz9999",
        "OLD_PASSWORD=Hunter2",
        "PWD: 12345678",
        "Set-COOKIE: csrftoken=abcdefghijklmnop",
        "BASIC dXNlcjpwYXNzd29yZDEyMzQ1Njc4",
        "bearer    abcdefghijklmnopqrstuvwx",
        "no. 0812 3456 789, ext 12",
        "1 2 3 4 5 6 7 8 9",
        "08-12-34-56-78",
        "+62-812-3456-7890",
        "ref 62812345678 and 3201234567890123x",
        "amount 1500000 on 2026-12-06",
        "id 0123456789abcdef0123456789abcdef01234567",
    ],
)
def test_the_cheap_tests_skip_nothing_the_patterns_would_catch(text):
    assert scrub(text) == _every_pattern(text)
