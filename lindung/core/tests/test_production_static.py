"""Production serves its pages: `collectstatic` with the production settings succeeds and
a page rendered against the resulting manifest answers 200 with its assets (a missing
manifest entry turns every page into a 500)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Runs in a child process because the production settings module is imported once, at
# start-up, and refuses to load without its secrets.
_SCRIPT = """
import re, django
from django.core.management import call_command
django.setup()
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
client = Client()
page = client.get("/accounts/login/", secure=True)
assert page.status_code == 200, page.status_code
assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.content.decode())
assert assets, "the page links no static file"
for url in assets:
    assert re.search(r"\\.[0-9a-f]{12}\\.", url), "not a hashed name: " + url
    answer = client.get(url, secure=True)
    assert answer.status_code == 200, (url, answer.status_code)
print("served", len(assets))
"""


def test_collectstatic_with_production_settings_then_a_page_serves(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "p" * 50,
            # The sign-in page needs no table: an unreachable database proves it.
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "LINDUNG_STATIC_ROOT": str(tmp_path / "static"),
        }
    )
    result = subprocess.run(  # noqa: S603 - a fixed script run by our own interpreter
        [sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("served")
    assert (tmp_path / "static" / "staticfiles.json").exists()
