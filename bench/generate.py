"""Fill a database with a national-sized participant registry, fast.

    .venv/bin/python -m bench.generate --participants 1000000 [--coordinators 200] [--seed 1] [--reset]

PostgreSQL (DATABASE_URL) loads participants with COPY, with the secondary indexes built
once afterwards and foreign-key triggers off for the load (the generator only writes ids
it has just read, so there is nothing for them to catch). SQLite gets bulk_create in
batches, for small numbers. Generated rows get no simple_history rows: they are
bulk-loaded data, not edits anyone made.
"""

import argparse
import datetime
import random
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from .django_setup import setup

PASSWORD = "bench-password-2025"
ADMIN_USERNAME = "bench_admin"
COORD_PREFIX = "bench_coord_"
GROUPS_PER_COORDINATOR = 8

# The order of the COPY columns; checked against the model so a new column fails loudly.
FIELDS = (
    "created_at", "updated_at", "created_by_id", "nik", "family_card_number", "full_name", "name_key",
    "birth_place", "birth_date", "sex", "address", "village_id", "district_id", "phone", "email", "occupation",
    "category", "declared_income", "community_group_id", "coordinator_id", "registered_by_id",
    "registration_date", "membership_number", "status", "contact_consent", "consent_method", "consent_at",
    "possible_duplicate",
)  # fmt: skip
STATUSES = (("active", 80), ("submitted", 8), ("non_active", 6), ("exited", 3), ("draft", 2), ("deceased", 1))
CATEGORIES = (("informal", 70), ("wage_earner", 15), ("construction", 10), ("migrant", 5))
MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896", "881")
CONSENT_METHODS = ("paper_form", "verbal", "whatsapp", "self_service")
INCOMES = (1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--coordinators", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="delete every participant first")
    parser.add_argument(
        "--regions",
        choices=("full", "small"),
        default=None,
        help="synthetic tree size when the database has no villages (default: full, or small under 10,000 rows)",
    )
    return parser.parse_args(argv)


def _normalizer() -> Any:
    try:
        from lindung.participants.names import normalize_name
    except ImportError:  # the registry's own folding is the one searches use; this is a fallback

        def normalize_name(name: str) -> str:
            return " ".join(name.split()).casefold()

    return normalize_name


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# --- regions -------------------------------------------------------------------------


def ensure_regions(size_name: str, seed: int) -> list[tuple[str, str]]:
    """(village code, district code) of every village, creating a synthetic tree if empty."""
    from lindung.regions.models import Region

    villages = list(Region.objects.filter(level=4).values_list("code", "parent_id"))
    if villages:
        print(f"regions: using the {len(villages):,} villages already present")
        return villages
    from . import regions_synth

    size = regions_synth.FULL if size_name == "full" else regions_synth.SMALL
    started = time.perf_counter()
    nodes = list(regions_synth.tree(size, seed))
    if is_postgres():
        _copy(
            "regions_region",
            ("code", "name", "level", "parent_id"),
            ((n.code, n.name, n.level, n.parent) for n in nodes),
        )
    else:
        Region.objects.bulk_create(
            (Region(code=n.code, name=n.name, level=n.level, parent_id=n.parent) for n in nodes), batch_size=2000
        )
    print(f"regions: created {len(nodes):,} synthetic regions in {time.perf_counter() - started:.1f}s")
    return [(n.code, n.parent) for n in nodes if n.level == 4 and n.parent]


# --- users and groups ----------------------------------------------------------------


def ensure_users(n_coordinators: int, villages: list[tuple[str, str]], rng: random.Random) -> tuple[Any, list[Any]]:
    from django.contrib.auth.hashers import make_password

    from lindung.accounts.models import Role, User

    password_hash = make_password(PASSWORD)  # hashed once: Argon2 is slow on purpose
    admin, _ = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"role": Role.ADMIN, "is_staff": True, "is_superuser": True, "password": password_hash},
    )
    districts = sorted({district for _, district in villages})
    existing = set(User.objects.filter(username__startswith=COORD_PREFIX).values_list("username", flat=True))
    new = []
    for i in range(1, n_coordinators + 1):
        username = f"{COORD_PREFIX}{i:03d}"
        if username not in existing:
            first, last = rng.choice(("Andi", "Sri", "Budi", "Dewi", "Yusuf", "Rina")), rng.choice(("Lubis", "Wijaya"))
            new.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=f"{last} {i:03d}",
                    role=Role.COORDINATOR,
                    password=password_hash,
                    district_id=rng.choice(districts),
                )
            )
    User.objects.bulk_create(new, batch_size=500)
    wanted = [f"{COORD_PREFIX}{i:03d}" for i in range(1, n_coordinators + 1)]
    coordinators = list(User.objects.filter(username__in=wanted).order_by("username"))
    if admin.district_id is None and coordinators:
        # A home district narrows the admin's district filter at national scale (see
        # participants.forms.district_choices); the first coordinator's area has people in it.
        admin.district_id = coordinators[0].district_id
        admin.save(update_fields=["district"])
    print(f"users: {ADMIN_USERNAME} + {len(coordinators)} coordinators ({len(new)} new)")
    return admin, coordinators


