"""Each recipient's own time zone, derived from the province part of their district's
code (DOMAIN.md, "Time zones by province code"). Basis: Keputusan Presiden 41/1987 on
the division of Indonesia into three time zones; Indonesia keeps no daylight saving
time, so a fixed offset is exact. Regions carry no time-zone column: the province code
decides, and a new province only needs its code added here."""

import datetime

WIB = datetime.timezone(datetime.timedelta(hours=7), "WIB")
WITA = datetime.timezone(datetime.timedelta(hours=8), "WITA")
WIT = datetime.timezone(datetime.timedelta(hours=9), "WIT")
BASIS = "Keppres 41/1987 (pembagian wilayah waktu)"

_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}


def zone_of(region_code: str | None) -> datetime.timezone:
    """WIB, WITA or WIT for a region code ("64.72.03" or "64"); WIB when unknown (the
    capital's zone, where most participants live)."""
    province = (region_code or "")[:2]
    if province in _WIT:
        return WIT
    if province in _WITA:
        return WITA
    return WIB
