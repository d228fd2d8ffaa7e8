"""Fill the billing tables with a year of bills and payments for the whole registry, fast.

    .venv/bin/python -m bench.billing_generate [--first-month 2025-12] [--months 12] [--limit N] [--reset]

PostgreSQL only (run bench.generate first). Every participant is made billable (active,
informal, declared income known); what they were before is kept in the table
``bench_billing_participant_before`` so the registry's mix can be put back.

Amounts come from the contribution calculator, once per distinct (month, category, income,
programs) combination, exactly as bills.bills_generate computes them; due dates from
calculator.due_date. Payment pattern per participant: 75 % pay every month on time, 15 %
pay late in blocks of 1-3 months (sometimes short, leaving a bill partly paid), 10 % stop
paying at a random month, so arrears age from 1 to 12 months. Payments are allocated to the
oldest open bill first, as payment_record does; bills carry the paid amount and the day the
last allocation settled them.

Rows are written in the order production writes them: bills month by month (each month's
run in participant order), payments day by day with receipt numbers KW-YYYY-NNNNNN counted
per year without gaps. Everything is simulated in memory first (a few GB for a million
participants), then loaded with COPY ... FREEZE into the freshly truncated tables, with
their indexes and unique constraints built once at the end. Last, the arrears page's
table (billing.ParticipantArrears) is recounted, since COPY bypassed the services that keep it.
"""

import argparse
import datetime
import random
import sys
import time
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from .django_setup import setup

TABLES = ("billing_bill", "billing_billline", "billing_payment", "billing_paymentallocation")
BILL_COLUMNS = (
    "id", "participant_id", "month", "category", "income_basis", "amount", "employer_amount", "worker_amount",
    "paid_amount", "due_date", "settled_on", "created_at",
)  # fmt: skip
LINE_COLUMNS = (
    "bill_id", "program", "basis", "rate", "flat_amount", "employer_share", "worker_share", "amount", "legal_basis",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "id", "participant_id", "amount", "paid_on", "method_id", "collected_by_id", "collection_account_id", "reference",
    "prepaid_months", "receipt_number", "submission_key", "reversal_of_id", "note", "recorded_by_id", "recorded_at",
)  # fmt: skip
ALLOCATION_COLUMNS = ("payment_id", "bill_id", "amount")
# (name, is_cash, needs_reference, share of payments made by participants who have a coordinator)
METHODS = (
    ("Tunai ke koordinator", True, False, 50),
    ("Transfer bank", False, True, 25),
    ("Dompet digital", False, True, 17),
    ("Gerai pembayaran", False, True, 8),
)
PATTERNS = (("on_time", 75), ("late", 15), ("stopped", 10))
BILLABLE_INCOMES = (1_000_000, 1_500_000, 2_000_000, 3_000_000)
BACKUP_TABLE = "bench_billing_participant_before"
NULL = "\\N"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.billing_generate", description=__doc__.split("\n")[0])
    parser.add_argument("--first-month", default="2025-12", help="first contribution month, YYYY-MM")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--today", default=None, help="the day payments stop (default: today)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N participants by id")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--reset", action="store_true", help="empty the billing tables first")
    return parser.parse_args(argv)


def _month(text: str) -> datetime.date:
    year, month = text.split("-")[:2]
    return datetime.date(int(year), int(month), 1)


def _esc(value: Any) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# --- participants and rules ----------------------------------------------------------


def make_billable(cursor: Any) -> int:
    """Active informal workers with a declared income: who the monthly run bills. The
    previous values are saved once, so a rerun does not overwrite the original mix."""
    cursor.execute(f"SELECT to_regclass('{BACKUP_TABLE}') IS NOT NULL")
    if not cursor.fetchone()[0]:
        cursor.execute(
            f"CREATE TABLE {BACKUP_TABLE} AS SELECT id, status, category, declared_income, membership_number "
            "FROM participants_participant"
        )
    incomes = "ARRAY[" + ",".join(str(i) for i in BILLABLE_INCOMES) + "]::bigint[]"
    cursor.execute(
        f"""UPDATE participants_participant
               SET status = 'active', category = 'informal',
                   declared_income = CASE WHEN declared_income >= %s THEN declared_income
                                          ELSE ({incomes})[1 + id %% {len(BILLABLE_INCOMES)}] END,
                   membership_number = COALESCE(membership_number, '3' || lpad(id::text, 10, '0'))
             WHERE status <> 'active' OR category <> 'informal' OR declared_income IS NULL
                OR declared_income < %s""",
        [BILLABLE_INCOMES[0], BILLABLE_INCOMES[0]],
    )
    return int(cursor.rowcount)


