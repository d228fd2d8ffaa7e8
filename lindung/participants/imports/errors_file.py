"""The per-row errors of a preview, as the CSV the job stored or as an Excel sheet."""

import csv
import io
import tempfile
from typing import IO

import xlsxwriter
from django.utils.translation import gettext


def errors_as_xlsx(csv_stream: IO[bytes]) -> IO[bytes]:
    """Convert the stored errors CSV; constant memory, whatever the number of errors."""
    text = io.TextIOWrapper(csv_stream, encoding="utf-8-sig", newline="")
    output = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet(gettext("Errors")[:31])  # named in the user's language
    bold = workbook.add_format({"bold": True})
    sheet.set_column(0, 0, 18)
    sheet.set_column(2, 3, 22)
    sheet.set_column(4, 4, 80)
    for index, row in enumerate(csv.reader(text)):
        for column, value in enumerate(row):
            # Everything as text: a NIK written as a number would lose its last digit.
            if column == 1 and index:
                sheet.write_number(index, column, int(value))
            else:
                sheet.write_string(index, column, value, bold if index == 0 else None)
    sheet.freeze_panes(1, 0)
    workbook.close()
    output.seek(0)
    return output
