"""Coordinators and administrators at work, through nginx, for `bench/load/run.sh`.

Each simulated person signs in (Argon2, as in production), then works with 1-3 s pauses:
coordinators search their registry for the most common given names, open participants,
record a payment (the form, then the save), register a participant (the real form, a
NIK that agrees with the birth date, sex and the coordinator's district), look at their
arrears and dashboard, export a filtered list; administrators search the whole registry,
look at the national arrears and dashboard, and export. One more person imports a
workbook of a few hundred new participants now and then through the import pages
(upload, preview as a Celery job, commit as another). Now and then someone signs out and
in again. Every request is named by its type, so locust's statistics are per type.

The fixture (who works on what) comes from `python -m bench.load.prepare`; the payments
carry a reference starting LOAD- and the new participants a name starting with
`bench.load.prepare.NAME_PREFIX`, so `python -m bench.load.cleanup` can take them back.
"""

import datetime
import io
import itertools
import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import xlsxwriter
from locust import HttpUser, between, constant, events, task

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "deploy" / "smoke")]
from forms import form_with, forms_of  # noqa: E402 - the smoke journey's form reader, not a package

from bench.imports import HEADER  # noqa: E402 - locust puts only bench/load on the path
from bench.load.prepare import IMPORT_ROWS, NAME_PREFIX  # noqa: E402

FIXTURE = json.loads(Path(os.environ.get("LOAD_FIXTURE", ROOT / "var/load/fixture.json")).read_text())
CA = os.environ.get("LOAD_CA", "")
ADMIN_SHARE = float(os.environ.get("LOAD_ADMIN_SHARE", "0.2"))
_accounts = itertools.count()
_people = itertools.count()
_lock = threading.Lock()
# NIK serials far above the generator's (counted from 0001 per district and birth date),
# a different hundred each run, so a run never meets an earlier one's NIKs.
_RUN = random.randrange(100)
BORN_FROM = datetime.date(1965, 1, 1)
DAYS = 14_000


def _next_account() -> int:
    with _lock:
        return next(_accounts)


def new_person(district: str, serial_base: int) -> tuple[str, datetime.date, bool]:
    """A valid NIK nobody holds: the district's six digits, a birth date (+40 on the day
    for women) and a serial; the n-th person of this run gets the n-th date."""
    with _lock:
        n = next(_people)
    born = BORN_FROM + datetime.timedelta(days=(n * 13) % DAYS)
    female = bool(n % 2)
    serial = serial_base + _RUN * 10 + n // DAYS
    day = born.day + (40 if female else 0)
    return f"{district.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}", born, female


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

    def post(self, path: str, values: dict[str, str], name: str, **kwargs: Any) -> Any:
        """A form's POST as the browser sends it (Referer for CSRF over HTTPS), for `with`."""
        headers = {"Referer": self.client.base_url + path}
        return self.client.post(
            path, data=values, headers=headers, name=name, allow_redirects=False, catch_response=True, **kwargs
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


class Desk(Staff):
    """Someone at the desk all day, who signs out and in again now and then."""

    abstract = True

    @task(1)
    def sign_out_and_in_again(self) -> None:
        self.sign_out_and_in()


class Coordinator(Desk):
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

    @task(2)
    def register(self) -> None:
        page = self.client.get("/participants/new/", name="registration form")
        form = form_with(page.text, "nik")
        villages = [v for v in form.options.get("village", []) if v]
        if not villages:
            return
        village = random.choice(villages)
        nik, born, female = new_person(village.rsplit(".", 1)[0], 8000)
        form.values.update(
            nik=nik,
            full_name=f"{NAME_PREFIX} {uuid.uuid4().hex[:8]}",
            birth_place="Pekanbaru",
            birth_date=born.isoformat(),
            sex="F" if female else "M",
            address="Jl. Uji Beban 1",
            village=village,
            phone=f"0812{random.randint(10_000_000, 99_999_999)}",
            category="informal",
            declared_income="2500000",
        )
        with self.post("/participants/new/", form.values, "registration save") as response:
            if response.status_code != 302:
                response.failure(f"registration refused: {response.status_code}")

    @task(1)
    def export_list(self) -> None:
        self.export("coordinator")


class Administrator(Desk):
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


class Importer(Staff):
    """One coordinator importing a workbook of new participants now and then: the upload,
    the preview job's progress polled as the page's htmx does, the commit, its progress."""

    fixed_count = 1
    wait_time = constant(20)

    def on_start(self) -> None:
        self.mine = FIXTURE["importer"]
        self.username = self.mine["username"]
        super().on_start()

    def workbook(self) -> bytes:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
        sheet = book.add_worksheet("Desa")
        sheet.write_row(0, 0, HEADER)
        for row in range(1, IMPORT_ROWS + 1):
            village = random.choice(self.mine["villages"])
            nik, born, female = new_person(village.rsplit(".", 1)[0], 9000)
            name = f"{NAME_PREFIX} Impor {row}"
            phone = f"0813{random.randint(10_000_000, 99_999_999)}"
            sex = "P" if female else "L"
            sheet.write_row(row, 0, [nik, name, "Dumai", born.strftime("%d/%m/%Y"), sex, "Jl. Impor 2", village, phone])
        book.close()
        return buffer.getvalue()

    def wait_for_job(self, path: str, name: str) -> bool:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            with self.client.get(path, headers={"HX-Request": "true"}, name=name, catch_response=True) as response:
                if response.status_code == 204:
                    return True  # done: the page asks htmx for a full reload
                if response.status_code != 200:
                    response.failure(f"{name}: {response.status_code}")
                    return False
            time.sleep(2)
        return False

    @task
    def import_workbook(self) -> None:
        page = self.client.get("/participants/import/", name="import page")
        form = next(f for f in forms_of(page.text) if f.action == "")
        upload = {"file": ("peserta-uji-beban.xlsx", self.workbook())}
        with self.post("/participants/import/", form.values, "import upload", files=upload) as response:
            if response.status_code != 302:
                response.failure(f"upload refused: {response.status_code}")
                return
            detail = response.headers["Location"]
        if not self.wait_for_job(detail, "import progress (poll)"):
            return
        with self.client.get(detail, name="import preview", catch_response=True) as preview:
            commit = next((f for f in forms_of(preview.text) if f.action.endswith("/commit/")), None)
            if commit is None:
                preview.failure("the preview offers no commit")
                return
        self.client.post(
            commit.action,
            data=commit.values,
            headers={"Referer": self.client.base_url + detail},
            name="import commit",
            allow_redirects=False,
        )
        if self.wait_for_job(detail, "import progress (poll)"):
            with self.client.get(detail, name="import result", catch_response=True) as result:
                if "message-success" not in result.text:
                    result.failure("the import did not succeed")