class Templates:
    """COPY text of a bill's fixed columns and of its lines, per distinct combination: a
    million participants need as many calculations as there are (month, income, programs)."""

    def __init__(self, months: list[datetime.date]) -> None:
        from lindung.contributions.calculator import due_date
        from lindung.contributions.selectors import rules_in_force

        self.books = {m: rules_in_force(m) for m in months}
        self.due: dict[tuple[datetime.date, str], datetime.date] = {}
        self.index: dict[tuple[Any, ...], int] = {}
        self.bill_text: list[str] = []
        self.total: list[int] = []
        self.line_texts: list[list[str]] = []
        self.due_date = due_date

    def combo(self, month: datetime.date, category: str, income: int, programs: tuple[str, ...]) -> int:
        from lindung.contributions.calculator import contribution_calculate

        key = (month, category, income, programs)
        found = self.index.get(key)
        if found is not None:
            return found
        calc = contribution_calculate(
            category=category, income=income, programs=programs, month=month, book=self.books[month]
        )
        self.index[key] = len(self.total)
        self.total.append(calc.total)
        self.bill_text.append(f"{category}\t{calc.income}\t{calc.total}\t{calc.employer_total}\t{calc.worker_total}")
        self.line_texts.append(
            [
                "\t".join(
                    _esc(v)
                    for v in (
                        line.program, line.basis, line.rate, line.flat_amount, line.employer_share,
                        line.worker_share, line.amount, line.legal_basis[:200],
                    )
                )
                for line in calc.lines
            ]
        )  # fmt: skip
        return self.index[key]

    def due_on(self, month: datetime.date, category: str) -> datetime.date:
        if (month, category) not in self.due:
            self.due[(month, category)] = self.due_date(category, month)
        return self.due[(month, category)]


def load_participants(cursor: Any, limit: int | None) -> list[tuple[int, datetime.date, str, int | None, int | None]]:
    sql = (
        "SELECT id, registration_date, category, declared_income, coordinator_id FROM participants_participant "
        "WHERE status = 'active' ORDER BY id"
    )
    cursor.execute(sql + (f" LIMIT {int(limit)}" if limit else ""))
    return list(cursor.fetchall())


def program_rows(cursor: Any) -> dict[int, list[tuple[str, datetime.date, datetime.date | None]]]:
    """Explicit enrolments (rare); everyone else is in their category's mandatory programs."""
    rows: dict[int, list[tuple[str, datetime.date, datetime.date | None]]] = defaultdict(list)
    cursor.execute("SELECT participant_id, program, since, until FROM contributions_participantprogram")
    for pid, program, since, until in cursor.fetchall():
        rows[pid].append((program, since, until))
    return rows


def ensure_methods() -> list[tuple[int, bool, bool, int]]:
    from lindung.billing.models import PaymentMethod

    out = []
    for name, is_cash, needs_reference, share in METHODS:
        method, _ = PaymentMethod.objects.get_or_create(
            name=name, defaults={"is_cash": is_cash, "needs_reference": needs_reference}
        )
        out.append((method.pk, method.is_cash, method.needs_reference, share))
    return out


# --- simulation ----------------------------------------------------------------------


