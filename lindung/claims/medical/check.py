"""Checking a hospital bill line by line (CLM-7). Medicine lines are compared with the
standard price in force on the line's date and the payable amount is the lower
(DOMAIN.md, JKK). Care lines (room, doctor, procedures) have no ceiling ("medical care
as needed, no cap") and are paid as billed. A line that cannot be judged (unknown
medicine, a date before the accident, a repeated line) is held for the verifier, not
paid and not silently dropped: the report lists why."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from lindung.core.money import rupiah

from .models import BillLine, LineKind, MedicinePrice


@dataclass
class LineCheck:
    line: BillLine
    standard_price: int | None = None
    standard_amount: int | None = None
    allowed: int = 0
    held: int = 0
    flags: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def cut(self) -> int:
        return self.line.amount - self.allowed - self.held


@dataclass
class BillCheck:
    lines: list[LineCheck]

    @property
    def claimed(self) -> int:
        return sum(c.line.amount for c in self.lines)

    @property
    def allowed(self) -> int:
        return sum(c.allowed for c in self.lines)

    @property
    def held(self) -> int:
        return sum(c.held for c in self.lines)

    @property
    def cut(self) -> int:
        return self.claimed - self.allowed - self.held

    @property
    def flagged(self) -> int:
        return sum(1 for c in self.lines if c.flags)


def _prices(lines: Sequence[BillLine]) -> dict[str, list[MedicinePrice]]:
    codes = {line.code.strip().upper() for line in lines if line.kind == LineKind.MEDICINE and line.code.strip()}
    found: dict[str, list[MedicinePrice]] = {}
    if not codes:
        return found
    for price in MedicinePrice.objects.filter(code__in=codes).order_by("-valid_from"):
        found.setdefault(price.code, []).append(price)
    return found


def _price_on(prices: Iterable[MedicinePrice], day: datetime.date) -> MedicinePrice | None:
    for price in prices:  # newest first
        if price.valid_from <= day and (price.valid_to is None or day <= price.valid_to):
            return price
    return None


def _money(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def check_bill(lines: Sequence[BillLine], accident_date: datetime.date | None) -> BillCheck:
    prices = _prices(lines)
    seen: dict[tuple[object, ...], int] = {}
    checks = []
    for line in lines:
        check = LineCheck(line=line)
        checks.append(check)
        computed = _money(line.quantity * line.unit_price)
        if computed != line.amount:
            check.flags.append(
                _("The amount is not quantity × unit price (%(computed)s); the lower is used.")
                % {"computed": rupiah(computed)}
            )
        claimed = min(computed, line.amount)
        key = (
            line.service_date,
            line.kind,
            line.code.strip().upper(),
            line.description.strip().lower(),
            line.quantity,
            line.amount,
        )
        if key in seen:
            check.flags.append(_("Same as line %(n)s: held until the hospital confirms.") % {"n": seen[key]})
            check.held = line.amount
            continue
        seen[key] = line.line_no
        if accident_date and line.service_date < accident_date:
            check.flags.append(_("Dated before the accident: held for the verifier."))
            check.held = line.amount
            continue
        if line.kind == LineKind.CARE:
            check.allowed = claimed
            continue
        price = _price_on(prices.get(line.code.strip().upper(), ()), line.service_date)
        if price is None:
            check.flags.append(
                _("Not on the standard price list in force on %(day)s: held for the verifier.")
                % {"day": line.service_date.strftime("%d-%m-%Y")}
            )
            check.held = line.amount
            continue
        check.standard_price = price.price
        check.standard_amount = _money(line.quantity * price.price)
        check.source = price.source
        check.allowed = min(claimed, check.standard_amount)
        if check.standard_amount < claimed:
            check.flags.append(
                _("Above the standard price of %(price)s per %(unit)s: the standard amount is paid.")
                % {"price": rupiah(price.price), "unit": price.unit or _("unit")}
            )
    return BillCheck(lines=checks)


def check_claim_bill(claim_id: int, accident_date: datetime.date | None) -> BillCheck:
    return check_bill(list(BillLine.objects.filter(claim_id=claim_id).order_by("line_no")), accident_date)
