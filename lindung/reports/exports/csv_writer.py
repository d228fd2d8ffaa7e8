"""CSV: UTF-8 with a BOM (so Excel picks the encoding), comma-separated, every text field
quoted. The NIK and phone stay text in the file; Excel still turns them into numbers when
it *opens* a CSV, which is why the Excel export exists (see xlsx_writer.py)."""

import csv
import io
from collections.abc import Iterable
from typing import Any, BinaryIO

from .spec import ExportColumn, ExportMeta, as_text

# A cell starting with one of these is a formula to a spreadsheet (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula. A phone number
    (+62…) or a negative number is left alone: as a formula it only yields itself."""
    if not text.startswith(FORMULA_STARTS):
        return text
    if text[0] in "+-" and text[1:].replace(".", "", 1).isdigit():
        return text
    return "'" + text


def cell(column: ExportColumn, row: Any) -> Any:
    value = column.value(row)
    if column.kind == "number" and isinstance(value, int | float):
        return value
    return defuse(as_text(value))


def write_csv(out: BinaryIO, *, columns: list[ExportColumn], rows: Iterable[Any], meta: ExportMeta) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow([str(c.label) for c in columns])
        for row in rows:
            writer.writerow([cell(c, row) for c in columns])
        text.flush()
    finally:
        text.detach()  # the caller owns ``out``
