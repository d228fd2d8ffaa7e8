"""Reads of contribution rules and participants' programs.

"A bill is judged by the rule in force on its own date": ``rule_in_force(kind, category,
program=..., on=date)`` is that one call. For a contribution month the date is the FIRST
DAY of the month (so a rule starting mid-month, like JKP's 0.36 % on 7 Feb 2025, applies
from the next contribution month: February 2025 is still 0.46 %, March 2025 is 0.36 %).
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lindung.core.scoping import get_scoped_or_404
from lindung.participants.models import Participant

from .models import PROGRAM_ORDER, ContributionRule, Holiday, ParticipantProgram, RuleKind

Key = tuple[str, str, str, int]


class RuleMissing(ValidationError):
    """No rule in force for a key on a date: a gap in the data, said plainly."""


def _in_force(on: datetime.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _missing(kind: str, category: str, program: str, on: datetime.date) -> RuleMissing:
    label = " ".join(str(part) for part in (RuleKind(kind).label, program.upper(), category) if part)
    return RuleMissing(_("No contribution rule (%(rule)s) is in force on %(date)s.") % {"rule": label, "date": on})


def rule_in_force(
    kind: str, category: str = "", *, program: str = "", risk_tier: int = 0, on: datetime.date
) -> ContributionRule:
    rule = (
        ContributionRule.objects.filter(
            _in_force(on), kind=kind, category=category, program=program, risk_tier=risk_tier
        )
        .order_by("-valid_from")
        .first()
    )
    if rule is None:
        raise _missing(kind, category, program, on)
    return rule


@dataclass
class RuleBook:
    """Every rule in force on one date, loaded in one query (the calculator needs several)."""

    on: datetime.date
    rules: dict[Key, ContributionRule]

    def get(self, kind: str, category: str = "", *, program: str = "", risk_tier: int = 0) -> ContributionRule:
        rule = self.rules.get((kind, category, program, risk_tier))
        if rule is None:
            raise _missing(kind, category, program, self.on)
        return rule

    def find(self, kind: str, category: str = "", *, program: str = "", risk_tier: int = 0) -> ContributionRule | None:
        return self.rules.get((kind, category, program, risk_tier))

    def programs(self, category: str) -> list[str]:
        """Programs with a contribution rule for the category, in display order."""
        found = {k[2] for k in self.rules if k[0] == RuleKind.PROGRAM_RATE and k[1] == category}
        return [p for p in PROGRAM_ORDER if p in found]

    def mandatory_programs(self, category: str) -> list[str]:
        found = {
            k[2] for k, r in self.rules.items() if k[0] == RuleKind.PROGRAM_RATE and k[1] == category and r.mandatory
        }
        return [p for p in PROGRAM_ORDER if p in found]


def rules_in_force(on: datetime.date) -> RuleBook:
    return RuleBook(on=on, rules={rule.key: rule for rule in ContributionRule.objects.filter(_in_force(on))})


def rule_books(dates: Sequence[datetime.date]) -> dict[datetime.date, RuleBook]:
    """rules_in_force for each of these dates, from one query (a year of months ahead)."""
    if not dates:
        return {}
    first, last = min(dates), max(dates)
    rows = list(
        ContributionRule.objects.filter(Q(valid_from__lte=last) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first)))
    )
    return {
        on: RuleBook(
            on=on, rules={r.key: r for r in rows if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on)}
        )
        for on in dates
    }


def rule_versions(rule: ContributionRule) -> QuerySet[ContributionRule]:
    return ContributionRule.objects.filter(
        kind=rule.kind, category=rule.category, program=rule.program, risk_tier=rule.risk_tier
    ).order_by("valid_from")


def rules_grouped() -> list[tuple[str, list[ContributionRule]]]:
    """All rules, grouped by kind (label, rows), for the admin screen."""
    rows = ContributionRule.objects.order_by("kind", "category", "program", "risk_tier", "valid_from")
    labels = dict(RuleKind.choices)
    return [(str(labels.get(kind, kind)), list(group)) for kind, group in groupby(rows, key=lambda r: r.kind)]


def holidays_between(start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def participant_for_programs(user: Any, pk: int) -> Participant:
    return get_scoped_or_404(user, Participant.objects.select_related("coordinator"), pk=pk)


@dataclass
class Enrolment:
    programs: list[str]
    risk_tier: int | None
    # True when the participant has no program rows and the category's mandatory set is assumed.
    assumed: bool


def participant_programs_on(
    participant: Participant,
    on: datetime.date,
    book: RuleBook | None = None,
    rows: Iterable[ParticipantProgram] | None = None,
) -> Enrolment:
    """``rows``: the participant's program rows when the caller has them (several months)."""
    # A bill run prefetches program_rows for thousands of participants at once; use that.
    prefetched = getattr(participant, "_prefetched_objects_cache", {}).get("program_rows")
    if rows is None:
        rows = list(prefetched) if prefetched is not None else participant_program_rows(participant)
    current = [r for r in rows if r.since <= on and (r.until is None or r.until >= on)]
    if not current:
        book = book or rules_in_force(on)
        return Enrolment(programs=book.mandatory_programs(participant.category), risk_tier=None, assumed=True)
    tier = next((r.risk_tier for r in current if r.risk_tier), None)
    chosen = {r.program for r in current}
    return Enrolment(programs=[p for p in PROGRAM_ORDER if p in chosen], risk_tier=tier, assumed=False)


def participant_program_rows(participant: Participant) -> list[ParticipantProgram]:
    return list(ParticipantProgram.objects.filter(participant=participant))


def participant_program_history(participant: Participant) -> QuerySet[ParticipantProgram]:
    return ParticipantProgram.objects.filter(participant=participant).order_by("-since", "program")
