"""Write an export to a file: any spec, any format. Used as is by the view (small
exports, answered at once) and by the job handler (big ones, in the background)."""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils import timezone

from .csv_writer import write_csv
from .pdf_writer import write_pdf
from .spec import ExportMeta, ExportSpec, Params
from .xlsx_writer import write_xlsx

logger = logging.getLogger(__name__)

CHUNK = 2_000  # rows per database round trip (server-side cursor on PostgreSQL)
PROGRESS_EVERY = 1_000


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    write: Callable[..., None]


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8", write_csv),
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write_xlsx),
    "pdf": Format("pdf", "application/pdf", write_pdf),
}


def export_params(spec: ExportSpec, params: Params) -> dict[str, list[str]]:
    """The GET parameters that shape the rows, as JSON for a job: the job re-applies the
    creator's scope to them when it runs (never a list of ids chosen beforehand)."""
    getlist = getattr(params, "getlist", None)
    out: dict[str, list[str]] = {}
    for key in sorted(spec.params_allowed):
        values = getlist(key) if getlist else params.get(key, [])
        values = [values] if isinstance(values, str) else list(values)
        if any(values):
            out[key] = [str(v) for v in values]
    return out


def export_count(spec: ExportSpec, user: Any, params: Params, *, limit: int | None = None) -> int:
    """How many rows the export will have; with ``limit``, stop counting past it."""
    queryset = spec.queryset(user, params).order_by()
    if limit is not None:
        return queryset[: limit + 1].count()
    return queryset.count()


def export_filename(spec: ExportSpec, fmt: str, when: Any = None) -> str:
    stamp = timezone.localtime(when or timezone.now()).strftime("%Y%m%d-%H%M")
    return f"{spec.filename_stem}-{stamp}.{FORMATS[fmt].extension}"


def export_write(
    *,
    spec: ExportSpec,
    user: Any,
    params: Params,
    fmt: str,
    out: BinaryIO,
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the export of ``user``'s rows into ``out``; returns the number of rows."""
    written = 0

    def counted(rows: Iterator[Any]) -> Iterator[Any]:
        nonlocal written
        for written, row in enumerate(rows, start=1):
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written, max(total, written))
            yield row

    meta = ExportMeta(
        title=str(spec.title),
        exported_by=f"{user.get_full_name() or user.username} ({user.username})",
        exported_at=timezone.now(),
        filters=spec.describe(user, params),
        total=total,
    )
    queryset = spec.queryset(user, params)
    rows = (spec.rows(queryset) if spec.rows else queryset).iterator(chunk_size=CHUNK)
    FORMATS[fmt].write(out, columns=spec.columns(user), rows=counted(rows), meta=meta)
    if progress is not None:
        progress(written, written)
    logger.info("export %s.%s by user %s: %s rows", spec.key, fmt, user.pk, written)
    return written
