"""What an export is made of, independent of the file format: a queryset producer that
applies the same scoping, filters, search and sort as the list page, and a column spec.
Participants are the first; payments add a spec of their own (see participants.py)."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import QuerySet
from django.utils import formats
from django.utils.functional import Promise

Params = Mapping[str, Any]  # a QueryDict or a plain dict of lists: the list page's GET
Kind = Literal["text", "date", "number"]


@dataclass(frozen=True)
class ExportColumn:
    """One column. ``value`` feeds CSV and Excel; ``pdf_value`` (default: ``value``) the
    printed page, which may show less (the masked NIK). ``width`` is in characters."""

    key: str
    label: "str | Promise"
    value: Callable[[Any], Any]
    kind: Kind = "text"
    width: int = 14
    in_pdf: bool = True
    pdf_value: Callable[[Any], Any] | None = None
    money: bool = False  # printed as "Rp 1.234.567"
    total: bool = False  # summed per PDF page and at the end

    def printed(self, row: Any) -> str:
        value = (self.pdf_value or self.value)(row)
        if self.money and isinstance(value, int):
            return rupiah(value)
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            # Printed for people: "5 Des 2026" in Indonesian (CSV and Excel keep ISO dates).
            return formats.date_format(value, "j M Y")
        return as_text(value)


@dataclass(frozen=True)
class ExportSpec:
    key: str  # also names the job kind: reports.<key>_export
    title: "str | Promise"
    filename_stem: str  # users' language, e.g. "peserta"
    columns: Callable[[Any], list[ExportColumn]]  # per user: an admin sees more
    queryset: Callable[[Any, Params], QuerySet[Any]]
    describe: Callable[[Any, Params], list[tuple[str, str]]]  # (label, value) of the filters applied
    params_allowed: frozenset[str] = field(default_factory=frozenset)
    # How the rows are read for writing (flat values, say); None: the queryset's objects.
    # The count before writing is taken on ``queryset`` itself, without these columns' joins.
    rows: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None

    @property
    def job_kind(self) -> str:
        return f"reports.{self.key}_export"


@dataclass(frozen=True)
class ExportMeta:
    """What is printed beside the rows: the "Info" sheet, the PDF's title block."""

    title: str
    exported_by: str
    exported_at: datetime.datetime
    filters: list[tuple[str, str]]
    total: int  # rows expected (counted before writing)


def rupiah(value: int) -> str:
    return "Rp " + f"{value:,}".replace(",", ".")


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


SPECS: dict[str, ExportSpec] = {}


def register(spec: ExportSpec) -> ExportSpec:
    SPECS[spec.key] = spec
    return spec
