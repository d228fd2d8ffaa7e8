"""The deployment files agree with the app (deploy/smoke/run_stack.sh runs them for real)."""

import importlib.util
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from lindung.participants.imports.reading import MAX_UPLOAD_BYTES

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SITE = (DEPLOY / "nginx" / "lindung.conf").read_text()


def _location(name: str) -> str:
    match = re.search(rf"location {re.escape(name)} \{{(.*?)\n    \}}", SITE, re.S)
    assert match, name
    return match.group(1)


def test_nginx_body_limit_lets_the_largest_upload_through_and_no_more():
    limit = re.search(r"client_max_body_size (\d+)m;", SITE)
    assert limit, "client_max_body_size missing"
    largest = max(MAX_UPLOAD_BYTES, settings.DOCUMENT_MAX_BYTES)
    # The file plus up to 1 MiB of form around it.
    assert int(limit.group(1)) == largest // 2**20 + 1


def test_nginx_adds_the_apps_security_headers_only_where_it_answers_itself():
    proxied = _location("/")
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Strict-Transport-Security"):
        assert header not in proxied, f"{header} would be sent twice on the app's pages"
    assert "add_header" not in SITE.split("location /static/")[0], "server-level add_header applies to the app too"
    static = _location("/static/")
    assert "X-Content-Type-Options nosniff" in static and "Strict-Transport-Security" in static


def test_nginx_forwards_what_production_settings_rely_on():
    proxied = _location("/")
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxied  # SECURE_PROXY_SSL_HEADER
    assert "proxy_set_header X-Request-ID $lindung_request_id;" in proxied
    assert settings.STATIC_URL == "/static/"


def test_smoke_config_rewrites_only_the_marked_lines():
    spec = importlib.util.spec_from_file_location("nginx_conf", DEPLOY / "smoke" / "nginx_conf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.site(18443, 18080, 18000, "/tmp/s", "/tmp/c.pem", "/tmp/k.pem", "/tmp/l")
    assert "listen 127.0.0.1:18443 ssl http2;" in out and "server 127.0.0.1:18000;" in out
    assert "lindung.example.org" not in out and "[::]" not in out
    # Everything else is the deployed file, line for line.
    kept = [line for line in SITE.splitlines() if "lindung:" not in line and "[::]" not in line]
    assert [line for line in out.splitlines() if line in kept] == kept


def test_nginx_accepts_the_same_request_ids_as_the_app():
    from lindung.core.request_id import VALID

    shape = re.search(r'"~\^(.+)\$" \$http_x_request_id;', SITE)
    assert shape, "the request id map lost its pattern"
    assert shape.group(1) == VALID.pattern


UNAVAILABLE = Path(settings.BASE_DIR) / "lindung" / "static" / "lindung" / "unavailable.html"


def test_nginx_answers_its_own_gateway_errors_with_the_product_page():
    """deploy/smoke/app_down.py checks this for real with gunicorn stopped; here: the
    wiring points at the file collectstatic publishes, and says when to retry."""
    assert re.search(r"^    error_page 502 503 504 /_unavailable.html;$", SITE, re.M)
    page = _location("= /_unavailable.html")
    assert "internal;" in page
    alias = re.search(r"alias (\S+);", page)
    static_root = re.search(r"location /static/ \{\s*alias (\S+);", SITE)
    assert alias and static_root
    assert alias.group(1) == static_root.group(1) + "lindung/unavailable.html"
    assert UNAVAILABLE.is_file()
    assert "add_header Retry-After 30 always;" in page
    assert not re.search(r"^\s*proxy_intercept_errors on", SITE, re.M), "the app's own error pages must pass through"


def test_unavailable_page_is_self_contained_indonesian_first_then_english():
    page = UNAVAILABLE.read_text()
    assert '<html lang="id">' in page and '<section lang="en">' in page
    assert page.index("Lindung sedang tidak dapat dibuka sebentar") < page.index("Lindung is briefly unavailable")
    # Nothing to fetch from a server that is down, nor from anyone else's.
    for needle in ("<link", "<script", "src=", "url(", "http:", "https:", "@import"):
        assert needle not in page, needle
    assert "30 detik" in page and "30 seconds" in page  # the Retry-After nginx sends


UNITS = sorted((DEPLOY / "systemd").iterdir())


def test_systemd_units_have_no_unknown_or_misplaced_keys(tmp_path):
    """systemd ignores a key it does not know with only a line in the journal, so a typo
    (or a key in the wrong section) would silently drop a limit. ``systemd-analyze
    verify`` reads the units as systemd would; the venv's commands are swapped for one
    that exists, since it also checks that ExecStart can run."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        assert not os.environ.get("CI"), "CI must have systemd-analyze (Debian's systemd package)"
        pytest.skip("systemd-analyze is not installed")
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(re.sub(r"/srv/lindung/venv/bin/\w+", "/bin/true", unit.read_text()))
        copies.append(str(copy))
    result = subprocess.run(  # noqa: S603 - our own files, no shell
        [analyze, "verify", *copies], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    complaints = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 0 and not complaints, result.stderr


def _gunicorn_config() -> Any:
    spec = importlib.util.spec_from_file_location("gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_workers_do_not_restart_together():
    """Each worker restarts after max_requests plus a random share of the jitter (gunicorn's
    rule); the workers serve the same number of requests, so their restarts are as far apart
    as their limits. Three of five restarting within 20 requests of one another (a few
    seconds at 50 users, about a worker's boot time) froze every page: it must be rare."""
    config = _gunicorn_config()
    draw = random.Random(13)
    together = 0
    trials = 2_000
    for _ in range(trials):
        limits = sorted(config.max_requests + draw.randint(0, config.max_requests_jitter) for _ in range(5))
        together += any(limits[i + 2] - limits[i] <= 20 for i in range(3))
    assert together / trials < 0.05


def test_an_exiting_gunicorn_worker_writes_its_webhook_summary(monkeypatch):
    from lindung.messaging import callback_log

    flushed = []
    monkeypatch.setattr(callback_log.accepted, "flush", lambda: flushed.append(1))
    _gunicorn_config().worker_exit(server=None, worker=None)
    assert flushed == [1]
