"""Run an import kind over every sheet of a file, in chunks: a preview counts and
samples, a commit writes. Both run the same checks, so what the preview promised is
what the commit does, or the commit fails."""

import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .base import ACTIONS, Action, ImportKind, Outcome, SourceRow
from .columns import HEADER_SEARCH_ROWS, find_header
from .reading import MAX_ROWS, FileProblem, Row, Sheet, SpreadsheetFile

CHUNK_ROWS = 1000  # a kind may ask for another size (its ``chunk_rows``)
SAMPLE_ROWS = 50
ERRORS_HEADER = ("sheet", "row", "column", "value", "message")

Progress = Callable[[int, int], None]


class CommitAborted(Exception):
    """A row failed at commit time: the transaction is rolled back, nothing is written."""


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    sheets: list[dict[str, Any]] = field(default_factory=list)
    error_messages: int = 0
    errors_csv: io.StringIO = field(default_factory=io.StringIO)

    def __post_init__(self) -> None:
        self._errors = csv.writer(self.errors_csv)
        self._errors.writerow([_("Sheet"), _("Row"), _("Column"), _("Value"), _("Message")])

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.action] += 1
        samples = self.samples[outcome.action]
        if outcome.action == Action.ERROR:
            for error in outcome.errors:
                self.error_messages += 1
                raw = outcome.row.cells.get(error.field)
                value = "" if raw is None else str(raw[0])
                self._errors.writerow([outcome.row.sheet, outcome.row.number, error.column, value, error.message])
                if len(samples) < SAMPLE_ROWS:
                    samples.append(
                        {"sheet": outcome.row.sheet, "row": outcome.row.number, "column": error.column}
                        | {"message": error.message, "key": outcome.key}
                    )
        elif len(samples) < SAMPLE_ROWS:
            where = {"sheet": outcome.row.sheet, "row": outcome.row.number, "key": outcome.key}
            samples.append(where | outcome.summary)

    def as_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "samples": self.samples,
            "sheets": self.sheets,
            "rows": self.rows,
            "error_messages": self.error_messages,
        }


def _source_rows(sheet: Sheet, kind: ImportKind, report: Report) -> Iterator[SourceRow]:
    head = list(itertools.islice(sheet.rows, HEADER_SEARCH_ROWS))
    header = find_header(head, kind.columns)
    if header is None or not header.columns:
        # A notes or lookup-list sheet: say so on the preview rather than refuse the workbook.
        report.sheets.append({"name": sheet.name, "rows": 0, "skipped": True})
        return
    missing = header.missing(kind.columns)
    if missing:
        raise FileProblem(
            _("Sheet “%(sheet)s” lacks the columns %(missing)s. Columns found: %(found)s.")
            % {
                "sheet": sheet.name,
                "missing": ", ".join(str(spec.label) for spec in missing),
                "found": ", ".join(header.found) or "–",
            }
        )
    entry: dict[str, Any] = {"name": sheet.name, "rows": 0, "skipped": False}
    report.sheets.append(entry)
    rest = itertools.chain((r for r in head if r[0] > header.row_number), sheet.rows)
    for number, row in rest:
        entry["rows"] += 1
        yield SourceRow(sheet=sheet.name, number=number, cells=_cells(row, header.columns))


def _cells(row: Row, columns: dict[str, tuple[int, str]]) -> dict[str, tuple[Any, str]]:
    return {name: (row[index] if index < len(row) else "", label) for name, (index, label) in columns.items()}


def run_import(
    spreadsheet: SpreadsheetFile, kind: ImportKind, *, commit: bool = False, progress: Progress | None = None
) -> Report:
    """Check every row; with ``commit``, also write them chunk by chunk and stop at the
    first error (the caller's transaction then rolls everything back)."""
    report = Report()
    total = spreadsheet.row_estimate
    size = getattr(kind, "chunk_rows", CHUNK_ROWS)

    def chunks() -> Iterator[list[SourceRow]]:
        rows = (row for sheet in spreadsheet.sheets() for row in _source_rows(sheet, kind, report))
        while chunk := list(itertools.islice(rows, size)):
            yield chunk

    for chunk in chunks():
        if report.rows + len(chunk) > MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
            )
        outcomes = kind.check(chunk)
        for outcome in outcomes:
            report.add(outcome)
        if commit:
            failed = next((o for o in outcomes if o.action == Action.ERROR), None)
            if failed is not None:
                error = failed.errors[0]
                raise CommitAborted(
                    _("Nothing was imported: sheet “%(sheet)s”, row %(row)s, %(column)s: %(message)s")
                    % {
                        "sheet": failed.row.sheet,
                        "row": failed.row.number,
                        "column": error.column,
                        "message": error.message,
                    }
                )
            kind.write(outcomes)
        if progress is not None:
            progress(report.rows, max(total, report.rows))
    if not report.rows:
        raise FileProblem(_("The file has a header but no data rows."))
    return report
