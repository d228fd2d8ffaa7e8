"""PostgreSQL restarted under traffic, on a throwaway cluster (never the machine's own):
requests in flight get the product's 503 page, and the same server process serves again
once the database is back."""

import http.cookiejar
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .servers import Cluster, manage, process, project_env, skip_unless_postgresql_pass, wait_for_port

pytestmark = pytest.mark.stack

PG_PORT, WEB_PORT = 15433, 16081
PASSWORD = "correct-horse-battery"


@pytest.fixture
def cluster():
    skip_unless_postgresql_pass()
    server = Cluster(PG_PORT)
    try:
        server.init()
        server.start()
        server.sql("CREATE DATABASE lindung_h13b_fault")
        yield server
    finally:
        server.destroy()


@pytest.fixture
def web(cluster, tmp_path: Path):
    env = project_env(DATABASE_URL=cluster.url("lindung_h13b_fault"))
    manage("migrate", "--noinput", "-v0", env=env, timeout=600)
    manage(
        "shell",
        "-c",
        "from lindung.accounts.models import User, Role; "
        f"User.objects.create_user(username='ops', password='{PASSWORD}', role=Role.ADMIN)",
        env=env,
    )
    # Threaded, so requests are in flight side by side as under gunicorn.
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{WEB_PORT}"]
    with process(command, env=env, log=tmp_path / "web.log") as server:
        wait_for_port(WEB_PORT)
        yield server


def signed_in() -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{WEB_PORT}"
    page = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": "ops", "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/accounts/login/", data=form.encode(), headers={"Referer": base})  # noqa: S310
    opener.open(request, timeout=10)
    return opener


def fetch(opener: urllib.request.OpenerDirector) -> tuple[int, str, str | None]:
    try:
        with opener.open(f"http://127.0.0.1:{WEB_PORT}/participants/", timeout=15) as response:
            return response.status, response.geturl(), None
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers.get("Retry-After")


def test_postgresql_restart_under_traffic(cluster, web):
    opener = signed_in()
    assert fetch(opener)[0] == 200
    results: list[tuple[float, int, str, str | None]] = []
    stop = threading.Event()

    def traffic() -> None:
        deadline = time.monotonic() + 60  # bounded whatever happens
        while not stop.is_set() and time.monotonic() < deadline:
            results.append((time.monotonic(), *fetch(opener)))
            time.sleep(0.02)

    users = [threading.Thread(target=traffic) for _ in range(3)]
    for user in users:
        user.start()
    try:
        time.sleep(1.5)
        cluster.stop("fast")  # in-flight sessions are ended, new ones refused
        time.sleep(1.5)
        cluster.start()
        back = time.monotonic()
        time.sleep(2.5)
    finally:
        stop.set()
        for user in users:
            user.join(timeout=30)

    statuses = {status for _, status, _, _ in results}
    assert statuses <= {200, 503}, statuses  # never a bare 500
    outages = [(body, retry) for _, status, body, retry in results if status == 503]
    assert outages, "no request met the outage"
    assert all(retry == "30" and "Lindung sedang tidak dapat diakses sebentar" in body for body, retry in outages)
    assert all(status == 200 for at, status, _, _ in results if at > back + 1)  # recovered
    assert web.poll() is None  # the same process, never restarted
