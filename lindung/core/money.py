"""Rupiah as people read it (UI-1): "Rp 1.234.567", with the Indonesian thousands
separator whatever the active language. The one formatter: the `rupiah` template filter
(core/templatetags/lindung_tags.py) and every message, receipt and letter use it."""


def rupiah(value: int | None) -> str:
    """Rp 1.234.567; "–" when there is no amount."""
    if value is None:
        return "–"
    return "Rp " + f"{int(value):,}".replace(",", ".")
