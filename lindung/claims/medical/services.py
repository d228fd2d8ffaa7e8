"""Writes of the bill check: importing the medicine price list (administrators) and a
claim's hospital bill lines (claims services). Imports are all or nothing: a file with
one bad row changes nothing and says which rows are wrong and why."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lindung.core import access

from ..claim import Claim, ClaimProgram, ClaimStatus
from .models import BillLine, LineKind, MedicinePrice
from .parse import CellError, date_cell, quantity_cell, rupiah_cell
from .tabular import Readable, read_table

PRICE_COLUMNS = ("code", "name", "unit", "price")
BILL_COLUMNS = ("date", "kind", "code", "description", "quantity", "unit_price", "amount")
# Bills can be changed until the decision; after approval they are part of the record.
BILL_EDITABLE = frozenset({ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_DOCUMENTS, ClaimStatus.VERIFIED})
MAX_SHOWN_ERRORS = 50


def _raise_row_errors(errors: list[str]) -> None:
    if errors:
        shown = errors[:MAX_SHOWN_ERRORS]
        if len(errors) > MAX_SHOWN_ERRORS:
            shown.append(_("… and %(n)s more rows with errors.") % {"n": len(errors) - MAX_SHOWN_ERRORS})
        raise ValidationError(shown)


@transaction.atomic
def price_list_import(*, actor: Any, upload: Readable, valid_from: datetime.date, source: str) -> int:
    """Add a version of the price list from ``valid_from``: each medicine's price in force
    until then ends the day before. How many prices were added."""
    principal = access.principal_of(actor)
    access.require_may(principal, MedicinePrice, "add", _("Only administrators import the price list."))
    if not source.strip():
        raise ValidationError(_("Name the source or legal basis of the price list."))
    rows = read_table(upload, PRICE_COLUMNS)
    errors: list[str] = []
    prices: dict[str, MedicinePrice] = {}
    for number, row in enumerate(rows, start=2):
        code = str(row.get("code") or "").strip().upper()[:40]
        name = str(row.get("name") or "").strip()[:200]
        try:
            if not code or not name:
                raise CellError(_("Code and name are required."))
            if code in prices:
                raise CellError(_("Code %(code)s appears twice in the file.") % {"code": code})
            price = rupiah_cell(row.get("price"), _("The price"))
        except CellError as error:
            errors.append(_("Row %(row)s: %(error)s") % {"row": number, "error": error})
            continue
        prices[code] = MedicinePrice(
            code=code,
            name=name,
            unit=str(row.get("unit") or "").strip()[:30],
            price=price,
            valid_from=valid_from,
            source=source.strip()[:200],
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
    later = sorted(
        set(
            MedicinePrice.objects.filter(code__in=list(prices), valid_from__gte=valid_from).values_list(
                "code", flat=True
            )
        )
    )
    if later:
        errors.append(
            _("These medicines already have a price from %(day)s or later: %(codes)s.")
            % {"day": valid_from.strftime("%d-%m-%Y"), "codes": ", ".join(later[:20])}
        )
    _raise_row_errors(errors)
    open_before = MedicinePrice.objects.filter(code__in=list(prices), valid_from__lt=valid_from)
    open_before.filter(valid_to__isnull=True).update(valid_to=valid_from - datetime.timedelta(days=1))
    if open_before.filter(valid_to__gte=valid_from).exists():
        raise ValidationError(_("A price in the list ends after %(day)s: end it first.") % {"day": valid_from})
    MedicinePrice.objects.bulk_create(prices.values(), batch_size=1000)
    return len(prices)


def _editable_claim(actor: Any, claim: Claim, action: str) -> Claim:
    principal = access.principal_of(actor)
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if not access.permits(principal, locked, "view"):
        raise PermissionDenied(_("You may not change this claim."))
    access.require_may(principal, BillLine, action, _("You may not enter hospital bills."))
    if locked.program != ClaimProgram.WORK_ACCIDENT:
        raise ValidationError(_("Hospital bills are checked for work-accident (JKK) claims only."))
    if locked.status not in BILL_EDITABLE:
        raise ValidationError(
            _("The bill can be changed until the claim is approved (it is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def _line(row: Mapping[str, object]) -> BillLine:
    kind_text = str(row.get("kind") or LineKind.MEDICINE).strip().lower()
    kinds = {LineKind.MEDICINE: LineKind.MEDICINE, "obat": LineKind.MEDICINE, LineKind.CARE: LineKind.CARE}
    kinds.update({"perawatan": LineKind.CARE, "tindakan": LineKind.CARE})
    if kind_text not in kinds:
        raise CellError(_("The kind must be medicine or care: %(value)s.") % {"value": kind_text})
    description = str(row.get("description") or "").strip()[:200]
    if not description:
        raise CellError(_("The description is required."))
    kind = kinds[kind_text]
    code = str(row.get("code") or "").strip().upper()[:40]
    if kind == LineKind.MEDICINE and not code:
        raise CellError(_("A medicine line needs the medicine's code from the price list."))
    return BillLine(
        service_date=date_cell(row.get("date")),
        kind=kind,
        code=code,
        description=description,
        quantity=quantity_cell(row.get("quantity")),
        unit_price=rupiah_cell(row.get("unit_price"), _("The unit price")),
        amount=rupiah_cell(row.get("amount"), _("The amount")),
    )


def _append(claim: Claim, actor: Any, lines: list[BillLine]) -> list[BillLine]:
    start = BillLine.objects.filter(claim=claim).aggregate(last=Max("line_no"))["last"] or 0
    for offset, line in enumerate(lines, start=1):
        line.claim = claim
        line.line_no = start + offset
        line.entered_by = actor
    return BillLine.objects.bulk_create(lines)


@transaction.atomic
def bill_line_add(*, actor: Any, claim: Claim, data: Mapping[str, object]) -> BillLine:
    locked = _editable_claim(actor, claim, "add")
    try:
        line = _line(data)
    except CellError as error:
        raise ValidationError(str(error)) from error
    return _append(locked, actor, [line])[0]


@transaction.atomic
def bill_lines_import(*, actor: Any, claim: Claim, upload: Readable) -> int:
    locked = _editable_claim(actor, claim, "add")
    rows = read_table(upload, BILL_COLUMNS)
    lines, errors = [], []
    for number, row in enumerate(rows, start=2):
        try:
            lines.append(_line(row))
        except CellError as error:
            errors.append(_("Row %(row)s: %(error)s") % {"row": number, "error": error})
    _raise_row_errors(errors)
    return len(_append(locked, actor, lines))


@transaction.atomic
def bill_line_delete(*, actor: Any, claim: Claim, line_pk: int) -> None:
    locked = _editable_claim(actor, claim, "delete")
    deleted, _rows = BillLine.objects.filter(claim=locked, pk=line_pk).delete()
    if not deleted:
        raise ValidationError(_("This line is not on the bill."))
