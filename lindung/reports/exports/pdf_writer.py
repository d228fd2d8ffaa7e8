"""PDF through ReportLab platypus: landscape A4, one table per page with its own header
row (so the header repeats and no table is ever split, which costs time quadratic in its
rows), "Page N of M" at the foot, title with filters and time on page one, and, for
exports with money columns, a total on every page and a grand total on the last.

Rows are made into page tables only as ReportLab asks for the next flowable (LazyStory),
so the rows of a big export are never all held in memory. Cells wrap onto more lines
(simpleSplit on plain strings: a Paragraph per cell would be ten times slower); the
writer measures each row, so it knows where a page ends before ReportLab does. The page
count M is a PDF form drawn on every page and defined once the last page is known."""

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .spec import ExportColumn, ExportMeta, rupiah

FONT, FONT_BOLD, FONT_SIZE = "Helvetica", "Helvetica-Bold", 7
LEADING = 8.5  # one line of a cell
ROW_PADDING = 3  # top + bottom
ROW_HEIGHT = LEADING + ROW_PADDING  # a one-line row
MAX_LINES = 6  # a cell longer than this is cut (with an ellipsis) rather than fill a page
CELL_PADDING = 3
FRAME_PADDING = 6  # platypus Frame default, each side
MARGIN = 1.2 * cm
ELLIPSIS = "…"


class LazyStory(list[Flowable]):
    """A story that draws its next flowable from a generator when ReportLab reaches the
    end of what it holds. ReportLab consumes the story as a list (len, [0], del [0],
    insert back), so a list whose storage refills on demand keeps its contract."""

    def __init__(self, source: Iterator[Flowable]) -> None:
        super().__init__()
        self._source = source

    def _refill(self) -> None:
        if not super().__len__():
            following = next(self._source, None)
            if following is not None:
                self.append(following)

    def __len__(self) -> int:
        self._refill()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._refill()
        return super().__getitem__(index)


def fit(text: str, width: float, font: str = FONT) -> str:
    """Cut ``text`` to ``width`` points with an ellipsis."""
    if stringWidth(text, font, FONT_SIZE) <= width:
        return text
    while text and stringWidth(text + ELLIPSIS, font, FONT_SIZE) > width:
        text = text[:-1]
    return text + ELLIPSIS


def pdf_columns(columns: list[ExportColumn]) -> list[ExportColumn]:
    return [c for c in columns if c.in_pdf]


def column_widths(columns: list[ExportColumn], total: float) -> list[float]:
    weight = sum(c.width for c in columns)
    return [total * c.width / weight for c in columns]


def cell_lines(text: str, width: float, font: str = FONT) -> list[str]:
    """``text`` wrapped to ``width`` points; a word wider than the column is cut."""
    lines = [fit(line, width, font) for line in simpleSplit(text, font, FONT_SIZE, width)] or [""]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], fit(lines[MAX_LINES - 1] + ELLIPSIS * 2, width, font)]
    return lines


def pdf_table_rows(columns: list[ExportColumn], rows: Iterable[Any], widths: list[float]) -> Iterator[list[str]]:
    """The printed cells, row by row (masked NIK, rupiah, wrapped lines joined by newlines):
    what the PDF shows, testable without a PDF text extractor."""
    for cells, _numbers in _measured_rows(columns, rows, widths):
        yield cells


def _measured_rows(
    columns: list[ExportColumn], rows: Iterable[Any], widths: list[float]
) -> Iterator[tuple[list[str], list[int]]]:
    room = [w - 2 * CELL_PADDING for w in widths]
    for row in rows:
        cells = ["\n".join(cell_lines(c.printed(row), room[i])) for i, c in enumerate(columns)]
        numbers = [int(c.value(row) or 0) if c.total else 0 for c in columns]
        yield cells, numbers


def row_height(cells: list[str]) -> float:
    return max(cell.count("\n") + 1 for cell in cells) * LEADING + ROW_PADDING


def paginate(
    measured: Iterable[tuple[list[str], list[int]]], first_room: float, room: float
) -> Iterator[tuple[list[list[str]], list[int]]]:
    """Rows grouped into pages by their measured heights, with each page's column sums."""
    body: list[list[str]] = []
    sums: list[int] = []
    used, budget = 0.0, first_room
    for cells, numbers in measured:
        height = row_height(cells)
        if body and used + height > budget:
            yield body, sums
            body, sums, used, budget = [], [], 0.0, room
        body.append(cells)
        sums = [a + b for a, b in zip(sums, numbers, strict=True)] if sums else list(numbers)
        used += height
    yield body, sums


TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, FONT_SIZE),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, FONT_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.2, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _when(moment: Any) -> str:
    """Date and time for people: "5 Desember 2026 14.30" in Indonesian."""
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def _title_block(meta: ExportMeta, width: float) -> tuple[list[Flowable], float]:
    styles = getSampleStyleSheet()
    filters = "; ".join(f"{label}: {value}" for label, value in meta.filters)
    block: list[Flowable] = [
        Paragraph(escape(meta.title), styles["Heading2"]),
        Paragraph(escape(filters), styles["Normal"]),
        Paragraph(
            escape(
                gettext("Exported by %(user)s at %(when)s; %(count)s rows.")
                % {"user": meta.exported_by, "when": _when(meta.exported_at), "count": meta.total}
            ),
            styles["Normal"],
        ),
        Spacer(1, 4),
    ]
    height = sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in block)
    return block, height


def total_row(columns: list[ExportColumn], sums: list[int], label: str) -> list[str]:
    sums = sums or [0] * len(columns)  # an empty export's only page
    cells = [
        rupiah(n) if c.money else f"{n:,}".replace(",", ".") if c.total else ""
        for c, n in zip(columns, sums, strict=True)
    ]
    cells[0] = label
    return cells


def _add(sums: list[int], more: list[int]) -> list[int]:
    return [a + b for a, b in zip(sums, more, strict=True)] if more else sums


PAGE_COUNT_FORM = "lindung-page-count"


def write_pdf(out: BinaryIO, *, columns: list[ExportColumn], rows: Iterable[Any], meta: ExportMeta) -> None:
    columns = pdf_columns(columns)
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=meta.title,
        author=meta.exported_by,
    )
    usable_width = doc.width - 2 * FRAME_PADDING
    usable_height = doc.height - 2 * FRAME_PADDING
    widths = column_widths(columns, usable_width)
    header = [
        "\n".join(cell_lines(str(c.label), w - 2 * CELL_PADDING, FONT_BOLD))
        for c, w in zip(columns, widths, strict=True)
    ]
    totals = any(c.total for c in columns)
    title, title_height = _title_block(meta, usable_width)
    # Room for the header, the page total and the grand total, and one row of slack: a
    # table that does not fit would be split, its header repeated mid-page.
    reserved = row_height(header) + (2 * ROW_HEIGHT if totals else 0) + ROW_HEIGHT
    pages = paginate(
        _measured_rows(columns, rows, widths), usable_height - title_height - reserved, usable_height - reserved
    )

    def page_table(body: list[list[str]], sums: list[int], last: bool) -> Table:
        data = [header, *body]
        style = [*TABLE_STYLE.getCommands()]
        if totals:
            data.append(total_row(columns, sums, gettext("Page total")))
            if last:
                data.append(total_row(columns, grand, gettext("Total")))
            style += [
                ("FONT", (0, len(body) + 1), (-1, -1), FONT_BOLD, FONT_SIZE),
                ("LINEABOVE", (0, len(body) + 1), (-1, len(body) + 1), 0.6, colors.black),
            ]
        for i, c in enumerate(columns):
            if c.kind == "number":
                style.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
        return Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style))

    grand = [0] * len(columns)

    def story() -> Iterator[Flowable]:
        nonlocal grand
        yield from title
        current = next(pages)
        first = True
        for following in pages:
            grand = _add(grand, current[1])
            if not first:
                yield PageBreak()
            yield page_table(*current, last=False)
            current, first = following, False
        grand = _add(grand, current[1])
        if not first:
            yield PageBreak()
        yield page_table(*current, last=True)

    stamp = f"{meta.title} · {_when(meta.exported_at)}"
    before, _marker, after = (gettext("Page %(n)s of %(total)s") % {"n": "\x00", "total": "\x01"}).partition("\x01")

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, FONT_SIZE)
        canvas.drawString(MARGIN, MARGIN / 2, stamp)
        # "Page N of M": M is a form defined after the last page (see _define_page_count).
        text = before.replace("\x00", str(document.page))
        right = document.pagesize[0] - MARGIN - stringWidth(after, FONT, FONT_SIZE) - 24
        x = right - stringWidth(text, FONT, FONT_SIZE)
        canvas.drawString(x, MARGIN / 2, text)
        canvas.saveState()
        canvas.translate(right, MARGIN / 2)
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()
        if after:
            canvas.drawString(right + 24, MARGIN / 2, after)
        canvas.restoreState()

    doc.build(LazyStory(story()), onFirstPage=footer, onLaterPages=footer, canvasmaker=_counting_canvas())


def _counting_canvas() -> Any:
    from reportlab.pdfgen.canvas import Canvas

    class PageCountCanvas(Canvas):
        """Defines the page-count form just before saving, when the count is known."""

        def save(self) -> None:
            pages = self.getPageNumber() - 1  # save() follows the last showPage()
            self.beginForm(PAGE_COUNT_FORM)
            self.setFont(FONT, FONT_SIZE)
            self.drawString(0, 0, str(pages))
            self.endForm()
            super().save()

    return PageCountCanvas
