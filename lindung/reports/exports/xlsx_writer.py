"""Excel through XlsxWriter in constant_memory mode: each row goes to a temporary file
as it is written, so memory stays flat however many rows. NIK and phone are string
cells: as numbers Excel shows a NIK as 1.4E+15 and drops its last digits."""

from collections.abc import Iterable
from typing import Any, BinaryIO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext

from .csv_writer import defuse
from .spec import ExportColumn, ExportMeta, as_text

MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
FORBIDDEN_IN_SHEET_NAMES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


class TooManyRows(ValueError):
    pass


def sheet_name(text: str) -> str:
    return text.translate(FORBIDDEN_IN_SHEET_NAMES)[:31] or "Sheet1"


def write_xlsx(out: BinaryIO, *, columns: list[ExportColumn], rows: Iterable[Any], meta: ExportMeta) -> None:
    if meta.total > MAX_ROWS:
        raise TooManyRows(
            gettext("Excel holds at most %(max)s rows; narrow the filters or use CSV.") % {"max": MAX_ROWS}
        )
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    data = book.add_worksheet(sheet_name(meta.title))
    info = book.add_worksheet(sheet_name(gettext("Info")))
    for i, column in enumerate(columns):
        data.set_column(i, i, column.width)
        data.write_string(0, i, str(column.label), bold)
    data.freeze_panes(1, 0)
    last = 0
    for last, row in enumerate(rows, start=1):
        for i, column in enumerate(columns):
            value = column.value(row)
            if value is None or value == "":
                continue
            if column.kind == "date":
                data.write_datetime(last, i, value, date)
            elif column.kind == "number":
                data.write_number(last, i, value)
            else:
                # A string cell is never evaluated; defuse anyway in case it is copied out as CSV.
                data.write_string(last, i, defuse(as_text(value)))
    data.autofilter(0, 0, max(last, 1), len(columns) - 1)
    _write_info(info, meta, rows_written=last, bold=bold)
    book.close()


def _write_info(sheet: Any, meta: ExportMeta, *, rows_written: int, bold: Any) -> None:
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 60)
    lines = [
        (gettext("Export"), meta.title),
        (gettext("Exported by"), meta.exported_by),
        (gettext("Exported at"), timezone.localtime(meta.exported_at).strftime("%Y-%m-%d %H:%M %Z")),
        (gettext("Rows"), str(rows_written)),
    ]
    lines += meta.filters or [(gettext("Filters"), gettext("none"))]
    for r, (label, value) in enumerate(lines):
        sheet.write_string(r, 0, label, bold)
        sheet.write_string(r, 1, value)
