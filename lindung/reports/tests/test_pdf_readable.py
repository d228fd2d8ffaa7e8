"""A printed export people can read: rupiah, Indonesian dates, totals per page and in the
end, "Halaman N dari M", long text wrapped rather than cut."""

import datetime
import io

import pytest
from django.utils import timezone, translation

from lindung.reports.exports.pdf_writer import write_pdf
from lindung.reports.exports.spec import ExportColumn, ExportMeta

from .test_exports import pdf_text

LONG_METHOD = "Transfer bank melalui agen BRILink di kantor desa"
ROWS = 150
COLUMNS = [
    ExportColumn("name", "Nama", lambda r: r["name"], width=28),
    ExportColumn("date", "Tanggal", lambda r: r["date"], kind="date", width=12),
    ExportColumn("amount", "Jumlah (Rp)", lambda r: r["amount"], kind="number", width=14, money=True, total=True),
    ExportColumn("method", "Metode", lambda r: r["method"], width=10),
]


def _pdf(rows: list[dict[str, object]]) -> str:
    meta = ExportMeta("Pembayaran", "rina", timezone.now(), [], len(rows))
    out = io.BytesIO()
    with translation.override("id"):
        write_pdf(out, columns=COLUMNS, rows=rows, meta=meta)
    return pdf_text(out.getvalue())


@pytest.fixture(scope="module")
def text() -> str:
    rows = [
        {"name": f"Peserta {i:03d}", "date": datetime.date(2026, 12, 5), "amount": 21_800, "method": LONG_METHOD}
        for i in range(ROWS)
    ]
    return _pdf(rows)


def test_amounts_in_rupiah_and_dates_in_indonesian(text):
    lines = text.splitlines()
    assert "Rp 21.800" in lines and "21800" not in lines
    assert "5 Des 2026" in lines and "2026-12-05" not in text


def test_pages_say_n_of_m(text):
    pages = text.count("Halaman ")
    assert pages >= 3
    assert all(f"Halaman {n} dari " in text for n in range(1, pages + 1))
    assert str(pages) in text.splitlines()  # the page-count form, drawn on every page


def test_a_total_on_every_page_and_a_grand_total(text):
    pages = text.count("Halaman ")
    assert text.splitlines().count("Total halaman") == pages
    assert "Rp 3.270.000" in text  # 150 x Rp 21.800, under "Total" on the last page
    assert text.splitlines().count("Total") == 1


def test_long_text_wraps_instead_of_being_cut(text):
    assert "…" not in text
    words = set(" ".join(text.splitlines()).split())
    assert set(LONG_METHOD.split()) <= words


def test_an_empty_export_still_prints_its_header_and_a_zero_total():
    text = _pdf([])
    assert "Nama" in text and "Rp 0" in text and "Halaman 1 dari " in text
