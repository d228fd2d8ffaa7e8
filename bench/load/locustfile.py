"""Coordinators and administrators at work, through nginx, for `bench/load/run.sh`.

Each simulated person signs in (Argon2, as in production), then works with 1-3 s pauses:
coordinators search their registry for the most common given names, open participants,
record a payment (the form, then the save), look at their arrears and dashboard, export a
filtered list; administrators search the whole registry, look at the national arrears
and dashboard, and export. Now and then someone signs out and in again. Every request
is named by its type, so locust's statistics are per type.

The fixture (who works on what) comes from `python -m bench.load.prepare`; the payments
carry a reference starting LOAD- so `python -m bench.load.cleanup` can take them back.
"""

import itertools
import json
import os
import random
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "smoke"))
from forms import form_with  # noqa: E402 - the smoke journey's form reader, not a package

FIXTURE = json.loads(Path(os.environ.get("LOAD_FIXTURE", ROOT / "var/load/fixture.json")).read_text())
CA = os.environ.get("LOAD_CA", "")
ADMIN_SHARE = float(os.environ.get("LOAD_ADMIN_SHARE", "0.2"))
_accounts = itertools.count()
_lock = threading.Lock()


def _next_account() -> int:
    with _lock:
        return next(_accounts)


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--payments", choices=("save", "form"), default="save", help="save payments or only price them")


class Staff(HttpUser):
    wait_time = between(1, 3)
    abstract = True
    username = ""

    def on_start(self) -> None:
        self.client.verify = CA or False
        self.sign_in()

    def _csrf_post(self, path: str, page_name: str, post_name: str, values: dict[str, str], **kwargs: Any) -> Any:
        page = self.client.get(path, name=page_name)
        form = form_with(page.text, next(iter(values)))
        form.values.update(values)
        return self.client.post(
            path,
            data=form.values,
            headers={"Referer": self.client.base_url + path},
            name=post_name,
            allow_redirects=False,
            **kwargs,
        )

    def sign_in(self) -> None:
        with self._csrf_post(
            "/accounts/login/",
            "sign-in page",
            "sign-in (argon2)",
            {"username": self.username, "password": FIXTURE["password"]},
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in refused: {response.status_code}")

    @task(1)
    def sign_out_and_in(self) -> None:
        page = self.client.get("/", name="dashboard")
        form = form_with(page.text, "csrfmiddlewaretoken")
        self.client.post(
            "/accounts/logout/",
            data=form.values,
            headers={"Referer": self.client.base_url + "/"},
            name="sign-out",
            allow_redirects=False,
        )
        self.client.cookies.clear()
        self.sign_in()

    def search(self, who: str) -> None:
        term = random.choice(FIXTURE["common_names"][:5])
        self.client.get(f"/participants/?q={term}", name=f"search common name ({who})")

    def export(self, who: str) -> None:
        term = random.choice(FIXTURE["common_names"][:5])
        with self.client.get(
            f"/reports/participants/export.csv?q={term}",
            name=f"export ({who})",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/jobs/" in response.headers.get("Location", ""):
                response.success()  # big selections become a background job (Celery)
            elif response.status_code != 200:
                response.failure(f"export: {response.status_code}")


class Coordinator(Staff):
    weight = int(100 * (1 - ADMIN_SHARE))

    def on_start(self) -> None:
        coordinators = FIXTURE["coordinators"]
        self.mine = coordinators[_next_account() % len(coordinators)]
        self.username = self.mine["username"]
        super().on_start()

    @task(8)
    def search_my_registry(self) -> None:
        self.search("coordinator")

    @task(8)
    def open_participant(self) -> None:
        self.client.get(f"/participants/{random.choice(self.mine['open'])}/", name="participant detail")

    @task(3)
    def arrears(self) -> None:
        self.client.get("/billing/arrears/", name="arrears list (coordinator)")

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(3)
    def record_payment(self) -> None:
        if not self.mine["payers"]:
            return
        participant = self.mine["payers"].pop()
        path = f"/billing/participants/{participant}/pay/"
        page = self.client.get(path, name="payment form")
        form = form_with(page.text, "amount")
        methods = [m for m in form.options.get("method", []) if m]
        if not methods or form.values.get("amount") in (None, "", "0"):
            return  # paid meanwhile (or no open bill): nothing to record
        form.values["method"] = form.values.get("method") or methods[0]
        form.values["reference"] = f"LOAD-{uuid.uuid4().hex[:12]}"
        save = "_save" if self.environment.parsed_options.payments == "save" else "_refresh"
        with self.client.post(
            path,
            data={**form.values, save: "1"},
            headers={"Referer": self.client.base_url + path},
            name="payment save" if save == "_save" else "payment price",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if save == "_save" and response.status_code != 302:
                response.failure(f"payment refused: {response.status_code}")

    @task(1)
    def export_list(self) -> None:
        self.export("coordinator")


class Administrator(Staff):
    weight = int(100 * ADMIN_SHARE)

    def on_start(self) -> None:
        self.username = FIXTURE["admin"]
        super().on_start()

    @task(6)
    def search_everyone(self) -> None:
        self.search("admin")

    @task(3)
    def arrears(self) -> None:
        self.client.get("/billing/arrears/", name="arrears list (admin)")

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard (admin)")

    @task(1)
    def export_list(self) -> None:
        self.export("admin")
