"""Writes to the region tree: the national import and the admin's district/village edits."""

import csv
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from . import cached
from .codes import SHAPES, level_of, parent_of, village_kind_ok
from .models import Level, Region
from .sql_dump import looks_like_sql, sql_rows

MAX_PROBLEMS_SHOWN = 20
NAME_MAX_LENGTH = Region._meta.get_field("name").max_length or 120
BATCH_SIZE = 2000
# Riau > Kabupaten Bengkalis with its 11 districts and 155 villages: the demo and test data.
BENGKALIS_CSV = Path(__file__).resolve().parent / "data" / "bengkalis.csv"


def _require_admin(actor: Any) -> None:
    """``actor=None`` means the system itself (a management command); users must be admins."""
    if actor is not None and not getattr(actor, "is_admin", False):
        raise PermissionDenied


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class RegionImportError(Exception):
    """The file was refused as a whole; nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__(self.summary())

    def summary(self) -> str:
        shown = self.problems[:MAX_PROBLEMS_SHOWN]
        head = _("The file was not imported: %(count)s problem(s) found. Nothing was changed.") % {
            "count": len(self.problems)
        }
        lines = [head, *(f"  {p}" for p in shown)]
        if len(self.problems) > len(shown):
            lines.append("  " + _("… and %(more)s more.") % {"more": len(self.problems) - len(shown)})
        return "\n".join(lines)


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    rows: int
    dry_run: bool
    seconds: float = 0.0
    counts: dict[Level, LevelCounts] = field(default_factory=lambda: {level: LevelCounts() for level in Level})

    @property
    def created(self) -> int:
        return sum(c.created for c in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.counts.values())


def _read_text(path: str | Path | None, file: IO[str] | IO[bytes] | None) -> str:
    if (path is None) == (file is None):
        raise TypeError("pass exactly one of path= or file=")
    raw: str | bytes = Path(path).read_bytes() if path is not None else file.read()  # type: ignore[union-attr]
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegionImportError([ImportProblem(line, _("the file is not UTF-8 text"))]) from exc


def _is_header(first_cell: str) -> bool:
    # A header names its columns (kode, code, "Kode Wilayah"...); a data row starts with digits.
    return not any(ch.isdigit() for ch in first_cell)


def _parse(text: str) -> tuple[dict[str, tuple[int, str]], list[ImportProblem], int]:
    """code -> (line, name) for every distinct row, plus the problems found and the row count.
    The file is `kode,nama` CSV, or an SQL dump of INSERT rows (sql_dump.py)."""
    if looks_like_sql(text):
        return _parse_rows(sql_rows(text), header=False)
    reader = csv.reader(io.StringIO(text, newline=""))
    return _parse_rows((reader.line_num, cells) for cells in reader)


def _parse_rows(
    source: Iterable[tuple[int, list[str]]], *, header: bool = True
) -> tuple[dict[str, tuple[int, str]], list[ImportProblem], int]:
    rows: dict[str, tuple[int, str]] = {}
    problems: list[ImportProblem] = []
    count = 0
    first = header
    for line, cells in source:
        if not cells or all(not c.strip() for c in cells):
            continue
        if first:
            first = False
            if _is_header(cells[0].strip()):
                continue
        count += 1
        if len(cells) < 2:
            problems.append(ImportProblem(line, _("expected two columns: kode,nama")))
            continue
        code, name = cells[0].strip(), " ".join(cells[1].split())
        if level_of(code) is None:
            message = _("bad code %(code)r (expected %(shapes)s)") % {"code": code, "shapes": SHAPES}
            problems.append(ImportProblem(line, message))
            continue
        if not name:
            problems.append(ImportProblem(line, _("empty name for code %(code)s") % {"code": code}))
            continue
        if len(name) > NAME_MAX_LENGTH:
            message = _("name longer than %(max)s characters for %(code)s") % {"max": NAME_MAX_LENGTH, "code": code}
            problems.append(ImportProblem(line, message))
            continue
        if code in rows:
            seen_line, seen_name = rows[code]
            if seen_name != name:
                problems.append(
                    ImportProblem(
                        line,
                        _("code %(code)s also on line %(other)s with a different name (%(a)r vs %(b)r)")
                        % {"code": code, "other": seen_line, "a": seen_name, "b": name},
                    )
                )
            continue
        rows[code] = (line, name)
    return rows, problems, count


def _missing_parents(rows: dict[str, tuple[int, str]], existing: dict[str, str]) -> list[ImportProblem]:
    problems = []
    for code, (line, _name) in rows.items():
        parent = parent_of(code)
        if parent is not None and parent not in rows and parent not in existing:
            problems.append(
                ImportProblem(
                    line,
                    _("parent %(parent)s of %(code)s is neither in the file nor in the database")
                    % {"parent": parent, "code": code},
                )
            )
    return problems


@transaction.atomic
def regions_import_csv(
    *,
    actor: Any = None,
    path: str | Path | None = None,
    file: IO[str] | IO[bytes] | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import (or update) regions from `kode,nama` CSV rows; all or nothing.

    Every row is validated before anything is written; on any problem RegionImportError
    lists them and the database is untouched. Rows whose name did not change are not
    written at all, so a re-run of the same file is a read-only pass. Regions absent from
    the file are left alone: an import never deletes (participants may point at them).
    """
    _require_admin(actor)
    started = time.perf_counter()
    rows, problems, count = _parse(_read_text(path, file))
    existing: dict[str, str] = dict(Region.objects.values_list("code", "name"))
    problems += _missing_parents(rows, existing)
    if problems:
        raise RegionImportError(problems)

    result = ImportResult(rows=count, dry_run=dry_run)
    to_create: dict[Level, list[Region]] = {level: [] for level in Level}
    to_update: dict[Level, list[Region]] = {level: [] for level in Level}
    for code, (_line, name) in rows.items():
        level = level_of(code)
        assert level is not None  # checked by _parse
        counts = result.counts[level]
        old = existing.get(code)
        if old == name:
            counts.unchanged += 1
            continue
        obj = Region(code=code, name=name, level=level, parent_id=parent_of(code))
        if old is None:
            counts.created += 1
            to_create[level].append(obj)
        else:
            counts.updated += 1
            to_update[level].append(obj)

    if not dry_run:
        # Level by level so every parent row exists before its children reference it.
        for level in Level:
            batch = to_create[level] + to_update[level]
            if batch:
                # An upsert rather than a plain insert: a row created meanwhile by someone
                # else is updated instead of failing the whole import.
                Region.objects.bulk_create(
                    batch,
                    batch_size=BATCH_SIZE,
                    update_conflicts=True,
                    unique_fields=["code"],
                    update_fields=["name"],
                )
        _write_history(to_update, actor)
        cached.forget()  # bulk writes send no signals
    result.seconds = time.perf_counter() - started
    return result


