"""The facts a claim is judged on, apart from where they are stored, so eligibility,
routing and amounts are pure functions of (participant, facts, day) and the rules."""

import calendar
import datetime
from dataclasses import dataclass
from typing import Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class JhtReason(models.TextChoices):
    AGE_56 = "age_56", _("Reached the JHT age")
    RESIGNATION = "resignation", _("Resignation")
    TERMINATION = "termination", _("Termination of employment")
    CONTRACT_END = "contract_end", _("End of a fixed-term contract")
    STOPPED_WORKING = "stopped_working", _("Informal worker stopped working")
    DISABILITY = "disability", _("Permanent total disability")
    DEATH = "death", _("Death")
    LEAVING_INDONESIA = "leaving_indonesia", _("Leaving Indonesia for good")
    PARTIAL_10 = "partial_10", _("Partial claim, up to 10 % (retirement preparation)")
    PARTIAL_30 = "partial_30", _("Partial claim, up to 30 % (housing)")


PARTIAL_REASONS = {JhtReason.PARTIAL_10: "10", JhtReason.PARTIAL_30: "30"}
WAITING_REASONS = frozenset({JhtReason.RESIGNATION, JhtReason.TERMINATION})


class ParticipantFacts(Protocol):
    """What the rules read from a participant (participants.Participant has these)."""

    @property
    def birth_date(self) -> datetime.date: ...
    @property
    def registration_date(self) -> datetime.date: ...
    @property
    def category(self) -> str: ...


@dataclass(frozen=True)
class ScholarshipChild:
    name: str
    level: str  # SchoolLevel


@dataclass(frozen=True)
class ClaimFacts:
    program: str  # contributions.Program value: jht, jkk, jkm, jp
    jht_reason: str = ""
    # The day of the event the claim is about: leaving work, the accident, the death.
    event_date: datetime.date | None = None
    balance: int | None = None  # JHT balance (Rp)
    wage: int | None = None  # monthly wage (Rp), JKK
    incapacity_days: int = 0
    medical_bills: int = 0
    accident_death: bool = False
    contribution_months: int = 0  # JP, and JKM's scholarship
    jp_balance: int | None = None  # JP contributions plus returns, for a lump sum
    average_annual_wage: int | None = None  # JP, indexed
    children: tuple[ScholarshipChild, ...] = ()
    partial_claimed_before: bool = False


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Completed years on ``day``: the birthday itself counts (29 Feb turns on 28 Feb)."""
    years = day.year - birth.year
    return years if add_years(birth, years) <= day else years - 1
