"""PDF through ReportLab platypus: landscape A4, one fixed-height table per page with its
own header row (so the header repeats and no table is ever split, which costs time
quadratic in its rows), "Page N" at the foot, title with filters and time on page one.

Rows are made into page tables only as ReportLab asks for the next flowable (LazyStory),
so the rows of a big export are never all held in memory. Cells are plain strings cut to
their column's width: a Paragraph per cell would wrap but is ten times slower."""

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .spec import ExportColumn, ExportMeta

FONT, FONT_BOLD, FONT_SIZE = "Helvetica", "Helvetica-Bold", 7
ROW_HEIGHT = 11
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


def pdf_table_rows(columns: list[ExportColumn], rows: Iterable[Any], widths: list[float]) -> Iterator[list[str]]:
    """The printed cells, row by row (masked NIK and all): what the PDF shows, testable
    without a PDF text extractor."""
    room = [w - 2 * CELL_PADDING for w in widths]
    for row in rows:
        yield [fit(c.printed(row), room[i]) for i, c in enumerate(columns)]


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


def _title_block(meta: ExportMeta, width: float) -> tuple[list[Flowable], float]:
    styles = getSampleStyleSheet()
    when = timezone.localtime(meta.exported_at).strftime("%Y-%m-%d %H:%M %Z")
    filters = "; ".join(f"{label}: {value}" for label, value in meta.filters)
    block: list[Flowable] = [
        Paragraph(escape(meta.title), styles["Heading2"]),
        Paragraph(escape(filters), styles["Normal"]),
        Paragraph(
            escape(
                gettext("Exported by %(user)s at %(when)s; %(count)s rows.")
                % {"user": meta.exported_by, "when": when, "count": meta.total}
            ),
            styles["Normal"],
        ),
        Spacer(1, 4),
    ]
    height = sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in block)
    return block, height


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
    header = [fit(str(c.label), w - 2 * CELL_PADDING, FONT_BOLD) for c, w in zip(columns, widths, strict=True)]
    title, title_height = _title_block(meta, usable_width)
    # One row of slack: a table that does not fit would be split, header repeated mid-page.
    per_page = int(usable_height // ROW_HEIGHT) - 2
    first_page = int((usable_height - title_height) // ROW_HEIGHT) - 2
    cells = pdf_table_rows(columns, rows, widths)

    def page_table(body: list[list[str]]) -> Table:
        return Table([header, *body], colWidths=widths, rowHeights=ROW_HEIGHT, repeatRows=1, style=TABLE_STYLE)

    def story() -> Iterator[Flowable]:
        yield from title
        body = list(islice(cells, max(first_page, 1)))
        yield page_table(body)
        while body := list(islice(cells, per_page)):
            yield PageBreak()
            yield page_table(body)

    stamp = f"{meta.title} · {timezone.localtime(meta.exported_at):%Y-%m-%d %H:%M}"

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, FONT_SIZE)
        canvas.drawString(MARGIN, MARGIN / 2, stamp)
        page = gettext("Page %(number)s") % {"number": document.page}
        canvas.drawRightString(document.pagesize[0] - MARGIN, MARGIN / 2, page)
        canvas.restoreState()

    doc.build(LazyStory(story()), onFirstPage=footer, onLaterPages=footer)
