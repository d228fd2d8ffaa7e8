# ruff: noqa: S608 - identifiers come from model metadata and module constants; values are parameters.
"""The monthly bill run, set-based: a chunk of participants is billed by a few INSERT ...
SELECT statements instead of one model object per bill and per line.

The rules are bills_ensure's (one participant at a time, the tests' oracle):

* who: active participants registered by the end of the month with no bill for it;
* what: the calculator's lines for the participant's category, declared income, the
  programs in force on the month's first day (the category's mandatory ones without
  program rows) and JKK risk tier. The calculator runs in Python once per distinct
  combination of those (a handful for a million people); SQL only joins each
  participant to their combination's figures, so the rules stay in one place;
* rerun safety: NOT EXISTS plus ON CONFLICT DO NOTHING on (participant, month), so a bill
  issued meanwhile (an activation, a prepayment) is kept and nobody is billed twice;
* events: one ``bills.generated`` per chunk, in the chunk's transaction, as before.

The combinations sit in two temporary tables for the run; each chunk first writes who
gets which combination (``bill_run_member``), and both the bills and their lines are
read from that one row, so a participant edited between two statements cannot get a
bill from one income and lines from another.
"""

import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from lindung.billing.models import Bill, BillLine
from lindung.contributions.calculator import Calculation, add_months, contribution_calculate, due_date
from lindung.contributions.models import PROGRAM_ORDER, ParticipantProgram
from lindung.contributions.selectors import RuleBook
from lindung.participants.models import Participant, Status

BILLED_STATUSES = (Status.ACTIVE,)
STATUS_SQL = ", ".join(f"%(status{i})s" for i in range(len(BILLED_STATUSES)))

# A participant's programs in force, as one number: bit i is PROGRAM_ORDER[i]. Without
# any program row in force the mandatory programs are assumed (NO_ROWS).
NO_ROWS = -1
NO_TIER = 0

PARTICIPANTS = Participant._meta.db_table
PROGRAMS = ParticipantProgram._meta.db_table
BILLS = Bill._meta.db_table
LINES = BillLine._meta.db_table
COMBOS = "bill_run_combo"
COMBO_LINES = "bill_run_combo_line"
MEMBERS = "bill_run_member"

TEMP_TABLES = {
    COMBOS: "combo integer PRIMARY KEY, category varchar(20) NOT NULL, income bigint NOT NULL, mask bigint NOT NULL, "
    "tier integer NOT NULL, income_basis bigint NOT NULL, amount bigint NOT NULL, employer_amount bigint NOT NULL, "
    "worker_amount bigint NOT NULL, due_date date NOT NULL",
    COMBO_LINES: "combo integer NOT NULL, position integer NOT NULL, program varchar(5) NOT NULL, "
    "basis bigint NOT NULL, "
    "rate numeric(7, 4), flat_amount bigint, employer_share bigint NOT NULL, worker_share bigint NOT NULL, "
    "amount bigint NOT NULL, legal_basis varchar(200) NOT NULL",
    MEMBERS: "participant_id bigint PRIMARY KEY, combo integer NOT NULL",
}

Key = tuple[str, int | None, int, int]  # category, declared income, program mask, risk tier
CHUNK = 10_000


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def programs_of(mask: int, category: str, book: RuleBook) -> list[str]:
    if mask == NO_ROWS:
        return book.mandatory_programs(category)
    return [program for bit, program in enumerate(PROGRAM_ORDER) if mask & (1 << bit)]


# --- SQL pieces ----------------------------------------------------------------------


