"""The participant fields as lists show them: one place for their names, labels and sort
columns. The list page, the exports (participants) and the API's list rows pick from
it; the admin-only rule is here too. A plain module, not a views one: other apps use it."""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from lindung.core.tables import Column


@dataclass(frozen=True)
class ParticipantField:
    key: str  # the name in ?sort= and the export's column key
    label: "str | Promise"
    sort: str = ""  # the column the list page and the export sort by ("": not sortable)
    api: str = ""  # its name in the API's rows


FIELDS: dict[str, ParticipantField] = {
    field.key: field
    for field in (
        ParticipantField("nik", gettext_lazy("NIK"), "nik", "nik"),
        ParticipantField("name", gettext_lazy("Name"), "full_name", "full_name"),
        ParticipantField("kpj", gettext_lazy("KPJ"), api="membership_number"),
        ParticipantField("sex", gettext_lazy("Sex"), api="sex"),
        ParticipantField("birth_date", gettext_lazy("Date of birth"), api="birth_date"),
        ParticipantField("phone", gettext_lazy("Phone"), api="phone"),
        ParticipantField("village", gettext_lazy("Village"), "village__name", "village"),
        ParticipantField("district", gettext_lazy("District"), api="district"),
        ParticipantField("group", gettext_lazy("Group"), "community_group__name", "community_group"),
        ParticipantField("coordinator", gettext_lazy("Coordinator"), "coordinator__first_name", "coordinator"),
        ParticipantField("category", gettext_lazy("Category"), api="category"),
        ParticipantField("status", gettext_lazy("Status"), "status", "status"),
        ParticipantField("registered", gettext_lazy("Registered"), "registration_date", "registration_date"),
    )
}
# A coordinator's own list would repeat their name on every row.
ADMIN_ONLY = frozenset({"coordinator"})

LIST_KEYS = ("name", "nik", "village", "group", "coordinator", "status", "registered")
_LIST_KEPT_ON_PHONES = frozenset({"name", "status"})
EXPORT_KEYS = tuple(FIELDS)
API_LIST_KEYS = ("nik", "name", "village", "district", "phone", "group", "coordinator", "status", "registered")


def keys_for(user: Any, keys: tuple[str, ...]) -> list[str]:
    """These keys, less the administrators' own for anyone else."""
    return [key for key in keys if getattr(user, "is_admin", False) or key not in ADMIN_ONLY]


def _column(key: str) -> Column:
    field = FIELDS[key]
    return Column(key, field.label, field.sort, "" if key in _LIST_KEPT_ON_PHONES else "hide-sm")


# The list page's columns, as an administrator sees them.
COLUMNS = [_column(key) for key in LIST_KEYS]


def list_columns(user: Any) -> list[Column]:
    return [_column(key) for key in keys_for(user, LIST_KEYS)]


# The fields a person edits on a participant, in the order the form and the API take them:
# the registration form and the API's write serializer both build on this one list.
EDITABLE_FIELDS: tuple[str, ...] = (
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "family_card_number",
    "address",
    "village",
    "phone",
    "email",
    "occupation",
    "category",
    "declared_income",
    "community_group",
    "coordinator",
    "membership_number",
    "status",
    "contact_consent",
    "consent_method",
)
