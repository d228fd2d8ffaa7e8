"""Time issue 11's pages at scale: participant sign-in (ask for a code, enter it), the
participant's own record (pages and API) and the coordinators' verification queue,
beside the staff participant detail page as a baseline, in the same run.

    DATABASE_URL=... .venv/bin/python -m bench.selfservice [--runs 30] [--warmup 3] [--no-write]

Against the 1M-participant database from bench.generate. Nothing in it is changed: the
self-service tables (if the database predates them), the waiting registrations, codes
and sessions are created inside one transaction that is rolled back at the end
(PostgreSQL DDL is transactional). Requests go in-process through django.test.Client
with the real middleware and templates, DEBUG off. Results replace the self-service
section of BENCHMARKS.md.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .django_setup import setup
from .pages import Result, Scenario

BUDGET_MS = 150.0
PENDING_ROWS = 5000  # waiting registrations installation-wide
MINE = 150  # of which routed to the measured coordinator


@dataclass
class Timed:
    label: str
    user: str
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 200

    def pct(self, p: float) -> float:
        return Result(Scenario("", "", "", ""), 200, times_ms=self.times_ms).pct(p)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


class Rollback(Exception):
    pass


def ensure_tables() -> None:
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("selfservice").get_models():
            if model._meta.db_table not in existing:
                editor.create_model(model)


def subjects() -> dict[str, Any]:
    from lindung.accounts.models import User
    from lindung.participants.models import Participant

    participant = (
        Participant.objects.filter(status="active", coordinator__isnull=False)
        .exclude(phone="")
        .select_related("coordinator")
        .order_by("pk")[1000]
    )
    coordinator = participant.coordinator
    assert coordinator is not None
    User.objects.filter(pk=coordinator.pk).update(district_id=participant.district_id)  # rolled back
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    return {"participant": participant, "coordinator": coordinator, "admin": admin}


def waiting_registrations(found: dict[str, Any]) -> int:
    """PENDING_ROWS waiting registrations, MINE of them the coordinator's; every tenth
    shares name and birth date with a registered participant (a likely duplicate)."""
    from lindung.accounts.models import Role, User
    from lindung.participants.models import Participant
    from lindung.selfservice.models import SelfRegistration

    others = list(User.objects.filter(role=Role.COORDINATOR).values_list("pk", flat=True)[:200])
    people = list(
        Participant.objects.order_by("pk").values("name_key", "full_name", "birth_date", "village_id")[:PENDING_ROWS]
    )
    rows = []
    for i, person in enumerate(people):
        twin = i % 10 == 0
        rows.append(
            SelfRegistration(
                nik=f"3201{i:012d}",
                full_name=person["full_name"] if twin else f"Pendaftar Mandiri {i}",
                name_key=person["name_key"] if twin else f"pendaftar mandiri {i}",
                birth_place="Bengkalis",
                birth_date=person["birth_date"],
                sex="F",
                address="Jl. Bench",
                village_id=person["village_id"],
                phone="+6281300000000",
                occupation="Nelayan",
                declared_income=1_500_000,
                programs=["jkk", "jkm"],
                ktp_photo="selfregistrations/bench.jpg",
                coordinator_id=found["coordinator"].pk if i < MINE else others[i % len(others)],
            )
        )
    SelfRegistration.objects.bulk_create(rows, batch_size=1000)
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh rows: give the planner its statistics
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SelfRegistration._meta.db_table}")
    return (
        SelfRegistration.objects.filter(coordinator=found["coordinator"]).order_by("pk").values_list("pk", flat=True)[0]
    )


def timed(
    label: str, user: str, runs: int, warmup: int, call: Callable[[], Any], before: Callable[[], Any] | None = None
) -> Timed:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Timed(label, user)
    for i in range(warmup + runs):
        if before is not None:
            before()
        started = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in (200, 302):
            result.status = response.status_code
            return result
        if i >= warmup:
            result.times_ms.append(elapsed)
    if before is not None:
        before()
    with CaptureQueriesContext(connection) as ctx:
        call()
    result.queries = len(ctx.captured_queries)
    return result


def run(runs: int, warmup: int) -> tuple[list[Timed], dict[str, Any]]:
    from django.test import Client

    from lindung.participants.models import Participant
    from lindung.selfservice import signin
    from lindung.selfservice.models import SignInCode
    from lindung.selfservice.signin import session_open

    found = subjects()
    first_mine = waiting_registrations(found)
    participant = found["participant"]
    ask = {"nik": participant.nik, "birth_date": participant.birth_date.isoformat()}
    known_hash = signin._hash("246810", "code")

    worker = Client(raise_request_exception=False)
    results: list[Timed] = []
    results.append(
        timed("ask for a code (NIK + birth date)", "anonymous", runs, warmup, lambda: worker.post("/saya/masuk/", ask))
    )

    def fresh_code() -> None:
        worker.cookies.pop("lindung_participant", None)  # signed in by the previous run: sign in again
        worker.post("/saya/masuk/", ask)
        SignInCode.objects.filter(participant=participant, used_at__isnull=True).update(code_hash=known_hash)

    results.append(
        timed("enter the code (opens the session)", "anonymous", runs, warmup,
              lambda: worker.post("/saya/masuk/kode/", {"code": "246810"}), before=fresh_code)
    )  # fmt: skip
    signed = Client(raise_request_exception=False)
    signed.cookies["lindung_participant"] = session_open(participant=participant, kind="web").key
    for path, label in (
        ("/saya/", "own record: summary, what is owed"),
        ("/saya/tagihan/", "own record: bills and payments"),
        ("/saya/klaim/", "own record: claims"),
        ("/saya/pesan/", "own record: messages"),
        ("/saya/koreksi/", "own record: corrections"),
    ):
        results.append(timed(label, "participant", runs, warmup, lambda path=path: signed.get(path)))
    token = session_open(participant=participant, kind="api").key
    results.append(
        timed("API GET /api/me/", "participant", runs, warmup,
              lambda: signed.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {token}"))
    )  # fmt: skip
    staff = Client(raise_request_exception=False)
    staff.force_login(found["coordinator"])
    admin = Client(raise_request_exception=False)
    admin.force_login(found["admin"])
    results.append(
        timed("verification queue", "coordinator", runs, warmup, lambda: staff.get("/selfservice/registrations/"))
    )
    results.append(
        timed(
            "verification queue (everyone's, oldest 50)",
            "admin",
            runs,
            warmup,
            lambda: admin.get("/selfservice/registrations/"),
        )
    )
    results.append(
        timed("a registration beside its likely duplicates", "coordinator", runs, warmup,
              lambda: staff.get(f"/selfservice/registrations/{first_mine}/"))
    )  # fmt: skip
    results.append(
        timed("baseline: staff participant detail page", "coordinator", runs, warmup,
              lambda: staff.get(f"/participants/{participant.pk}/"))
    )  # fmt: skip
    info = {
        "participants": Participant.objects.count(),
        "bills": participant_bills(participant),
    }
    return results, info


def participant_bills(participant: Any) -> int:
    from lindung.billing.models import Bill

    return Bill.objects.filter(participant=participant).count()


def render(results: list[Timed], info: dict[str, Any], runs: int) -> str:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    baseline = next(r for r in results if r.label.startswith("baseline"))
    lines = [
        "## Self-service: participant sign-in, own record, verification queue (issue 11)",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} cores, Django "
        f"{django.get_version()}; {connection.vendor} {version}; {info['participants']:,} participants, "
        f"{PENDING_ROWS:,} waiting self-registrations ({MINE} routed to the measured coordinator, every tenth a "
        f"likely duplicate of a registered participant); the measured participant has {info['bills']} bills. "
        f"Load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())} at the end (shared machine).",
        "",
        f"Reproduce: `DATABASE_URL=... .venv/bin/python -m bench.selfservice --runs {runs}` (everything it "
        "creates is rolled back).",
        "",
        f"In-process requests through `django.test.Client` (real middleware and templates, DEBUG off), {runs} "
        f"timed runs after warm-up, wall time in ms. Budget: p95 under {BUDGET_MS:.0f} ms. The sign-in rows "
        "include the development provider's write of the message (a real provider adds its HTTP call). "
        "Ratio: p95 against the baseline's p95, same run.",
        "",
        "| what | who | p50 | p95 | mean | queries | × baseline p95 | budget |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if not r.times_ms:
            lines.append(f"| {r.label} | {r.user} | HTTP {r.status} | | | | | not measured |")
            continue
        verdict = "ok" if r.pct(95) < BUDGET_MS else "**over**"
        lines.append(
            f"| {r.label} | {r.user} | {r.pct(50):.1f} | {r.pct(95):.1f} | {statistics.fmean(r.times_ms):.1f} | "
            f"{r.queries} | {r.pct(95) / baseline.pct(95):.2f} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.conf import settings
    from django.db import transaction
    from django.test.utils import override_settings

    limits = {"CODES_PER_NIK": 10**6, "CODES_PER_ADDRESS": 10**6, "FAILURES_PER_NIK": 10**6}
    output: dict[str, Any] = {}
    with override_settings(LINDUNG_SELFSERVICE=limits, ALLOWED_HOSTS=["*"]):
        try:
            with transaction.atomic():
                ensure_tables()
                output["results"], output["info"] = run(args.runs, args.warmup)
                output["section"] = render(output["results"], output["info"], args.runs)
                raise Rollback
        except Rollback:
            pass
    print(output["section"])
    if not args.no_write:
        write_section(str(settings.BASE_DIR / "BENCHMARKS.md"), output["section"])
    return 0


START, END = "<!-- bench:selfservice:start -->", "<!-- bench:selfservice:end -->"


def write_section(path: str, section: str) -> None:
    """Replace only our marked section; other benchmarks own the rest of the file."""
    block = f"{START}\n{section}{END}\n"
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
