"""The participants import template (REG-4): the columns the import reads, an example row,
and a sheet of the coordinator's villages by name and code, in the user's language."""

import io

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lindung.accounts.models import User
from lindung.core.permissions import staff_required

from .imports.columns import ColumnSpec, header_key
from .imports.participants import COLUMNS
from .imports.villages import home_districts, villages_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_COLUMNS = {"nik", "family_card_number", "membership_number", "phone"}


def column_heading(spec: ColumnSpec) -> str:
    """The column's name in the user's language when the import recognises it, else its
    first Indonesian alias: a downloaded template always reads back."""
    label = str(spec.label)
    known = {header_key(alias) for alias in (spec.field, *spec.aliases)}
    return label if header_key(label) in known else spec.aliases[0].capitalize()


def example_row(village_name: str) -> dict[str, str]:
    return {
        "nik": "1403015705900001",
        "full_name": "Siti Aminah",
        "birth_place": "Bengkalis",
        "birth_date": "17/05/1990",
        "sex": "P",
        "address": "Jl. Sudirman No. 1",
        "village": village_name,
        "phone": "0812-3456-7890",
        "occupation": _("Fisher"),
        "category": "informal",
        "declared_income": "2500000",
        "community_group": "",
    }


def template_workbook(user: User) -> bytes:
    villages = villages_of(home_districts(user if user.is_coordinator else None))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    text = book.add_format({"num_format": "@"})  # NIK, KK, KPJ, phone: text, or Excel keeps 15 digits
    example = book.add_format({"italic": True, "font_color": "#555555"})
    note = book.add_format({"bold": True, "font_color": "#7A1410"})

    sheet = book.add_worksheet(pgettext("sheet name", "Participants")[:31])
    sheet.write_string(0, 0, _("One row per participant, from row 3. Delete the example row before uploading."), note)
    values = example_row(villages[0].name if villages else "Kelapapati")
    for column, spec in enumerate(COLUMNS):
        sheet.write_string(1, column, column_heading(spec), bold)
        sheet.set_column(
            column,
            column,
            22 if spec.field in ("full_name", "address", "village") else 16,
            text if spec.field in TEXT_COLUMNS else None,
        )
        sheet.write_string(2, column, values.get(spec.field, ""), example)
    sheet.freeze_panes(2, 0)

    # Headings that match no import column: the import skips this sheet.
    places = book.add_worksheet(pgettext("sheet name", "Villages")[:31])
    for column, heading in enumerate((_("Village name"), _("Kemendagri code"), _("District"))):
        places.write_string(0, column, heading, bold)
    places.set_column(0, 2, 26)
    if not villages:
        places.write_string(
            1, 0, _("Villages are listed for a coordinator's working district. Write codes, e.g. 14.03.01.2004.")
        )
    for row, village in enumerate(villages, start=1):
        places.write_string(row, 0, village.name)
        places.write_string(row, 1, village.code)
        places.write_string(row, 2, village.parent.name if village.parent else "")
    places.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


@staff_required
def import_template(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    response = HttpResponse(template_workbook(user), content_type=XLSX)
    name = slugify(_("participants import template")) or "template"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