def _write_history(updated: dict[Level, list[Region]], actor: Any) -> None:
    """Renames only. Creations are not recorded row by row: for a first national load that
    would be 92,000 history rows (four fifths of the import's time) saying only "came from
    the official list"; a rename is the change someone may later need to trace."""
    objs = [obj for group in updated.values() for obj in group]
    if objs:
        Region.history.bulk_history_create(
            objs, batch_size=BATCH_SIZE, update=True, default_user=actor, default_change_reason=_("regions import")
        )


# --------------------------------------------------------------------------- admin edits


class RegionInUse(Exception):
    """A delete was refused; the message says why, for the admin."""


@transaction.atomic
def region_create(*, actor: Any, code: str, name: str) -> Region:
    """Add a district or village by hand (FR-06, FR-07); level and parent come from the code."""
    _require_admin(actor)
    code, name = code.strip(), " ".join(name.split())
    level = level_of(code)
    if level not in (Level.DISTRICT, Level.VILLAGE):
        raise ValidationError({"code": _("Enter a district code (NN.NN.NN) or a village code (NN.NN.NN.NNNN).")})
    if level == Level.VILLAGE and not village_kind_ok(code):
        raise ValidationError(
            {"code": _("A village code's last part starts with 1 (kelurahan) or 2 (desa), e.g. 14.03.01.2004.")}
        )
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    parent_code = parent_of(code)
    expected_parent = Level.REGENCY if level == Level.DISTRICT else Level.DISTRICT
    if not Region.objects.filter(code=parent_code, level=expected_parent).exists():
        raise ValidationError({"code": _("The parent region %(code)s does not exist.") % {"code": parent_code}})
    if Region.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A region with code %(code)s already exists.") % {"code": code}})
    region = Region(code=code, name=name, level=level, parent_id=parent_code)
    region._history_user = actor  # type: ignore[attr-defined]
    region.save(force_insert=True)
    return region


@transaction.atomic
def region_rename(*, actor: Any, region: Region, name: str) -> Region:
    """The code never changes after creation (participants' NIK-derived data relies on it)."""
    _require_admin(actor)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if name != region.name:
        region.name = name
        region._history_user = actor  # type: ignore[attr-defined]
        region.save(update_fields=["name"])
    return region


@transaction.atomic
def region_delete(*, actor: Any, region: Region) -> None:
    _require_admin(actor)
    children = region.children.count()
    if children:
        raise RegionInUse(
            _("%(region)s cannot be deleted: it has %(count)s sub-region(s). Delete those first.")
            % {"region": region, "count": children}
        )
    try:
        region._history_user = actor  # type: ignore[attr-defined]
        region.delete()
    except ProtectedError as exc:
        raise RegionInUse(
            _("%(region)s cannot be deleted: participants, community groups, contacts or user accounts refer to it.")
            % {"region": region}
        ) from exc