def ensure_groups(
    coordinators: list[Any], villages_by_regency: dict[str, list[tuple[str, str]]], rng: random.Random
) -> dict[int, list[tuple[int, str]]]:
    """A few community groups per coordinator in their regency: coordinator id -> [(group id, village)]."""
    from lindung.communities.models import CommunityGroup, GroupType

    from .names import PLACE_HEAD, PLACE_TAIL

    if not CommunityGroup.objects.filter(coordinator__in=coordinators).exists():
        groups, seen = [], set()
        for coordinator in coordinators:
            own = villages_by_regency[coordinator.district_id[:5]]
            for _ in range(GROUPS_PER_COORDINATOR):
                village = rng.choice(own)[0]
                kind = rng.choice(GroupType.values)
                name = f"Kelompok {rng.choice(PLACE_HEAD)}{rng.choice(PLACE_TAIL)} {rng.randint(1, 99)}"
                if (village, name) in seen:
                    continue
                seen.add((village, name))
                groups.append(
                    CommunityGroup(
                        name=name, group_type=kind, village_id=village, coordinator=coordinator, leader_name="-"
                    )
                )
        CommunityGroup.objects.bulk_create(groups, batch_size=1000)
    by_coordinator: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, coordinator_id, village in CommunityGroup.objects.filter(coordinator__in=coordinators).values_list(
        "pk", "coordinator_id", "village_id"
    ):
        by_coordinator[coordinator_id].append((pk, village))
    print(f"groups: {sum(len(v) for v in by_coordinator.values()):,} community groups")
    return by_coordinator


# --- participants --------------------------------------------------------------------


def participant_rows(
    n: int,
    *,
    admin_id: int,
    coordinators: list[Any],
    villages: list[tuple[str, str]],
    groups: dict[int, list[tuple[int, str]]],
    rng: random.Random,
    today: datetime.date,
) -> Iterator[tuple[Any, ...]]:
    """Tuples in FIELDS order. NIKs are valid and unique: district of residence, birth date
    (+40 on the day for women), and a serial counted per (district, date) prefix."""
    from .names import FEMALE_FIRST, LAST, MALE_FIRST, MIDDLE, OCCUPATIONS, PLACE_HEAD, PLACE_TAIL, STREETS

    normalize_name = _normalizer()
    villages_by_regency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for village in villages:
        villages_by_regency[village[0][:5]].append(village)
    # Coordinator workloads are uneven (log-normal), as in the field.
    weights = [rng.lognormvariate(0, 0.8) for _ in coordinators]
    coordinator_picks = rng.choices(range(len(coordinators)), weights=weights, k=n)
    last_weights = [1 / (i + 1) ** 0.8 for i in range(len(LAST))]
    last_names = rng.choices(LAST, weights=last_weights, k=n)
    statuses = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES], k=n)
    categories = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES], k=n)
    serials: dict[str, int] = defaultdict(int)
    membership = 20_000_000_000
    places = [h + t for h in PLACE_HEAD for t in PLACE_TAIL]
    utc = datetime.UTC
    for i in range(n):
        coordinator = coordinators[coordinator_picks[i]]
        unassigned = i % 100 == 99  # a few rows nobody has been given yet (registered by the admin)
        own_groups = groups.get(coordinator.pk, [])
        if own_groups and rng.random() < 0.6:
            group_id, village_code = rng.choice(own_groups)
        else:
            group_id = None
            village_code = rng.choice(villages_by_regency[coordinator.district_id[:5]])[0]
        district_code = village_code[:8]
        female = rng.random() < 0.5
        first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
        parts = [first]
        if rng.random() < 0.3:
            parts.append(rng.choice(MIDDLE))
        if rng.random() < 0.9:  # many Indonesians have a single name
            parts.append(last_names[i])
        full_name = " ".join(parts)
        registration_date = today - datetime.timedelta(days=rng.randrange(3 * 365))
        birth_date = registration_date - datetime.timedelta(days=rng.randrange(18 * 365, 60 * 365))
        day = birth_date.day + (40 if female else 0)
        prefix = f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}"
        serials[prefix] += 1
        nik = f"{prefix}{serials[prefix]:04d}"
        created_at = datetime.datetime.combine(registration_date, datetime.time(1), utc) + datetime.timedelta(
            seconds=rng.randrange(9 * 3600)
        )
        status = statuses[i]
        member = None
        if status not in ("draft", "submitted"):
            membership += 1
            member = str(membership)
        phone = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7, 10**8)}" if rng.random() < 0.85 else ""
        consent = bool(phone) and rng.random() < 0.7
        yield (
            created_at,
            created_at,
            None,
            nik,
            f"{district_code.replace('.', '')}{rng.randrange(10**10):010d}" if rng.random() < 0.7 else "",
            full_name,
            normalize_name(full_name),
            rng.choice(places),
            birth_date,
            "F" if female else "M",
            f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}, RT {rng.randint(1, 15):03d}/RW {rng.randint(1, 9):03d}",
            village_code,
            district_code,
            phone,
            "",
            rng.choice(OCCUPATIONS),
            categories[i],
            rng.choice(INCOMES),
            group_id,
            None if unassigned else coordinator.pk,
            admin_id if unassigned else coordinator.pk,
            registration_date,
            member,
            status,
            consent,
            rng.choice(CONSENT_METHODS) if consent else "",
            created_at if consent else None,
            False,
        )


