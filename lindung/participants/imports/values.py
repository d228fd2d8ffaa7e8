"""Read one cell as the value a field needs. Each function raises CellError with a
message for the user; the rules of the domain stay in the services."""

import datetime
import re
from typing import Any

from django.utils.translation import gettext as _

from lindung.participants.models import Category, Sex


class CellError(ValueError):
    pass


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def digits(value: Any) -> str:
    """Numbers typed into Excel arrive as floats: 1403011705900001.0 is a NIK too."""
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(_("Expected digits only."))
        return str(int(value))
    return text(value)


def excel_number_warning(value: Any) -> str:
    # Excel keeps 15 significant digits: a 16-digit NIK stored as a number loses its last one.
    if isinstance(value, float | int) and value >= 10**15:
        return " " + _("Excel stores numbers with 15 digits only: format the column as Text and type the number again.")
    return ""


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and 1 <= value < 100_000:
        # A date cell read without its format: Excel's serial day number.
        return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    raw = text(value).split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("Write the date as dd/mm/yyyy, e.g. 17/05/1990."))


_SEX = {
    "l": Sex.MALE,
    "lk": Sex.MALE,
    "laki": Sex.MALE,
    "lakilaki": Sex.MALE,
    "pria": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "p": Sex.FEMALE,
    "pr": Sex.FEMALE,
    "perempuan": Sex.FEMALE,
    "wanita": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
}


def sex(value: Any) -> str:
    key = re.sub(r"[^a-z]", "", text(value).casefold())
    try:
        return _SEX[key]
    except KeyError as exc:
        raise CellError(_("Write L or P (laki-laki or perempuan).")) from exc


def village_code(value: Any) -> str:
    """14.03.01.2004, or the same ten digits without dots (spreadsheets drop them)."""
    raw = digits(value).replace(" ", "")
    plain = raw.replace(".", "")
    if re.fullmatch(r"[0-9]{10}", plain):
        return f"{plain[:2]}.{plain[2:4]}.{plain[4:6]}.{plain[6:]}"
    raise CellError(_("Write the Kemendagri village code, e.g. 14.03.01.2004."))


_CATEGORY = {
    "informal": Category.INFORMAL,
    "bpu": Category.INFORMAL,
    "bukanpenerimaupah": Category.INFORMAL,
    "informalworker": Category.INFORMAL,
    "pekerjainformal": Category.INFORMAL,
    "wageearner": Category.WAGE_EARNER,
    "pu": Category.WAGE_EARNER,
    "penerimaupah": Category.WAGE_EARNER,
    "construction": Category.CONSTRUCTION,
    "jakon": Category.CONSTRUCTION,
    "jasakonstruksi": Category.CONSTRUCTION,
    "migrant": Category.MIGRANT,
    "pmi": Category.MIGRANT,
    "pekerjamigranindonesia": Category.MIGRANT,
}


def category(value: Any) -> str:
    key = re.sub(r"[^a-z]", "", text(value).casefold())
    if key in _CATEGORY:
        return _CATEGORY[key]
    # The labels as the app shows them, e.g. "Informal worker (BPU)".
    for choice, label in Category.choices:
        if key == re.sub(r"[^a-z]", "", str(label).casefold()):
            return choice
    raise CellError(_("Write one of: BPU, PU, Jakon, PMI."))


def rupiah(value: Any) -> int:
    if isinstance(value, int | float):
        if value < 0:
            raise CellError(_("Enter an amount in rupiah, e.g. 2500000."))
        return int(value)
    raw = re.sub(r"(?i)^rp\.?", "", text(value)).strip()
    # Indonesian notation: 2.500.000 or 2.500.000,00; whole rupiah only.
    raw = re.sub(r",0+$", "", raw).replace(".", "").replace(" ", "")
    if not raw.isdigit():
        raise CellError(_("Enter an amount in rupiah, e.g. 2500000."))
    return int(raw)
