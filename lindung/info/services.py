"""Writes: page texts (every save is a version; a revert is a new save of an old text),
service points one by one or from CSV."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.core import access, events
from lindung.regions.models import Region

from .models import InfoPage, InfoPageVersion, PointKind, ServicePoint

PAGE_FIELDS = ("title_id", "title_en", "body_id", "body_en")


@transaction.atomic
def page_save(*, actor: Any, page: InfoPage, data: dict[str, str], note: str = "") -> InfoPage:
    """Save a page's new text as its next version (refused if nothing changed)."""
    principal = access.principal_of(actor)
    access.require(principal, page, "change")
    if page.pk and all(getattr(page, name) == data[name] for name in PAGE_FIELDS):
        raise ValidationError(_("Nothing changed: the text is the same as the current version."))
    with events.change("info.page_saved", actor=actor, slug=page.slug) as event:
        for name in PAGE_FIELDS:
            setattr(page, name, data[name])
        page.version = (page.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        page.updated_by = actor
        page.save()
        event.about(page)
        event.facts["version"] = page.version
        InfoPageVersion.objects.create(
            page=page, number=page.version, saved_by=actor, note=note.strip()[:200], **{n: data[n] for n in PAGE_FIELDS}
        )
    return page


@transaction.atomic
def page_create(*, actor: Any, page: InfoPage) -> InfoPage:
    """A new page: saved with its first version."""
    access.require_may(access.principal_of(actor), InfoPage, "add")
    data = {name: getattr(page, name) for name in PAGE_FIELDS}
    for name in PAGE_FIELDS:
        setattr(page, name, "")
    page.save()
    return page_save(actor=actor, page=page, data=data, note=_("First text"))


def page_revert(*, actor: Any, page: InfoPage, version: InfoPageVersion) -> InfoPage:
    """Bring back an old text as a new version, so the history keeps every step."""
    if version.page_id != page.pk:
        raise ValidationError(_("That version belongs to another page."))
    data = {name: getattr(version, name) for name in PAGE_FIELDS}
    return page_save(
        actor=actor, page=page, data=data, note=_("Back to version %(number)s") % {"number": version.number}
    )


@transaction.atomic
def point_save(*, actor: Any, point: ServicePoint) -> ServicePoint:
    access.require_may(access.principal_of(actor), ServicePoint, "change")
    point.full_clean()
    with events.change("info.point_saved", actor=actor, subject=None) as event:
        point.save()
        event.about(point)
    return point


@transaction.atomic
def point_delete(*, actor: Any, point: ServicePoint) -> None:
    access.require(access.principal_of(actor), point, "delete")
    with events.change("info.point_deleted", actor=actor, subject=point, name=point.name):
        point.delete()


# CSV import ----------------------------------------------------------------------------

COLUMNS = ("code", "name", "kind", "address", "village_code", "opening_hours", "phone", "latitude", "longitude")
REQUIRED = ("name", "kind", "address", "latitude", "longitude")
KIND_NAMES = {
    **{value: value for value in PointKind.values},
    "cabang": PointKind.BRANCH,
    "kantor cabang": PointKind.BRANCH,
    "titik bayar": PointKind.PAYMENT,
    "pembayaran": PointKind.PAYMENT,
    "koordinator": PointKind.COORDINATOR,
    "lainnya": PointKind.OTHER,
}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    # Rows refused, as the file gave them, with the row number and the reasons.
    rejected: list[tuple[int, dict[str, str], list[str]]] = field(default_factory=list)

    def rejected_csv(self) -> str:
        """The refused rows with a reason column: fix them and import this text again."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*COLUMNS, "error"])
        for _row, values, errors in self.rejected:
            writer.writerow([values.get(name, "") for name in COLUMNS] + ["; ".join(errors)])
        return out.getvalue()


def _decimal(value: str, low: int, high: int, label: str, errors: list[str]) -> Decimal | None:
    try:
        number = Decimal(value.replace(",", ".").strip())
    except InvalidOperation:
        errors.append(_("%(label)s “%(value)s” is not a number.") % {"label": label, "value": value})
        return None
    if not (low <= number <= high) or not number.is_finite():
        errors.append(_("%(label)s must be between %(low)s and %(high)s.") % {"label": label, "low": low, "high": high})
        return None
    return number.quantize(Decimal("0.000001"))


def _row_point(values: dict[str, str], villages: dict[str, Region]) -> tuple[ServicePoint | None, list[str]]:
    errors = [_("The column %(name)s is empty.") % {"name": name} for name in REQUIRED if not values.get(name)]
    kind = KIND_NAMES.get(values.get("kind", "").strip().lower())
    if values.get("kind") and kind is None:
        errors.append(
            _("Unknown type “%(kind)s”: use one of %(kinds)s.")
            % {"kind": values["kind"], "kinds": ", ".join(PointKind.values)}
        )
    village = None
    if code := values.get("village_code", "").strip():
        village = villages.get(code)
        if village is None:
            errors.append(_("No village has the code %(code)s.") % {"code": code})
    lat = _decimal(values["latitude"], -90, 90, _("Latitude"), errors) if values.get("latitude") else None
    lon = _decimal(values["longitude"], -180, 180, _("Longitude"), errors) if values.get("longitude") else None
    if errors:
        return None, errors
    reference: str | None = values.get("code", "").strip() or None
    found = ServicePoint.objects.filter(code=reference).first() if reference else None
    point = found or ServicePoint(code=reference)
    point.name = values["name"][:150]
    point.kind = str(kind)
    point.address = values["address"][:300]
    point.village = village
    point.opening_hours = values.get("opening_hours", "")[:200]
    point.phone = values.get("phone", "")[:20]
    point.latitude, point.longitude = lat, lon  # type: ignore[assignment]
    try:
        point.full_clean(validate_unique=False)
    except ValidationError as error:
        return None, [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
    return point, []


def points_import(*, actor: Any, text: str) -> ImportResult:
    """Import the good rows, keep every refused row with its reasons (nothing is lost)."""
    access.require_may(access.principal_of(actor), ServicePoint, "add")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; missing: %(names)s.") % {"names": ", ".join(missing)}
        )
    rows = [
        {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)} for raw in reader
    ]
    codes = {row.get("village_code", "") for row in rows} - {""}
    villages = Region.objects.filter(level=4).in_bulk(codes)
    result = ImportResult()
    with transaction.atomic(), events.change("info.points_imported", actor=actor) as event:
        for number, values in enumerate(rows, start=2):
            point, errors = _row_point(values, villages)
            if point is None:
                result.rejected.append((number, values, errors))
                continue
            is_new = point.pk is None
            point.save()
            result.created += is_new
            result.updated += not is_new
        event.facts.update(created=result.created, updated=result.updated, rejected=len(result.rejected))
        return result