class Simulation:
    """Bills per month (COPY text without the id, ids given month by month) and payments
    per day (text without id and receipt, with their allocations)."""

    def __init__(self, months: list[datetime.date], today: datetime.date) -> None:
        self.months = months
        self.today = today
        self.bill_rows: list[list[str]] = [[] for _ in months]
        self.bill_combo: list[array[int]] = [array("I") for _ in months]
        # paid_on -> [(text up to the collection account, recorder, needs a reference, "bill:amount ...")]
        self.payments: dict[datetime.date, list[tuple[str, int, bool, str]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.skipped = 0


class Ledger:
    """One participant's open bills, paid oldest first as payment_record allocates."""

    def __init__(self, sim: Simulation, pid: int, coordinator: int | None, ids: list[str], owed: list[int]) -> None:
        self.sim, self.pid, self.coordinator, self.ids, self.outstanding = sim, pid, coordinator, ids, owed
        self.settled: list[datetime.date | None] = [None] * len(owed)
        self.head = 0  # the oldest bill not paid in full

    def pay(self, paid_on: datetime.date, amount: int, method: tuple[int, bool, bool, int], admin_id: int) -> None:
        outstanding, parts, remaining = self.outstanding, [], amount
        while remaining > 0:
            share = min(remaining, outstanding[self.head])
            outstanding[self.head] -= share
            remaining -= share
            parts.append(f"{self.ids[self.head]}:{share}")
            if outstanding[self.head] == 0:
                self.settled[self.head] = paid_on
                self.head += 1
        # Cash is collected (and recorded) by the participant's coordinator; the rest by the office.
        collector = self.coordinator if method[1] else None
        row = f"{self.pid}\t{amount}\t{paid_on}\t{method[0]}\t{collector or NULL}\t{NULL}"
        self.sim.payments[paid_on].append((row, collector or admin_id, method[2], " ".join(parts)))


def simulate(
    sim: Simulation,
    participants: list[tuple[int, datetime.date, str, int | None, int | None]],
    templates: Templates,
    programs: dict[int, list[tuple[str, datetime.date, datetime.date | None]]],
    methods: list[tuple[int, bool, bool, int]],
    admin_id: int,
    rng: random.Random,
) -> None:
    from django.core.exceptions import ValidationError

    months, today = sim.months, sim.today
    month_ends = [add_months(m, 1) - datetime.timedelta(days=1) for m in months]
    mandatory: dict[tuple[datetime.date, str], tuple[str, ...]] = {}
    non_cash = methods[1:]
    non_cash_weights = [m[3] for m in non_cash]
    all_weights = [m[3] for m in methods]
    patterns = [p for p, _ in PATTERNS]
    pattern_weights = [w for _, w in PATTERNS]
    for n, (pid, registered, category, income, coordinator) in enumerate(participants):
        # Which months are billed, and their combination (amount) and due date.
        billed: list[tuple[int, int, datetime.date]] = []  # (month index, combo, due)
        try:
            for i, month in enumerate(months):
                if registered > month_ends[i]:
                    continue
                own = programs.get(pid)
                if own:
                    chosen = tuple(sorted(p for p, since, until in own if since <= month and (until or month) >= month))
                else:
                    key = (month, category)
                    if key not in mandatory:
                        mandatory[key] = tuple(templates.books[month].mandatory_programs(category))
                    chosen = mandatory[key]
                combo = templates.combo(month, category, int(income or 0), chosen)
                billed.append((i, combo, templates.due_on(month, category)))
        except ValidationError:
            sim.skipped += 1  # bills_generate would list them as problems and bill nobody
            continue
        if not billed:
            continue
        # Bill ids are given month by month at load time: (month index, rank in the month) here.
        ids = []
        for i, _combo, _due in billed:
            ids.append(f"{i}:{len(sim.bill_rows[i])}")
        outstanding = [templates.total[combo] for _i, combo, _due in billed]
        ledger = Ledger(sim, pid, coordinator, ids, outstanding)
        pattern = rng.choices(patterns, pattern_weights)[0]
        sim.counts[pattern] += 1
        # Only a participant with a coordinator can hand over cash.
        choices, weights = (methods, all_weights) if coordinator else (non_cash, non_cash_weights)
        if pattern == "late":
            start, last_paid = 0, registered
            while start < len(billed):
                block = min(rng.randint(1, 3), len(billed) - start)
                # Never before their previous payment: allocation follows the order of payments.
                paid_on = max(billed[start + block - 1][2] + datetime.timedelta(days=rng.randint(20, 75)), last_paid)
                last_paid = paid_on
                if paid_on > today:
                    break  # not paid yet: the last months are in arrears
                amount = sum(outstanding[ledger.head : start + block])
                if rng.random() < 0.1:
                    amount -= outstanding[start + block - 1] // 2  # short: the last month stays partly paid
                ledger.pay(paid_on, amount, rng.choices(choices, weights)[0], admin_id)
                start += block
        else:
            # A stopper paid on time up to a month of their own and owes at least one.
            stop = rng.randrange(len(billed)) if pattern == "stopped" else len(billed)
            for k in range(stop):
                month = months[billed[k][0]]
                paid_on = max(month + datetime.timedelta(days=rng.randint(0, 13)), registered)
                ledger.pay(min(paid_on, today), outstanding[k], rng.choices(choices, weights)[0], admin_id)
        for k, (i, combo, due) in enumerate(billed):
            paid = templates.total[combo] - outstanding[k]
            day = ledger.settled[k]
            sim.bill_rows[i].append(
                f"{pid}\t{months[i]}\t{templates.bill_text[combo]}\t{paid}\t{due}\t{day or NULL}\t"
                f"{max(months[i], registered)} 00:30:00+00"
            )
            sim.bill_combo[i].append(combo)
        if n % 100_000 == 0 and n:
            print(f"  simulated {n:>10,} participants", flush=True)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- loading -------------------------------------------------------------------------


def _copy(cursor: Any, table: str, columns: Sequence[str], lines: Iterator[str], chunk: int = 50_000) -> int:
    count = 0
    buffer: list[str] = []
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FREEZE)") as copy:
        for line in lines:
            buffer.append(line)
            if len(buffer) >= chunk:
                copy.write("\n".join(buffer) + "\n")
                count += len(buffer)
                buffer.clear()
        if buffer:
            copy.write("\n".join(buffer) + "\n")
            count += len(buffer)
    return count


def bill_lines(sim: Simulation, base: list[int]) -> Iterator[str]:
    for i, rows in enumerate(sim.bill_rows):
        first = base[i]
        for k, row in enumerate(rows):
            yield f"{first + k}\t{row}"


def line_lines(sim: Simulation, base: list[int], templates: Templates) -> Iterator[str]:
    texts = templates.line_texts
    for i, combos in enumerate(sim.bill_combo):
        first = base[i]
        for k, combo in enumerate(combos):
            for text in texts[combo]:
                yield f"{first + k}\t{text}"


def payment_lines(sim: Simulation, base: list[int], receipts: dict[int, int], allocations: list[str]) -> Iterator[str]:
    """Payments in date order; ids, receipts, submission keys and references given here."""
    pk = 0
    for day in sorted(sim.payments):
        year = day.year
        for row, recorder, needs_reference, parts in sim.payments[day]:
            pk += 1
            receipts[year] = receipts.get(year, 0) + 1
            reference = f"TRX{day:%y%m%d}{pk:09d}" if needs_reference else ""
            yield (
                f"{pk}\t{row}\t{reference}\t0\tKW-{year}-{receipts[year]:06d}\tbench-{pk}\t{NULL}\t\t{recorder}\t"
                f"{day} 03:00:00+00"
            )
            for part in parts.split(" "):
                month, rank, amount = part.split(":")
                allocations.append(f"{pk}\t{base[int(month)] + int(rank)}\t{amount}")


def _indexes(cursor: Any, table: str) -> list[tuple[str, str, str]]:
    """(kind, name, definition) of every index and unique constraint but the primary key:
    dropped for the load and built once afterwards."""
    cursor.execute(
        """SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype = 'u'
           UNION ALL
           SELECT 'index', i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.tablename = %s AND i.schemaname = current_schema()
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
        [table, table],
    )
    return list(cursor.fetchall())


def _timed(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"{label}: {now - started:.1f}s", flush=True)
    return now


def _with_referrers(cursor: Any, tables: list[str]) -> list[str]:
    """The tables plus every table whose foreign keys point at them (the messaging outbox
    names bills, for one): TRUNCATE refuses to leave such rows dangling."""
    found = list(tables)
    while True:
        cursor.execute(
            "SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s) "
            "AND NOT c.conrelid::regclass::text = ANY(%s)",
            [found, found],
        )
        more = [row[0] for row in cursor.fetchall()]
        if not more:
            return found
        print(f"  also emptied (they refer to the billing tables): {', '.join(more)}")
        found += more


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from django.db import connection, transaction

    from lindung.accounts.models import User

    from .generate import ADMIN_USERNAME

    if connection.vendor != "postgresql":
        sys.exit("bench.billing_generate loads with COPY: point DATABASE_URL at PostgreSQL")
    first = _month(args.first_month)
    months = [add_months(first, i) for i in range(args.months)]
    today = datetime.date.fromisoformat(args.today) if args.today else datetime.date.today()
    rng = random.Random(args.seed)
    admin_id = User.objects.get(username=ADMIN_USERNAME).pk
    overall = started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg 3, for copy()
        cursor.execute("SELECT count(*) FROM billing_bill")
        if cursor.fetchone()[0] and not args.reset:
            sys.exit("billing tables hold bills already: add --reset to replace them")
        changed = make_billable(cursor)
        started = _timed(f"participants: {changed:,} made billable (active, informal, income known)", started)
        methods = ensure_methods()
        participants = load_participants(cursor, args.limit)
        programs = program_rows(cursor)
        started = _timed(f"participants: {len(participants):,} active read", started)

        templates = Templates(months)
        sim = Simulation(months, today)
        simulate(sim, participants, templates, programs, methods, admin_id, rng)
        del participants
        n_bills = sum(len(rows) for rows in sim.bill_rows)
        print(
            f"  {len(templates.total)} distinct amounts computed for {n_bills:,} bills; "
            f"patterns {dict(sim.counts)}; {sim.skipped} participants not billable"
        )
        started = _timed("simulation", started)

        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no per-row FK triggers
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # FREEZE needs the tables emptied in this transaction; it spares the later hint-bit rewrite.
        cursor.execute(f"TRUNCATE {', '.join(_with_referrers(cursor, [*TABLES, 'billing_receiptsequence']))}")
        dropped = {table: _indexes(cursor, table) for table in TABLES}
        for table, items in dropped.items():
            for kind, name, _definition in items:
                cursor.execute(
                    f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' if kind == "constraint" else f'DROP INDEX "{name}"'
                )
        base = [1]
        for rows in sim.bill_rows:
            base.append(base[-1] + len(rows))
        count = _copy(cursor, "billing_bill", BILL_COLUMNS, bill_lines(sim, base))
        started = _timed(f"COPY billing_bill: {count:,} rows", started)
        count = _copy(cursor, "billing_billline", LINE_COLUMNS, line_lines(sim, base, templates))
        started = _timed(f"COPY billing_billline: {count:,} rows", started)
        sim.bill_rows.clear()
        receipts: dict[int, int] = {}
        allocations: list[str] = []
        count = _copy(cursor, "billing_payment", PAYMENT_COLUMNS, payment_lines(sim, base, receipts, allocations))
        started = _timed(f"COPY billing_payment: {count:,} rows", started)
        sim.payments.clear()
        count = _copy(cursor, "billing_paymentallocation", ALLOCATION_COLUMNS, iter(allocations))
        started = _timed(f"COPY billing_paymentallocation: {count:,} rows", started)
        del allocations
        for year, last in receipts.items():
            cursor.execute("INSERT INTO billing_receiptsequence (year, last_number) VALUES (%s, %s)", [year, last])
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            )
        for table, items in dropped.items():
            for kind, name, definition in items:
                cursor.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' if kind == "constraint" else definition
                )
            started = _timed(f"indexes of {table} ({len(items)})", started)
    with connection.cursor() as cursor:
        for table in (*TABLES, "participants_participant"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    started = _timed("VACUUM ANALYZE", started)
    # COPY bypassed the services that keep the arrears page's table exact: recount it,
    # as the nightly job would (manage.py rebuild_arrears).
    from django.utils import timezone

    from lindung.billing.arrears.table import arrears_rebuild

    rebuild = arrears_rebuild(min(today, timezone.localdate()))
    started = _timed(f"arrears table: {rebuild.rows:,} late payers as of {rebuild.day}", started)
    print(f"total {time.perf_counter() - overall:.1f}s; receipts per year {receipts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
