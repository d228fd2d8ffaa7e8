"""Bulk NIK lookup (REG-4): which of these NIKs are my participants, their status and
their arrears. A NIK the user may not see answers exactly like one nobody registered."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from lindung.billing.arrears.selectors import Owed, owed_by_participant
from lindung.participants.imports import values
from lindung.participants.imports.columns import find_header
from lindung.participants.imports.participants import COLUMNS
from lindung.participants.imports.reading import FileProblem, open_spreadsheet
from lindung.participants.models import Participant
from lindung.participants.nik import clean_nik
from lindung.participants.selectors import participants_visible_to

MAX_LOOKUP = 5_000
_QUERY_CHUNK = 1000
_SEPARATORS = re.compile(r"[\r\n,;\t|]+")


class TooMany(Exception):
    pass


@dataclass
class LookupRow:
    query: str
    participant: Participant | None
    well_formed: bool
    arrears: int | None = None
    arrears_months: int | None = None


def arrears_for(participants: Iterable[Participant]) -> dict[int, int | None]:
    """Rupiah past due and unpaid per participant (0: nothing late), one grouped query."""
    return {pid: owed.amount for pid, owed in _owed(participants).items()}


def _owed(participants: Iterable[Participant]) -> dict[int, Owed]:
    return owed_by_participant([p.pk for p in participants])


def niks_from_text(text: str) -> list[str]:
    """NIKs in the order given, without repeats; separators may be anything sensible."""
    found: list[str] = []
    for token in _SEPARATORS.split(text or ""):
        cleaned = clean_nik(token)
        parts = [cleaned] if len(cleaned) == 16 or not cleaned else [clean_nik(t) for t in token.split()]
        found.extend(p for p in parts if p)
    return list(dict.fromkeys(found))


_NIK_ONLY = [spec for spec in COLUMNS if spec.field == "nik"]


def niks_from_file(stream: IO[bytes], filename: str) -> list[str]:
    spreadsheet = open_spreadsheet(stream, filename)
    found: list[str] = []
    for sheet in spreadsheet.sheets():
        rows = list(sheet.rows)
        header = find_header(rows, _NIK_ONLY)
        if header is None or "nik" not in header.columns:
            continue
        index = header.columns["nik"][0]
        for number, row in rows:
            if number > header.row_number and index < len(row) and not values.is_blank(row[index]):
                found.append(clean_nik(values.text(row[index])))
    if not found:
        raise FileProblem(_("No column named NIK was found in the file."))
    return list(dict.fromkeys(found))


def lookup_niks(user: Any, niks: list[str]) -> list[LookupRow]:
    if len(niks) > MAX_LOOKUP:
        raise TooMany(
            _("At most %(max)s NIKs per lookup; you gave %(count)s. Split the list.")
            % {"max": f"{MAX_LOOKUP:,}", "count": f"{len(niks):,}"}
        )
    wanted = [n for n in niks if len(n) == 16 and n.isdigit()]
    found: dict[str, Participant] = {}
    visible = participants_visible_to(user).only("id", "nik", "full_name", "status", "membership_number")
    for start in range(0, len(wanted), _QUERY_CHUNK):
        found.update((p.nik, p) for p in visible.filter(nik__in=wanted[start : start + _QUERY_CHUNK]))
    owed = _owed(found.values())
    rows = []
    for nik in niks:
        participant = found.get(nik)
        debt = owed.get(participant.pk) if participant else None
        rows.append(
            LookupRow(
                query=nik,
                participant=participant,
                well_formed=len(nik) == 16 and nik.isdigit(),
                arrears=debt.amount if debt else None,
                arrears_months=debt.months if debt else None,
            )
        )
    return rows
