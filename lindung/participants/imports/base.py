"""What the pipeline and an import kind exchange."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .columns import ColumnSpec


class Action:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


ACTIONS = (Action.NEW, Action.UPDATED, Action.UNCHANGED, Action.ERROR)


@dataclass
class SourceRow:
    sheet: str
    number: int
    # field -> (raw cell value, the column's header as written in the file)
    cells: dict[str, tuple[Any, str]]


@dataclass
class RowError:
    field: str
    column: str  # the header as written in the file
    message: str


@dataclass
class Outcome:
    row: SourceRow
    action: str = Action.NEW
    key: str = ""
    # What the preview shows for the row (JSON-safe).
    summary: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    # What the kind needs to write the row; never stored.
    payload: Any = None

    def fail(self, field: str, message: str) -> None:
        column = self.row.cells[field][1] if field in self.row.cells else ""
        if not column and field != "__all__":
            column = field
        self.errors.append(RowError(field, column, message))
        self.action = Action.ERROR


class ImportKind(Protocol):
    """One kind of import (participants, later payments). An instance lives for one run
    over one file, so it may remember what earlier rows held (duplicates in the file)."""

    columns: Sequence[ColumnSpec]

    def check(self, rows: list[SourceRow]) -> list[Outcome]:
        """Validate a chunk of rows; bulk lookups happen once per chunk."""
        ...

    def write(self, outcomes: list[Outcome]) -> None:
        """Write a chunk of valid rows (inside the commit's transaction)."""
        ...
