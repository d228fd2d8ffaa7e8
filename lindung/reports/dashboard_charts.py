"""Each dashboard chart as a table first (what the page prints and the downloads hold)
and a Chart.js description second, both from the same rows so they cannot disagree."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lindung.billing.arrears.selectors import AGEING_BUCKETS

from .dashboard import TOP
from .exports.spec import ExportColumn, Kind

Row = dict[str, Any]


def month_label(iso: str) -> str:
    return formats.date_format(datetime.date.fromisoformat(iso), "M Y")


def _registrations(data: dict[str, Any], full: bool) -> list[Row]:
    return [{"label": month_label(r["month"]), "count": r["count"]} for r in data["registrations"]]


def _ranked(rows: list[Row], full: bool, none_label: str) -> list[Row]:
    out = [{"label": r["label"] or none_label, "count": r["count"]} for r in rows]
    if full or len(out) <= TOP + 1:
        return out
    rest = sum(r["count"] for r in out[TOP:])
    return [*out[:TOP], {"label": gettext("Other (%(n)s more)") % {"n": len(out) - TOP}, "count": rest}]


def _districts(data: dict[str, Any], full: bool) -> list[Row]:
    return _ranked(data["districts"], full, gettext("No district"))


def _groups(data: dict[str, Any], full: bool) -> list[Row]:
    return _ranked(data["groups"], full, gettext("No group"))


def _collection(data: dict[str, Any], full: bool) -> list[Row]:
    return [
        {"label": month_label(r["month"]), "billed": r["billed"], "paid": r["paid"], "rate": r["rate"]}
        for r in data["collection"]
    ]


def ageing_label(key: str) -> str:
    low, high = AGEING_BUCKETS[key]
    if high is None:
        return gettext("%(n)s months or more") % {"n": low}
    if low == high:
        return gettext("%(n)s month(s)") % {"n": low}
    return gettext("%(low)s–%(high)s months") % {"low": low, "high": high}


def _ageing(data: dict[str, Any], full: bool) -> list[Row]:
    return [
        {"label": ageing_label(r["bucket"]), "participants": r["participants"], "amount": r["amount"]}
        for r in data["ageing"]
    ]


def _coverage(data: dict[str, Any], full: bool) -> list[Row]:
    names = {"active": gettext("Active"), "non_active": gettext("Non-active"), "other": gettext("Other statuses")}
    return [{"label": names[key], "count": data["coverage"][key]} for key in ("active", "non_active", "other")]


@dataclass(frozen=True)
class Chart:
    key: str
    title: "str | Promise"
    kind: str  # Chart.js type
    columns: list[tuple[str, "str | Promise", Kind]]  # (row key, heading, kind)
    rows: Callable[[dict[str, Any], bool], list[Row]]
    plotted: tuple[str, ...]  # row keys drawn as datasets
    note: "str | Promise" = ""

    def export_columns(self) -> list[ExportColumn]:
        return [
            ExportColumn(key, label, (lambda row, k=key: row[k]), kind=kind, width=28 if key == "label" else 16)  # type: ignore[misc]
            for key, label, kind in self.columns
        ]

    def chart_json(self, rows: list[Row]) -> dict[str, Any]:
        headings = {key: str(label) for key, label, _kind in self.columns}
        return {
            "type": self.kind,
            "labels": [r["label"] for r in rows],
            "datasets": [{"label": headings[key], "data": [r[key] for r in rows]} for key in self.plotted],
        }


COUNT = pgettext_lazy("dashboard column", "Participants")
CHARTS: dict[str, Chart] = {
    chart.key: chart
    for chart in (
        Chart(
            "registrations",
            _("Registrations per month"),
            "bar",
            [("label", _("Month"), "text"), ("count", _("Registrations"), "number")],
            _registrations,
            ("count",),
        ),
        Chart(
            "collection",
            _("Collection rate per month"),
            "line",
            [
                ("label", _("Month"), "text"),
                ("billed", _("Billed (Rp)"), "number"),
                ("paid", _("Paid so far (Rp)"), "number"),
                ("rate", _("Collection rate (%)"), "number"),
            ],
            _collection,
            ("rate",),
            _("Paid so far on the bills of each month, divided by the amount of those bills."),
        ),
        Chart(
            "ageing",
            _("Arrears by months owed"),
            "bar",
            [
                ("label", _("Months owed"), "text"),
                ("participants", COUNT, "number"),
                ("amount", _("Amount owed (Rp)"), "number"),
            ],
            _ageing,
            ("participants",),
            _("Participants with bills past their due date and not paid in full."),
        ),
        Chart(
            "coverage",
            _("Active and non-active coverage"),
            "doughnut",
            [("label", _("Status"), "text"), ("count", COUNT, "number")],
            _coverage,
            ("count",),
        ),
        Chart(
            "districts",
            _("Participants by district"),
            "bar",
            [("label", _("District"), "text"), ("count", COUNT, "number")],
            _districts,
            ("count",),
            _("The largest districts; the download lists all of them."),
        ),
        Chart(
            "groups",
            _("Participants by community group"),
            "bar",
            [("label", _("Community group"), "text"), ("count", COUNT, "number")],
            _groups,
            ("count",),
            _("The largest groups; the download lists all of them."),
        ),
    )
}


@dataclass(frozen=True)
class ChartView:
    chart: Chart
    rows: list[Row]
    json: dict[str, Any]
    element_id: str

    @property
    def cells(self) -> list[list[Any]]:
        return [[row[key] for key, _label, _kind in self.chart.columns] for row in self.rows]


def chart_views(data: dict[str, Any]) -> list[ChartView]:
    out = []
    for chart in CHARTS.values():
        rows = chart.rows(data, False)
        out.append(ChartView(chart, rows, chart.chart_json(rows), f"chart-data-{chart.key}"))
    return out
