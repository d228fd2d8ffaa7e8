"""Table helpers for narrow screens, where column headers (and their sort links) are hidden."""

from django import template
from django.utils.translation import gettext as _

from lindung.core.tables import Table

register = template.Library()


def sort_options(table: Table) -> list[tuple[str, str]]:
    """Every sortable column both ways, as (sort value, label)."""
    options = []
    for column in table.columns:
        if column.sort:
            options.append((column.key, _("%(column)s, ascending") % {"column": column.label}))
            options.append((f"-{column.key}", _("%(column)s, descending") % {"column": column.label}))
    return options


def kept_params(table: Table) -> list[tuple[str, str]]:
    """The search and filters to keep when the sort changes; the page starts again at 1."""
    params = table.request.GET
    return [(key, value) for key in params if key not in ("sort", "page") for value in params.getlist(key)]


@register.inclusion_tag("includes/sort_select.html")
def sort_select(table: Table) -> dict[str, object]:
    return {"table": table, "options": sort_options(table), "keep": kept_params(table)}