def among(column: str, param: str = "%(ids)s") -> str:
    """``column`` is one of a list of ids given as one parameter (see ``id_list``): one
    bound value however long the chunk, on both databases."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY({param}::bigint[])"
    return f"{column} IN (SELECT value FROM json_each({param}))"


def id_list(ids: Sequence[int]) -> Any:
    if connection.vendor == "postgresql":
        # An array literal, cast in the SQL: psycopg's own list adaptation took 60 ms
        # for 10,000 ids, a tenth of a chunk's time, five times a chunk.
        return "{" + ",".join(str(int(pk)) for pk in ids) + "}"
    return json.dumps(list(ids))


def _enrolment(chunked: bool) -> str:
    """Per participant with program rows in force on the month's first day: the programs
    as a mask and the risk tier of the first such row (in the model's order: program,
    since) that has one, as participant_programs_on picks it."""
    # Program values are the model's own choice constants, not input.
    bits = " ".join(f"WHEN '{program}' THEN {1 << bit}" for bit, program in enumerate(PROGRAM_ORDER))
    current = "{t}.since <= %(month)s AND ({t}.until IS NULL OR {t}.until >= %(month)s)"
    only = f"AND {among('pp.participant_id')}" if chunked else ""
    return f"""
        SELECT pp.participant_id,
               SUM(DISTINCT CASE pp.program {bits} ELSE 0 END) AS mask,
               (SELECT t.risk_tier FROM {PROGRAMS} t
                 WHERE t.participant_id = pp.participant_id AND {current.format(t="t")} AND t.risk_tier > 0
                 ORDER BY t.program, t.since, t.id LIMIT 1) AS tier
          FROM {PROGRAMS} pp
         WHERE {current.format(t="pp")} {only}
         GROUP BY pp.participant_id"""


def _key_columns() -> str:
    return f"p.category, p.declared_income, COALESCE(e.mask, {NO_ROWS}), COALESCE(e.tier, {NO_TIER})"


def _params(month: datetime.date, ids: Sequence[int] | None = None) -> dict[str, Any]:
    ops = connection.ops
    params: dict[str, Any] = {
        "month": ops.adapt_datefield_value(month),
        "month_end": ops.adapt_datefield_value(month_end(month)),
    }
    params.update({f"status{i}": status for i, status in enumerate(BILLED_STATUSES)})
    if ids is not None:
        params["ids"] = id_list(ids)
    return params


def _fetch(sql: str, params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _execute(sql: str, params: Any = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


# --- the run's steps -----------------------------------------------------------------


@dataclass
class Census:
    """Who the run is about, from one pass over the registry: how many already have the
    month's bill, and the others' ids (ascending) by combination."""

    billed: int = 0
    by_key: dict[Key, list[int]] = field(default_factory=dict)

    def ids(self, keys: Iterable[Key]) -> list[int]:
        return sorted(pk for key in keys for pk in self.by_key.get(key, ()))


def census(month: datetime.date, only: Sequence[int] | None) -> Census:
    only_sql = f"AND {among('p.id')}" if only is not None else ""
    sql = f"""
        SELECT p.id, {_key_columns()},
               CASE WHEN EXISTS (SELECT 1 FROM {BILLS} b WHERE b.participant_id = p.id AND b.month = %(month)s)
                    THEN 1 ELSE 0 END
          FROM {PARTICIPANTS} p
          LEFT JOIN ({_enrolment(chunked=only is not None)}) e ON e.participant_id = p.id
         WHERE p.status IN ({STATUS_SQL}) AND p.registration_date <= %(month_end)s {only_sql}
         ORDER BY p.id"""
    found = Census()
    # A server-side cursor on PostgreSQL: a million rows are read in batches.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, _params(month, only))
        while rows := cursor.fetchmany(10_000):
            for pk, category, income, mask, tier, billed in rows:
                if billed:
                    found.billed += 1
                else:
                    found.by_key.setdefault((category, income, int(mask), int(tier)), []).append(pk)
    return found


@dataclass
class Plan:
    """The run's combinations: the ones computed (numbered as in bill_run_combo) and the
    ones the calculator refused, with its messages."""

    computed: dict[Key, tuple[int, Calculation, datetime.date]]
    refused: dict[Key, str]


def plan(keys: Sequence[Key], month: datetime.date, book: RuleBook) -> Plan:
    computed: dict[Key, tuple[int, Calculation, datetime.date]] = {}
    refused: dict[Key, str] = {}
    due: dict[str, datetime.date] = {}
    for key in sorted(keys, key=lambda k: (k[0], k[1] or 0, k[2], k[3])):
        category, income, mask, tier = key
        try:
            if income is None:
                raise ValidationError("no declared income")
            calc = contribution_calculate(
                category=category,
                income=int(income),
                programs=programs_of(mask, category, book),
                month=month,
                risk_tier=tier or None,
                book=book,
            )
        except ValidationError as exc:
            refused[key] = "; ".join(exc.messages)
            continue
        if category not in due:
            due[category] = due_date(category, month)
        computed[key] = (len(computed) + 1, calc, due[category])
    return Plan(computed=computed, refused=refused)


@contextmanager
def run_tables(plan: Plan) -> Iterator[None]:
    """The run's temporary tables, filled with the computed combinations, dropped after."""
    for table, columns in TEMP_TABLES.items():
        _execute(f"DROP TABLE IF EXISTS {table}")
        _execute(f"CREATE TEMPORARY TABLE {table} ({columns})")
    try:
        _fill(plan)
        yield
    finally:
        for table in TEMP_TABLES:
            _execute(f"DROP TABLE IF EXISTS {table}")


