"""The participant list's columns: what the list page shows and sorts by, and what the
export sorts by and describes. A plain module, not a views one: other apps import it."""

from django.utils.translation import gettext_lazy

from lindung.core.tables import Column

COLUMNS = [
    Column("name", gettext_lazy("Name"), "full_name"),
    Column("nik", gettext_lazy("NIK"), "nik", "hide-sm"),
    Column("village", gettext_lazy("Village"), "village__name", "hide-sm"),
    Column("group", gettext_lazy("Group"), "community_group__name", "hide-sm"),
    Column("coordinator", gettext_lazy("Coordinator"), "coordinator__first_name", "hide-sm"),
    Column("status", gettext_lazy("Status"), "status"),
    Column("registered", gettext_lazy("Registered"), "registration_date", "hide-sm"),
]
