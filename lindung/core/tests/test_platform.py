"""Project-wide behaviour: settings safety, headers, language, health."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from lindung.core.tests.factories import CoordinatorFactory

ROOT = Path(__file__).resolve().parents[3]


def _import_production(env: dict[str, str], code: str = "") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "LINDUNG_DB_"))}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run(  # noqa: S603 - this interpreter, and code from the tests themselves
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _import_production({"DATABASE_URL": "postgres://u@h/db", "DJANGO_ALLOWED_HOSTS": "x"})
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = _import_production({"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_ALLOWED_HOSTS": "x"})
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr


def test_production_starts_with_its_secrets():
    result = _import_production(
        {"DJANGO_SECRET_KEY": "k" * 50, "DATABASE_URL": "postgres://u@h/db", "DJANGO_ALLOWED_HOSTS": "x"}
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("url", "env", "kept"),
    [
        ("postgres://u@h/db", {}, 300),  # a worker keeps its connection between requests
        ("postgres://u@h/db", {"LINDUNG_DB_CONN_MAX_AGE": "0"}, 0),  # one per request again
        ("postgres://u@h/db?conn_max_age=30", {"LINDUNG_DB_CONN_MAX_AGE": "0"}, 30),  # the URL wins
    ],
)
def test_production_keeps_database_connections(url, env, kept):
    secrets = {"DJANGO_SECRET_KEY": "k" * 50, "DATABASE_URL": url, "DJANGO_ALLOWED_HOSTS": "x"}
    code = "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])"
    result = _import_production({**secrets, **env}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(kept)]


@pytest.mark.parametrize(
    ("url", "env", "options"),
    [
        ("postgres://u@h/db", {}, "-c cursor_tuple_fraction=1 -c max_parallel_workers_per_gather=0"),
        (
            "postgres://u@h/db",
            {"LINDUNG_DB_PARALLEL_WORKERS": "2"},
            "-c cursor_tuple_fraction=1 -c max_parallel_workers_per_gather=2",
        ),
        ("postgres://u@h/db?options=-c%20work_mem%3D64MB", {}, "-c work_mem=64MB"),  # the URL wins
        ("sqlite:////tmp/x.sqlite3", {}, None),  # a PostgreSQL setting only
    ],
)
def test_production_session_settings(url, env, options):
    secrets = {"DJANGO_SECRET_KEY": "k" * 50, "DATABASE_URL": url, "DJANGO_ALLOWED_HOSTS": "x"}
    code = "from django.conf import settings; print(repr(settings.DATABASES['default']['OPTIONS'].get('options')))"
    result = _import_production({**secrets, **env}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(options)


@pytest.mark.django_db
def test_production_connection_plans_cursors_for_every_row_without_parallel_workers():
    """On a real PostgreSQL connection made by the production settings."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting: the PostgreSQL run checks it")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    secrets = {"DJANGO_SECRET_KEY": "k" * 50, "DATABASE_URL": url, "DJANGO_ALLOWED_HOSTS": "x"}
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    for name in ('max_parallel_workers_per_gather', 'cursor_tuple_fraction'):\n"
        "        c.execute('SHOW ' + name)\n"
        "        print(c.fetchone()[0])"
    )
    result = _import_production(secrets, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["0", "1"]


@pytest.mark.django_db
def test_server_side_cursors_are_planned_for_every_row():
    """Every settings module (tests too): an export's cursor reads all its rows, and the
    default plan for its first tenth walked the whole name index (2.9 s against 0.11 s)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting: the PostgreSQL run checks it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "1"


def test_argon2_is_the_hasher_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "lindung.accounts.hashers.OwaspArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.MD5PasswordHasher" not in base.PASSWORD_HASHERS


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.cookies.get("csrftoken") is not None


@pytest.mark.django_db
def test_indonesian_by_default_even_for_an_english_browser(client):
    del client.cookies["django_language"]
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert '<html lang="id"' in response.content.decode()
    assert "Masuk" in response.content.decode()  # "Sign in", from the Indonesian catalogue


@pytest.mark.django_db
def test_the_switch_turns_english_on(client):
    del client.cookies["django_language"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_health(client):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_home_needs_sign_in_and_counts_only_my_participants(client):
    from lindung.participants.tests.factories import ParticipantFactory

    me = CoordinatorFactory()
    ParticipantFactory.create_batch(2, coordinator=me)
    ParticipantFactory.create_batch(3)
    assert client.get(reverse("core:home")).status_code == 302
    client.force_login(me)
    assert client.get(reverse("core:home")).context["participant_count"] == 2


def test_static_assets_are_vendored_not_from_a_cdn():
    base = (ROOT / "lindung" / "templates" / "base.html").read_text()
    assert "http://" not in base and "https://" not in base
    assert (ROOT / "lindung" / "static" / "vendor" / "htmx" / "htmx.min.js").exists()


def test_session_times_out_when_idle():
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert "lindung.core.sessions.SessionRenewalMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_api_clients_choose_their_language_by_header(client):
    del client.cookies["django_language"]
    assert client.get("/api/participants/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    assert client.get("/api/participants/")["Content-Language"] == "id"


@pytest.mark.django_db
def test_the_system_checks_raise_no_warning_on_either_database():
    # `make run` uses SQLite, which cannot hold the covering indexes' INCLUDE columns
    # (models.W040); that is expected there and must not be printed on every command.
    from django.core import checks

    found = checks.run_checks(databases=["default"], include_deployment_checks=False)
    assert [m.id for m in found if m.level >= checks.WARNING and not m.is_silenced()] == []