def _fill(plan: Plan) -> None:
    combos, lines = [], []
    for (category, income, mask, tier), (number, calc, due) in plan.computed.items():
        combos.append(
            (number, category, income, mask, tier, calc.income, calc.total, calc.employer_total, calc.worker_total, due)
        )
        for position, line in enumerate(calc.lines):
            lines.append(
                (number, position, line.program, line.basis, line.rate, line.flat_amount, line.employer_share,
                 line.worker_share, line.amount, line.legal_basis[:200])
            )  # fmt: skip
    with connection.cursor() as cursor:
        if combos:
            cursor.executemany(f"INSERT INTO {COMBOS} VALUES ({', '.join(['%s'] * 10)})", combos)
        if lines:
            cursor.executemany(f"INSERT INTO {COMBO_LINES} VALUES ({', '.join(['%s'] * 10)})", lines)
        if connection.vendor == "postgresql":
            # Temporary tables get no statistics from autovacuum.
            cursor.execute(f"ANALYZE {COMBOS}, {COMBO_LINES}")


@dataclass(frozen=True, slots=True)
class IssuedBill:
    """A bill the run just created, as far as the ``bills.generated`` subscribers read it
    (the tallies: pk, participant and due date; the arrears: participant and due date).
    A plain record: building 10,000 model instances a chunk cost more than the bills'
    own INSERT."""

    pk: int
    participant_id: int
    month: datetime.date
    due_date: datetime.date


def bill_chunk(ids: Sequence[int], month: datetime.date) -> list[IssuedBill]:
    """Bill these participants (call inside a transaction): the bills created. Someone
    billed meanwhile is skipped, not doubled."""
    params = _params(month, ids)
    # TRUNCATE leaves no dead rows behind in PostgreSQL; SQLite has no TRUNCATE.
    _execute(f"TRUNCATE {MEMBERS}" if connection.vendor == "postgresql" else f"DELETE FROM {MEMBERS}")
    _execute(
        f"""INSERT INTO {MEMBERS} (participant_id, combo)
            SELECT p.id, c.combo
              FROM {PARTICIPANTS} p
              LEFT JOIN ({_enrolment(chunked=True)}) e ON e.participant_id = p.id
              JOIN {COMBOS} c ON c.category = p.category AND c.income = p.declared_income
                             AND c.mask = COALESCE(e.mask, {NO_ROWS}) AND c.tier = COALESCE(e.tier, {NO_TIER})
             WHERE p.status IN ({STATUS_SQL}) AND p.registration_date <= %(month_end)s
               AND {among("p.id")}""",
        params,
    )
    created = _fetch(
        f"""INSERT INTO {BILLS} (participant_id, month, category, income_basis, amount, employer_amount,
                                 worker_amount, paid_amount, due_date, created_at)
            SELECT m.participant_id, %(month)s, c.category, c.income_basis, c.amount, c.employer_amount,
                   c.worker_amount, 0, c.due_date, %(now)s
              FROM {MEMBERS} m JOIN {COMBOS} c ON c.combo = m.combo
             WHERE NOT EXISTS (SELECT 1 FROM {BILLS} b
                                WHERE b.participant_id = m.participant_id AND b.month = %(month)s)
             ORDER BY m.participant_id
                ON CONFLICT (participant_id, month) DO NOTHING
         RETURNING id, participant_id, due_date""",
        {**params, "now": connection.ops.adapt_datetimefield_value(timezone.now())},
    )
    if created:
        _execute(
            f"""INSERT INTO {LINES} (bill_id, program, basis, rate, flat_amount, employer_share, worker_share, amount,
                                     legal_basis)
                SELECT b.id, l.program, l.basis, l.rate, l.flat_amount, l.employer_share, l.worker_share, l.amount,
                       l.legal_basis
                  FROM {BILLS} b
                  JOIN {MEMBERS} m ON m.participant_id = b.participant_id
                  JOIN {COMBO_LINES} l ON l.combo = m.combo
                 WHERE {among("b.id", "%s")}
                 ORDER BY b.id, l.position""",
            [id_list([row[0] for row in created])],
        )
    return [IssuedBill(pk=row[0], participant_id=row[1], month=month, due_date=_date(row[2])) for row in created]


def _date(value: Any) -> datetime.date:
    # SQLite hands RETURNING's dates back as text.
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
