"""Villages in an import written by name or by code. Coordinators know their villages by
name, not by Kemendagri code, so a name is accepted when it names exactly one village in
the districts the rows are imported for (the coordinator's working district)."""

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.regions.models import Level, Region

from . import values


@dataclass(frozen=True)
class VillageName:
    """A village cell that is not a code: resolved against the coordinator's districts."""

    text: str


def village_reference(raw: Any) -> "str | VillageName":
    """The village code (14.03.01.2004), or the name as written."""
    try:
        return values.village_code(raw)
    except values.CellError:
        text = " ".join(values.text(raw).split())
        if re.search(r"[^\W\d_]", text):  # has a letter: a name, not a mistyped code
            return VillageName(text)
        raise


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def home_districts(coordinator: User | None) -> list[Region]:
    district = getattr(coordinator, "district", None)
    return [district] if district is not None else []


def villages_of(districts: list[Region]) -> list[Region]:
    return list(
        Region.objects.filter(parent__in=districts, level=Level.VILLAGE)
        .select_related("parent")
        # Every field the registration reads (level, parent): on PostgreSQL the import streams
        # rows into COPY as they are checked, and a deferred field loaded then would wait on
        # the connection the COPY holds.
        .only("code", "name", "level", "parent", "parent__name", "parent__code")
        .order_by("name", "code")
    )


class VillageNames:
    """Name -> village within the districts, loaded once per import run (a district has tens)."""

    def __init__(self, coordinator: User | None) -> None:
        self.districts = home_districts(coordinator)
        self._by_name: dict[str, list[Region]] | None = None

    def _lookup(self) -> dict[str, list[Region]]:
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for village in villages_of(self.districts):
                self._by_name[_key(village.name)].append(village)
        return self._by_name

    def resolve(self, name: VillageName) -> tuple[Region | None, str]:
        """The village, or None and what to change, in words."""
        if not self.districts:
            return None, _(
                "“%(name)s” is not a village code. Names are matched within a coordinator's working district: "
                "choose the coordinator, or write the Kemendagri code, e.g. 14.03.01.2004."
            ) % {"name": name.text}
        found = self._lookup().get(_key(name.text), [])
        if len(found) == 1:
            return found[0], ""
        districts = ", ".join(d.name for d in self.districts)
        if not found:
            return None, _(
                "No village called “%(name)s” in %(districts)s. Check the spelling against the "
                "Villages sheet of the template, or write the village code."
            ) % {"name": name.text, "districts": districts}
        choices = "; ".join(f"{v.name} ({v.code})" for v in found)
        return None, _(
            "More than one village is called “%(name)s”: write the code of the one you mean (%(choices)s)."
        ) % {
            "name": name.text,
            "choices": choices,
        }
