"""Reading a small table (the medicine price list, a hospital bill) from CSV or Excel.
The kind is told from the content, not the file name: an .xlsx is a zip (PK...)."""

import csv
import io
import zipfile
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class Readable(Protocol):
    """An uploaded file or any binary stream."""

    def read(self, size: int = ..., /) -> bytes: ...


def _header(cells: list[object]) -> list[str]:
    return [str(cell or "").strip().lower().replace(" ", "_") for cell in cells]


def _csv_rows(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.split("\n", 1)[0]
    # Indonesian Excel writes CSV with semicolons (the comma is the decimal mark).
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(raw: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValidationError(_("This Excel file cannot be read: %(error)s") % {"error": error}) from error
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def read_table(upload: Readable, required: tuple[str, ...]) -> list[dict[str, object]]:
    """Rows as {column: value}, header names lower-cased; a clear error for a file that is
    too big, unreadable, empty or missing a column."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    if not raw.strip():
        raise ValidationError(_("The file is empty."))
    rows: list[list[object]] = _xlsx_rows(raw) if raw[:2] == b"PK" else list(_csv_rows(raw))  # type: ignore[arg-type]
    rows = [row for row in rows if any(str(cell or "").strip() for cell in row)]
    if len(rows) < 2:
        raise ValidationError(_("The file has a header but no rows."))
    if len(rows) > MAX_ROWS + 1:
        raise ValidationError(_("At most %(n)s rows at a time.") % {"n": MAX_ROWS})
    header = _header(rows[0])
    missing = [name for name in required if name not in header]
    if missing:
        raise ValidationError(
            _("Columns missing: %(missing)s. The first row must name the columns: %(all)s.")
            % {"missing": ", ".join(missing), "all": ", ".join(required)}
        )
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]
