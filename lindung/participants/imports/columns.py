"""Match a sheet's header row to an import kind's fields, whatever the language, case,
spacing or punctuation of the column names."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

from .reading import Row

# How far down a sheet a header may sit below a title ("DAFTAR PESERTA DESA ...").
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    label: "str | Promise"
    aliases: tuple[str, ...]
    required: bool = False


@dataclass
class HeaderMap:
    row_number: int
    # field -> (cell index, the header as written in the file)
    columns: dict[str, tuple[int, str]]
    found: list[str]

    def missing(self, specs: Sequence[ColumnSpec]) -> list[ColumnSpec]:
        return [spec for spec in specs if spec.required and spec.field not in self.columns]


def header_key(text: object) -> str:
    """'Tanggal  Lahir', 'tanggal_lahir' and 'TANGGAL-LAHIR' all become 'tanggallahir'."""
    return re.sub(r"[^0-9a-z]", "", str(text or "").casefold())


def match_header(row_number: int, row: Row, specs: Sequence[ColumnSpec]) -> HeaderMap:
    by_alias = {header_key(alias): spec.field for spec in specs for alias in (spec.field, *spec.aliases)}
    columns: dict[str, tuple[int, str]] = {}
    found = []
    for index, cell in enumerate(row):
        text = " ".join(str(cell or "").split())
        if not text:
            continue
        found.append(text)
        field = by_alias.get(header_key(text))
        if field and field not in columns:  # the first of two same-meaning columns wins
            columns[field] = (index, text)
    return HeaderMap(row_number=row_number, columns=columns, found=found)


def find_header(rows: list[tuple[int, Row]], specs: Sequence[ColumnSpec]) -> HeaderMap | None:
    """The first non-empty row is the header, unless it matches nothing and a later one
    among the first few does (a title line above the table)."""
    best: HeaderMap | None = None
    for row_number, row in rows[:HEADER_SEARCH_ROWS]:
        header = match_header(row_number, row, specs)
        if best is None:
            best = header
        if header.columns:
            return header
    return best
