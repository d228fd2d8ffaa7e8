"""Building spreadsheets and running imports inline, for the import and lookup tests."""

import datetime
import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.jobs.models import Job
from lindung.participants.imports import jobs as imports
from lindung.participants.models import Sex
from lindung.participants.tests.factories import make_nik

HEADER = ["NIK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin", "Alamat", "Kode Desa", "No HP"]
VILLAGE = "14.03.01.2004"


def person(serial: int, *, sex: str = Sex.MALE, born: datetime.date = datetime.date(1990, 5, 17), **extra: Any) -> list:
    nik = make_nik(born, sex, serial)
    row = [
        nik,
        f"Peserta Impor {serial}",
        "Bengkalis",
        born.strftime("%d/%m/%Y"),
        "P" if sex == Sex.FEMALE else "L",
        f"Jl. Sudirman No. {serial}",
        VILLAGE,
        "0812-3456-7890",
    ]
    for index, value in extra.items():
        row[int(index.removeprefix("c"))] = value
    return row


def xlsx(sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    for name, rows in sheets:
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(r, c, value, workbook.add_format({"num_format": "dd/mm/yyyy"}))
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(delimiter.join(str(v) for v in row) for row in rows).encode(encoding)


def preview(actor: Any, content: bytes, name: str = "peserta.xlsx", coordinator: Any = None, *, capture: Any) -> Job:
    with capture(execute=True):
        job = imports.import_start(actor=actor, upload=SimpleUploadedFile(name, content), coordinator=coordinator)
    job.refresh_from_db()
    return job


def commit(actor: Any, preview_job: Job, *, capture: Any) -> Job:
    with capture(execute=True):
        job = imports.import_commit(actor=actor, preview=preview_job)
    job.refresh_from_db()
    return job


def counts(job: Job) -> dict[str, int]:
    return job.result["import"]["counts"]
