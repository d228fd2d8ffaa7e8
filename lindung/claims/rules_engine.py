"""Eligibility, routing and benefit amounts (CLM-2, CLM-4, CLM-6), as pure functions of
the participant, the claim's facts and the day, reading the benefit rules in force.

Which day judges what:
- eligibility and routing: the day the claim is judged (``on``, normally its submission
  day); JKK expiry: the rule in force on the accident date (the right arises then);
- amounts: JKM by the death date, JKK by the accident date, JHT and JP by ``on``.
Every answer carries its reasons, each citing the legal basis of the row it read.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.contributions.models import Program
from lindung.core.money import rupiah

from .facts import (
    PARTIAL_REASONS,
    WAITING_REASONS,
    ClaimFacts,
    JhtReason,
    ParticipantFacts,
    add_months,
    add_years,
    age_on,
)
from .rules import BenefitRule, RuleKey, SchoolLevel
from .selectors import rule_on, rule_or_none, rules_on


@dataclass(frozen=True)
class Finding:
    ok: bool
    message: str
    legal_basis: str = ""


@dataclass(frozen=True)
class Eligibility:
    findings: tuple[Finding, ...]

    @property
    def allowed(self) -> bool:
        return bool(self.findings) and all(f.ok for f in self.findings)

    @property
    def refusals(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]


def _finding(ok: bool, message: str, rule: BenefitRule | None = None) -> Finding:
    return Finding(ok, message, rule.legal_basis if rule else "")


def _missing(what: str) -> Finding:
    return Finding(False, _("Missing: %(what)s.") % {"what": what})


def eligibility(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> Eligibility:
    checks = {
        Program.OLD_AGE: _jht_eligibility,
        Program.WORK_ACCIDENT: _jkk_eligibility,
        Program.DEATH: _jkm_eligibility,
        Program.PENSION: _jp_eligibility,
    }
    check = checks.get(Program(facts.program)) if facts.program in Program.values else None
    if check is None:
        return Eligibility((Finding(False, _("Claims are not handled for this program.")),))
    event = facts.event_date
    if event is not None and event > on:
        return Eligibility((Finding(False, _("The event date is after the claim date.")),))
    return Eligibility(tuple(check(participant, facts, on)))


def _jht_eligibility(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> list[Finding]:
    reason = facts.jht_reason
    if reason not in JhtReason.values:
        return [_missing(_("the reason for the JHT claim"))]
    basis = rule_or_none(RuleKey.JHT_REASON, on, reason)
    if basis is None:
        return [
            Finding(
                False,
                _("%(reason)s is not a reason for a JHT claim on %(day)s.")
                % {"reason": JhtReason(reason).label, "day": on},
            )
        ]
    if reason == JhtReason.AGE_56:
        rule = rule_on(RuleKey.JHT_FULL_AGE, on)
        age = age_on(participant.birth_date, on)
        limit = rule.quantity or 0
        if age >= limit:
            return [_finding(True, _("Aged %(age)s, at least %(limit)s.") % {"age": age, "limit": limit}, rule)]
        return [
            _finding(
                False,
                _("Aged %(age)s: the full balance is paid from age %(limit)s (on %(day)s).")
                % {"age": age, "limit": limit, "day": add_years(participant.birth_date, limit)},
                rule,
            )
        ]
    if reason in PARTIAL_REASONS:
        return _jht_partial(participant, facts, on)
    if facts.event_date is None:
        return [_missing(_("the date of the event (leaving work, disability, death or departure)"))]
    if reason in WAITING_REASONS:
        rule = rule_on(RuleKey.JHT_WAITING_MONTHS, on)
        opens = add_months(facts.event_date, rule.quantity or 0)
        if on >= opens:
            return [_finding(True, _("The waiting period ended on %(day)s.") % {"day": opens}, rule)]
        return [
            _finding(
                False,
                _("Waiting period after leaving work: the claim opens on %(day)s.") % {"day": opens},
                rule,
            )
        ]
    if reason == JhtReason.STOPPED_WORKING and participant.category != "informal":
        return [_finding(False, _("Only informal workers (BPU) claim because they stopped working."), basis)]
    return [_finding(True, _("Reason: %(reason)s.") % {"reason": JhtReason(reason).label}, basis)]


def _jht_partial(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> list[Finding]:
    years_rule = rule_on(RuleKey.JHT_PARTIAL_MEMBERSHIP_YEARS, on)
    years = years_rule.quantity or 0
    since = add_years(participant.registration_date, years)
    findings = [
        _finding(True, _("Member for at least %(years)s years.") % {"years": years}, years_rule)
        if on >= since
        else _finding(
            False,
            _("A partial claim needs %(years)s years of membership: possible from %(day)s.")
            % {"years": years, "day": since},
            years_rule,
        )
    ]
    if facts.partial_claimed_before:
        findings.append(_finding(False, _("A partial JHT claim can be made only once."), years_rule))
    return findings


def _jkk_eligibility(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> list[Finding]:
    if facts.event_date is None:
        return [_missing(_("the accident date"))]
    rule = rule_on(RuleKey.JKK_EXPIRY_YEARS, facts.event_date)
    expires = add_years(facts.event_date, rule.quantity or 0)
    if on < expires:
        return [_finding(True, _("Claimed before it expires on %(day)s.") % {"day": expires}, rule)]
    return [
        _finding(
            False,
            _("The claim expired on %(day)s, %(years)s years after the accident.")
            % {"day": expires, "years": rule.quantity},
            rule,
        )
    ]


def _jkm_eligibility(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> list[Finding]:
    if facts.event_date is None:
        return [_missing(_("the date of death"))]
    rule = rule_on(RuleKey.JKM_LUMP_SUM, facts.event_date)
    return [_finding(True, _("Death on %(day)s, covered by JKM.") % {"day": facts.event_date}, rule)]


def _jp_eligibility(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> list[Finding]:
    findings = []
    categories = rules_on(RuleKey.JP_CATEGORY, on)
    allowed = {r.variant for r in categories}
    basis = categories[0] if categories else None
    if participant.category in allowed:
        findings.append(_finding(True, _("The participant's category has JP."), basis))
    else:
        findings.append(_finding(False, _("JP is for wage earners only."), basis))
    rule = rule_on(RuleKey.JP_PENSION_AGE, on)
    age = age_on(participant.birth_date, on)
    limit = rule.quantity or 0
    if age >= limit:
        findings.append(
            _finding(True, _("Aged %(age)s, at least the pension age %(limit)s.") % {"age": age, "limit": limit}, rule)
        )
    else:
        findings.append(
            _finding(
                False,
                _("Aged %(age)s: the pension age in %(year)s is %(limit)s.")
                % {"age": age, "year": on.year, "limit": limit},
                rule,
            )
        )
    return findings


# Routing -----------------------------------------------------------------------------


class Channel(models.TextChoices):
    SELF_SERVICE = "jmo", gettext_lazy("JMO self-service app")
    ONLINE = "lapak_asik", gettext_lazy("Online interview service (Lapak Asik)")
    BRANCH = "branch", gettext_lazy("Branch office")


@dataclass(frozen=True)
class Route:
    channel: str
    findings: tuple[Finding, ...]
    bring: tuple[str, ...]
    npwp_required: bool = False


def route(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> Route:
    findings: list[Finding] = []
    npwp = False
    channel = Channel.BRANCH
    if facts.program == Program.OLD_AGE:
        partial = PARTIAL_REASONS.get(JhtReason(facts.jht_reason)) if facts.jht_reason in JhtReason.values else None
        online_partial = {r.variant for r in rules_on(RuleKey.ROUTE_ONLINE_PARTIAL, on)}
        ceiling = rule_on(RuleKey.ROUTE_SELF_SERVICE_MAX, on)
        balance = facts.balance or 0
        if partial is not None and partial in online_partial:
            channel = Channel.ONLINE
            partial_rule = rule_on(RuleKey.ROUTE_ONLINE_PARTIAL, on, partial)
            findings.append(
                _finding(True, _("A %(pct)s %% partial claim is served online.") % {"pct": partial}, partial_rule)
            )
        elif partial is not None:
            findings.append(Finding(True, _("This partial claim is handled at the branch.")))
        elif balance <= (ceiling.amount or 0):
            channel = Channel.SELF_SERVICE
            findings.append(
                _finding(
                    True,
                    _("Balance %(balance)s is at most %(limit)s: JMO self-service.")
                    % {"balance": rupiah(balance), "limit": rupiah(ceiling.amount)},
                    ceiling,
                )
            )
        else:
            channel = Channel.ONLINE
            findings.append(
                _finding(
                    True,
                    _("Balance %(balance)s is above %(limit)s: online interview service or the branch.")
                    % {"balance": rupiah(balance), "limit": rupiah(ceiling.amount)},
                    ceiling,
                )
            )
        npwp_rule = rule_on(RuleKey.ROUTE_NPWP_ABOVE, on)
        npwp = balance > (npwp_rule.amount or 0)
        if npwp:
            findings.append(
                _finding(
                    True,
                    _("Balance above %(limit)s: a tax number (NPWP) is needed.") % {"limit": rupiah(npwp_rule.amount)},
                    npwp_rule,
                )
            )
    else:
        findings.append(Finding(True, _("This program's claims are handled at the branch.")))
    return Route(channel, tuple(findings), tuple(_bring(facts, npwp)), npwp)


def _bring(facts: ClaimFacts, npwp: bool) -> list[str]:
    items = [_("Identity card (KTP)"), _("Family card (KK)"), _("Membership card (KPJ)"), _("Bank book")]
    if facts.program == Program.OLD_AGE:
        if facts.jht_reason in (JhtReason.RESIGNATION, JhtReason.TERMINATION, JhtReason.CONTRACT_END):
            items.append(_("Resignation or termination letter, or the employer's recommendation"))
        if facts.jht_reason == JhtReason.DEATH:
            items += [_("Death certificate"), _("Heirs' identity cards and a statement of heirs")]
        if facts.jht_reason == JhtReason.PARTIAL_30:
            items.append(_("Housing documents (purchase agreement or credit offer)"))
    elif facts.program == Program.WORK_ACCIDENT:
        items += [
            _("Employer's chronology letter"),
            _("Identity cards of two witnesses"),
            _("Attendance record"),
            _("Accident report forms (stage I and II)"),
            _("Doctor's statement and diagnosis"),
            _("Medical and transport receipts"),
            _("Overtime or duty order if outside working hours"),
            _("Police report for a road accident"),
        ]
    elif facts.program == Program.DEATH:
        items += [_("Death certificate"), _("Heirs' identity cards and a statement of heirs")]
        if facts.children:
            items.append(_("Children's school or university enrolment letters"))
    if npwp:
        items.append(_("Tax number (NPWP)"))
    return items


# Amounts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    amount: int
    legal_basis: str = ""


@dataclass(frozen=True)
class Benefit:
    lines: tuple[Line, ...] = field(default_factory=tuple)
    monthly: bool = False  # JP: a monthly pension rather than a lump sum

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)


def benefit(participant: ParticipantFacts, facts: ClaimFacts, on: datetime.date) -> Benefit:
    if facts.program == Program.OLD_AGE:
        return _jht_benefit(facts, on)
    if facts.program == Program.WORK_ACCIDENT:
        return _jkk_benefit(facts)
    if facts.program == Program.DEATH:
        return _jkm_benefit(participant, facts)
    if facts.program == Program.PENSION:
        return _jp_benefit(facts, on)
    return Benefit()


def _jht_benefit(facts: ClaimFacts, on: datetime.date) -> Benefit:
    balance = facts.balance or 0
    partial = PARTIAL_REASONS.get(JhtReason(facts.jht_reason)) if facts.jht_reason in JhtReason.values else None
    if partial is None:
        return Benefit((Line(_("JHT balance"), balance, "PP 46/2015"),))
    rule = rule_on(RuleKey.JHT_PARTIAL_PERCENT, on, partial)
    pct = rule.quantity or 0
    return Benefit(
        (
            Line(
                _("%(pct)s %% of the balance %(balance)s, at most") % {"pct": pct, "balance": rupiah(balance)},
                balance * pct // 100,
                rule.legal_basis,
            ),
        )
    )


DAYS_IN_MONTH = 30  # the incapacity rule counts months of 30 days


def _jkk_benefit(facts: ClaimFacts) -> Benefit:
    if facts.event_date is None:
        return Benefit()
    day = facts.event_date
    wage = facts.wage or 0
    lines = []
    if facts.medical_bills:
        lines.append(Line(_("Medical care as needed, no cap"), facts.medical_bills, "PP 44/2015 art. 25"))
    if facts.incapacity_days:
        first = rule_on(RuleKey.JKK_INCAPACITY, day, "first")
        later = rule_on(RuleKey.JKK_INCAPACITY, day, "later")
        first_days = min(facts.incapacity_days, (first.months or 0) * DAYS_IN_MONTH)
        later_days = facts.incapacity_days - first_days
        for days, rule in ((first_days, first), (later_days, later)):
            if days:
                pct = rule.quantity or 0
                lines.append(
                    Line(
                        _("Temporary incapacity: %(days)s days x %(pct)s %% of %(wage)s / 30")
                        % {"days": days, "pct": pct, "wage": rupiah(wage)},
                        wage * days * pct // (DAYS_IN_MONTH * 100),
                        rule.legal_basis,
                    )
                )
    if facts.accident_death:
        rule = rule_on(RuleKey.JKK_DEATH_WAGE_MONTHS, day)
        times = rule.quantity or 0
        lines.append(
            Line(
                _("Death from a work accident: %(n)s x %(wage)s") % {"n": times, "wage": rupiah(wage)},
                times * wage,
                rule.legal_basis,
            )
        )
    return Benefit(tuple(lines))


def _jkm_benefit(participant: ParticipantFacts, facts: ClaimFacts) -> Benefit:
    if facts.event_date is None:
        return Benefit()
    day = facts.event_date
    lump = rule_on(RuleKey.JKM_LUMP_SUM, day)
    periodic = rule_on(RuleKey.JKM_PERIODIC, day)
    funeral = rule_on(RuleKey.JKM_FUNERAL, day)
    lines = [
        Line(_("Lump sum"), lump.amount or 0, lump.legal_basis),
        Line(
            _("Periodic benefit: %(n)s x %(amount)s") % {"n": periodic.quantity, "amount": rupiah(periodic.amount)},
            (periodic.quantity or 0) * (periodic.amount or 0),
            periodic.legal_basis,
        ),
        Line(_("Funeral costs"), funeral.amount or 0, funeral.legal_basis),
    ]
    return Benefit(tuple(lines + _scholarship(participant, facts, day)))


def _scholarship(participant: ParticipantFacts, facts: ClaimFacts, day: datetime.date) -> list[Line]:
    if not facts.children:
        return []
    most = rule_on(RuleKey.JKM_SCHOLARSHIP_CHILDREN, day)
    contribution_years = rule_or_none(RuleKey.JKM_SCHOLARSHIP_MIN_CONTRIBUTION_YEARS, day)
    if contribution_years is not None:
        if facts.contribution_months < (contribution_years.quantity or 0) * 12:
            return [
                Line(
                    _("No scholarship: fewer than %(n)s years of contributions") % {"n": contribution_years.quantity},
                    0,
                    contribution_years.legal_basis,
                )
            ]
    else:
        membership = rule_on(RuleKey.JKM_SCHOLARSHIP_MIN_MEMBERSHIP_YEARS, day)
        if day < add_years(participant.registration_date, membership.quantity or 0):
            return [
                Line(
                    _("No scholarship: fewer than %(n)s years of membership") % {"n": membership.quantity},
                    0,
                    membership.legal_basis,
                )
            ]
    flat = rule_or_none(RuleKey.JKM_SCHOLARSHIP_FLAT, day)
    if flat is not None:
        return [Line(_("Scholarship (one amount)"), flat.amount or 0, flat.legal_basis)]
    cap = rule_on(RuleKey.JKM_SCHOLARSHIP_CAP, day)
    lines = []
    for child in facts.children[: most.quantity or 0]:
        level = rule_on(RuleKey.JKM_SCHOLARSHIP_LEVEL, day, child.level)
        lines.append(
            Line(
                _("Scholarship for %(name)s, %(level)s: this year (up to %(years)s years, at most %(cap)s per child)")
                % {
                    "name": child.name,
                    "level": SchoolLevel(child.level).label,
                    "years": level.quantity,
                    "cap": rupiah(cap.amount),
                },
                min(level.amount or 0, cap.amount or 0),
                level.legal_basis,
            )
        )
    return lines


def _jp_benefit(facts: ClaimFacts, on: datetime.date) -> Benefit:
    rule = rule_on(RuleKey.JP_MIN_MONTHS, on)
    months = facts.contribution_months
    if months >= (rule.quantity or 0):
        wage = facts.average_annual_wage or 0
        return Benefit(
            (
                Line(
                    _("Monthly pension: 1 %% x %(months)s / 12 x %(wage)s / 12")
                    % {"months": months, "wage": rupiah(wage)},
                    wage * months // (100 * 12 * 12),
                    rule.legal_basis,
                ),
            ),
            monthly=True,
        )
    return Benefit(
        (
            Line(
                _("Lump sum: fewer than %(n)s contribution months; contributions plus returns") % {"n": rule.quantity},
                facts.jp_balance or 0,
                rule.legal_basis,
            ),
        )
    )
