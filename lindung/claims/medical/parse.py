"""Reading the cells of an imported price list or bill: rupiah written the Indonesian way
("Rp 12.500", "12.500,00"), quantities with a decimal comma, and dates as Excel gives
them or as dd-mm-yyyy / yyyy-mm-dd text."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_RUPIAH_TEXT = re.compile(r"^(?:rp\.?)?\s*([\d.\s]+)(?:,0+)?$", re.IGNORECASE)


class CellError(ValueError):
    pass


def rupiah_cell(value: object, label: str) -> int:
    if isinstance(value, bool):
        raise CellError(_("%(label)s is not an amount.") % {"label": label})
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        amount = round(value)
    else:
        match = _RUPIAH_TEXT.match(str(value or "").strip())
        if not match:
            raise CellError(_("%(label)s is not an amount in rupiah: %(value)s.") % {"label": label, "value": value})
        amount = int(re.sub(r"[.\s]", "", match.group(1)) or "0")
    if amount < 0:
        raise CellError(_("%(label)s cannot be negative.") % {"label": label})
    return amount


def quantity_cell(value: object) -> Decimal:
    text = str(value if value is not None else "").strip().replace(",", ".")
    try:
        quantity = Decimal(text)
    except InvalidOperation as error:
        raise CellError(_("The quantity is not a number: %(value)s.") % {"value": value}) from error
    if quantity <= 0 or quantity != quantity.quantize(Decimal("0.01")) or quantity >= Decimal("100000000"):
        raise CellError(_("The quantity must be above 0, with at most two decimals."))
    return quantity


def date_cell(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(_("The date is not a date (dd-mm-yyyy): %(value)s.") % {"value": value})
