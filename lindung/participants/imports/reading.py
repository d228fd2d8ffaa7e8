"""Turn an uploaded file into sheets of rows. The content decides what the file is; the
extension only has to agree that it is a spreadsheet at all."""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum

from .unpacking import UnpackRefused, check_xlsx
from .xls_limits import check_xls

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
ALLOWED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
SPREADSHEET_ACCEPT = ".xlsx,.xls,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"

_ZIP_MAGIC = b"PK\x03\x04"
# Old .xls files and password-protected .xlsx files are both OLE compound documents.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message says why, for the user."""


Cell = Any
Row = list[Cell]


@dataclass
class Sheet:
    name: str
    # (row number as the user sees it, 1-based, cells); empty rows are left out.
    rows: Iterator[tuple[int, Row]]
    height: int


@dataclass
class SpreadsheetFile:
    kind: str  # "xlsx" or "csv"
    sheet_names: list[str]
    row_estimate: int
    _data: bytes
    # Sheets already read while opening (to count rows): the first pass over the rows
    # uses them instead of reading the workbook again (a second per 100,000 rows).
    _read: dict[str, CalamineSheet] = field(default_factory=dict, repr=False)

    def sheets(self) -> Iterator[Sheet]:
        if self.kind == "csv":
            yield _csv_sheet(self._data)
            return
        workbook: CalamineWorkbook | None = None
        for name in self.sheet_names:
            sheet = self._read.pop(name, None)
            if sheet is None:
                workbook = workbook or _open_workbook(self._data)
                sheet = workbook.get_sheet_by_name(name)
            yield Sheet(name=name, rows=_non_empty(sheet.iter_rows()), height=sheet.height)


def open_spreadsheet(stream: IO[bytes], filename: str) -> SpreadsheetFile:
    """Check and open an uploaded file; raises FileProblem with a message for the user."""
    if not filename.lower().endswith(ALLOWED_EXTENSIONS):
        raise FileProblem(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileProblem(
            _("The file is larger than %(mb)d MB. Split it into smaller files.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        opened = _open_xlsx(data)
    elif b"\x00" in data[:8192]:
        raise FileProblem(_("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file."))
    else:
        opened = SpreadsheetFile(kind="csv", sheet_names=["CSV"], row_estimate=data.count(b"\n") + 1, _data=data)
    if opened.row_estimate > MAX_ROWS + len(opened.sheet_names):
        raise FileProblem(
            _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"}
        )
    return opened


def _open_workbook(data: bytes) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise FileProblem(_("The workbook is protected with a password. Save a copy without one.")) from exc
    except (CalamineError, ValueError, OSError) as exc:
        if data.startswith(_OLE_MAGIC):
            raise FileProblem(
                _("The workbook cannot be read: it may have a password or be damaged. Save it again as .xlsx.")
            ) from exc
        raise FileProblem(_("This file is not a readable Excel workbook. Save it again as .xlsx.")) from exc


def _open_xlsx(data: bytes) -> SpreadsheetFile:
    try:
        if data.startswith(_OLE_MAGIC):
            check_xls(data, max_rows=MAX_ROWS)
        else:
            check_xlsx(data, max_rows=MAX_ROWS)
    except UnpackRefused as exc:
        raise FileProblem(str(exc)) from exc
    workbook = _open_workbook(data)
    names: list[str] = []
    read: dict[str, CalamineSheet] = {}
    rows = 0
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart sheets hold no rows
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.height and sheet.width:
                names.append(meta.name)
                read[meta.name] = sheet
                rows += sheet.height
    except PasswordError as exc:
        raise FileProblem(_("The workbook is protected with a password. Save a copy without one.")) from exc
    except (CalamineError, ValueError) as exc:
        raise FileProblem(_("The workbook is damaged and cannot be read. Save it again as .xlsx.")) from exc
    if not names:
        raise FileProblem(_("The workbook has no rows: every sheet is empty."))
    return SpreadsheetFile(kind="xlsx", sheet_names=names, row_estimate=rows, _data=data, _read=read)


def _non_empty(rows: Any) -> Iterator[tuple[int, Row]]:
    for index, row in enumerate(rows, start=1):
        if any(cell not in ("", None) for cell in row):
            yield index, row


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first; Excel on Windows saves CSV as cp1252."""
    for encoding in _CSV_ENCODINGS:
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The file's text encoding is not recognised. Save it as CSV UTF-8."))  # pragma: no cover


def _delimiter(first_line: str) -> str:
    # Indonesian Excel writes ";" (the decimal separator is ","); tabs come from copy-paste.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_sheet(data: bytes) -> Sheet:
    text = decode_text(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))

    def rows() -> Iterator[tuple[int, Row]]:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row

    return Sheet(name="CSV", rows=rows(), height=text.count("\n") + 1)