def _copy_value(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _copy(table: str, columns: Sequence[str], rows: Iterator[tuple[Any, ...]], chunk: int = 20_000) -> int:
    """COPY rows in text format. Our generated values hold no tabs, newlines or backslashes."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            lines: list[str] = []
            for row in rows:
                lines.append("\t".join(map(_copy_value, row)))
                if len(lines) >= chunk:
                    copy.write("\n".join(lines) + "\n")
                    count += len(lines)
                    lines.clear()
            if lines:
                copy.write("\n".join(lines) + "\n")
                count += len(lines)
    return count


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """Indexes that no constraint owns: safe to drop and rebuild around a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = %s AND i.schemaname = current_schema()
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [table],
        )
        return list(cursor.fetchall())


def load_postgres(rows: Iterator[tuple[Any, ...]], n: int) -> int:
    from django.db import connection, transaction

    table = "participants_participant"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")  # no per-row FK triggers
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        indexes = _secondary_indexes(table) if n >= 50_000 else []
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        started = time.perf_counter()
        count = _copy(table, FIELDS, _progress(rows, n))
        print(f"participants: COPY of {count:,} rows took {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        if indexes:
            print(f"participants: rebuilt {len(indexes)} indexes in {time.perf_counter() - started:.1f}s")
    return count


def load_sqlite(rows: Iterator[tuple[Any, ...]], n: int, batch: int = 2_000) -> int:
    from lindung.participants.models import Participant

    count = 0
    buffer: list[Participant] = []
    for row in _progress(rows, n):
        buffer.append(Participant(**dict(zip(FIELDS, row, strict=True))))
        if len(buffer) >= batch:
            Participant.objects.bulk_create(buffer)
            count += len(buffer)
            buffer.clear()
    Participant.objects.bulk_create(buffer)
    return count + len(buffer)


def _progress(rows: Iterator[tuple[Any, ...]], n: int) -> Iterator[tuple[Any, ...]]:
    step = max(n // 10, 1)
    started = time.perf_counter()
    for i, row in enumerate(rows, 1):
        yield row
        if i % step == 0 and n >= 50_000:
            print(f"  {i:>10,} rows  {time.perf_counter() - started:6.1f}s", flush=True)


def check_fields() -> None:
    from lindung.participants.models import Participant

    model = {f.attname for f in Participant._meta.concrete_fields} - {"id"}
    if model != set(FIELDS):
        sys.exit(f"Participant columns changed; update bench.generate.FIELDS: {sorted(model ^ set(FIELDS))}")


def reset_participants() -> None:
    from django.db import connection

    from lindung.participants.models import Participant

    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE participants_participant RESTART IDENTITY CASCADE")
    else:
        Participant.objects.all().delete()
    print("participants: reset")


def analyze() -> None:
    """VACUUM as well on PostgreSQL: a fresh COPY leaves the visibility map empty, so
    index-only scans (counts, sorted pages) would read the heap until autovacuum ran."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if is_postgres() else "ANALYZE")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup()
    from lindung.participants.models import Participant

    check_fields()
    rng = random.Random(args.seed)
    if args.reset:
        reset_participants()
    size = args.regions or ("full" if args.participants >= 10_000 else "small")
    villages = ensure_regions(size, args.seed)
    villages_by_regency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for village in villages:
        villages_by_regency[village[0][:5]].append(village)
    admin, coordinators = ensure_users(args.coordinators, villages, rng)
    groups = ensure_groups(coordinators, villages_by_regency, rng)
    existing = Participant.objects.count()
    if existing >= args.participants:
        print(f"participants: {existing:,} already present, nothing to add (use --reset to regenerate)")
        return 0
    if existing:
        sys.exit(f"{existing:,} participants exist but fewer than asked; run again with --reset")
    started = time.perf_counter()
    rows = participant_rows(
        args.participants,
        admin_id=admin.pk,
        coordinators=coordinators,
        villages=villages,
        groups=groups,
        rng=rng,
        today=datetime.date.today(),
    )
    count = load_postgres(rows, args.participants) if is_postgres() else load_sqlite(rows, args.participants)
    analyze()
    # COPY bypasses the services that keep the dashboards' summary tables: recount them.
    from lindung.tallies.rebuild import rebuild_tallies

    print(f"tallies: {rebuild_tallies()}")
    elapsed = time.perf_counter() - started
    print(f"participants: {count:,} loaded in {elapsed:.1f}s ({count / max(elapsed, 1e-9):,.0f} rows/s)")
    print(f"sign in as {ADMIN_USERNAME} or {COORD_PREFIX}001..{args.coordinators:03d}, password: {PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
