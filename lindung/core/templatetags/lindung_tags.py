from django import template

from lindung.core import money
from lindung.core.tables import Column, Table

register = template.Library()


@register.inclusion_tag("includes/sort_header.html")
def sort_header(table: Table, column: Column) -> dict[str, object]:
    return {"table": table, "column": column, "state": table.sort_state(column), "url": table.sort_url(column)}


@register.simple_tag
def querystring_with(table: Table, **changes: object) -> str:
    return table.querystring(**changes)


@register.filter
def rupiah(value: int | None) -> str:
    """Rp 1.234.567 (UI-1): Indonesian thousands separator whatever the active language."""
    return money.rupiah(value)


@register.filter
def phone_national(value: str) -> str:
    from lindung.core.phones import format_national

    return format_national(value)
