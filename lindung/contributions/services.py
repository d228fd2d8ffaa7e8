"""Writes of contribution rules and participants' programs."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.money import rupiah
from lindung.participants.models import Participant
from lindung.participants.services import participant_update

from .models import PROGRAM_ORDER, ContributionRule, ParticipantProgram, Program, RuleCategory, RuleKind
from .selectors import rules_in_force

# What a new version may change; the key (kind, category, program, tier) stays the base's.
VERSION_FIELDS = (
    "valid_from",
    "valid_to",
    "legal_basis",
    "note",
    "rate",
    "worker_rate",
    "amount",
    "payer",
    "mandatory",
    "day",
    "month_offset",
    "next_working_day",
    "months",
    "options",
)


def rule_check_overlap(rule: ContributionRule) -> None:
    """Refuse a row whose validity overlaps another version of the same key."""
    others = ContributionRule.objects.filter(
        kind=rule.kind, category=rule.category, program=rule.program, risk_tier=rule.risk_tier
    ).exclude(pk=rule.pk)
    overlapping = Q(valid_to__isnull=True) | Q(valid_to__gte=rule.valid_from)
    if rule.valid_to is not None:
        overlapping &= Q(valid_from__lte=rule.valid_to)
    clash = others.filter(overlapping).order_by("valid_from").first()
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": _("These dates overlap the version valid from %(start)s to %(end)s.")
                % {"start": clash.valid_from, "end": clash.valid_to or _("open-ended")}
            }
        )


@transaction.atomic
def rule_create(*, actor: User | None, data: Mapping[str, Any]) -> ContributionRule:
    """A new rule (used by the seed and by tests); versions of an existing rule go through
    ``rule_version_add``."""
    if actor is not None:
        _require_rules_admin(actor)
    rule = ContributionRule(**data, created_by=actor)
    rule.full_clean(validate_constraints=False)
    rule_check_overlap(rule)
    rule.save()
    return rule


@transaction.atomic
def rule_version_add(*, actor: User, base: ContributionRule, data: Mapping[str, Any]) -> ContributionRule:
    """Add a version of ``base``'s rule from ``data["valid_from"]``. The open-ended version
    in force before that date is closed the day before; past versions are never edited
    (bills may already have been judged by them): a correction is a new version."""
    _require_rules_admin(actor)
    unknown = set(data) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"not a rule value: {sorted(unknown)}")
    versions = list(
        ContributionRule.objects.select_for_update()
        .filter(kind=base.kind, category=base.category, program=base.program, risk_tier=base.risk_tier)
        .order_by("valid_from")
    )
    new = ContributionRule(
        kind=base.kind, category=base.category, program=base.program, risk_tier=base.risk_tier, created_by=actor
    )
    for name in VERSION_FIELDS:
        setattr(new, name, data.get(name, getattr(base, name) if name not in ("valid_from", "valid_to") else None))
    if new.valid_from is None:
        raise ValidationError({"valid_from": _("Say from which date the new version applies.")})
    new.full_clean(validate_constraints=False)
    open_version = next((v for v in versions if v.valid_to is None), None)
    if open_version is not None and open_version.valid_from < new.valid_from:
        open_version.valid_to = new.valid_from - datetime.timedelta(days=1)
        open_version._history_user = actor  # type: ignore[attr-defined]
        open_version.save(update_fields=["valid_to"])
    rule_check_overlap(new)
    new._history_user = actor  # type: ignore[attr-defined]
    new.save()
    return new


def _require_rules_admin(actor: User) -> None:
    message = _("Only administrators can change contribution rules.")
    access.require_may(access.principal_of(actor), ContributionRule, "change", message)


def _check_may_change(actor: User, participant: Participant) -> None:
    message = _("You can only change the programs of your own participants.")
    access.require(access.principal_of(actor), participant, "change", message)


@transaction.atomic
def participant_programs_set(
    *,
    actor: User,
    participant: Participant,
    programs: Iterable[str],
    on: datetime.date,
    risk_tier: int | None = None,
) -> list[ParticipantProgram]:
    """Enrol ``participant`` in exactly ``programs`` from ``on``: rows no longer chosen are
    closed the day before (or removed if they had not started yet), new ones open on ``on``.
    The category's mandatory programs cannot be left out."""
    _check_may_change(actor, participant)
    chosen = set(programs)
    book = rules_in_force(on)
    category = participant.category
    if category not in RuleCategory.values:
        raise ValidationError(_("Lindung has no contribution rules for this category yet."))
    available = set(book.programs(category))
    errors: dict[str, list[str]] = {}
    if chosen - available:
        errors["programs"] = [
            _("Not available for this category: %(programs)s.") % {"programs": ", ".join(sorted(chosen - available))}
        ]
    missing = [p for p in book.mandatory_programs(category) if p not in chosen]
    if missing:
        errors.setdefault("programs", []).append(
            _("These programs are mandatory: %(programs)s.") % {"programs": ", ".join(p.upper() for p in missing)}
        )
    tiered = category == RuleCategory.WAGE_EARNER and Program.WORK_ACCIDENT in chosen
    if tiered and risk_tier not in (1, 2, 3, 4, 5):
        errors["risk_tier"] = [_("Choose the workplace risk tier (1 to 5) for JKK.")]
    if errors:
        raise ValidationError(errors)

    wanted_tier = {p: (risk_tier if tiered and p == Program.WORK_ACCIDENT else None) for p in chosen}
    rows = list(
        ParticipantProgram.objects.select_for_update()
        .filter(participant=participant)
        .filter(Q(until__isnull=True) | Q(until__gte=on))
    )
    kept: set[str] = set()
    for row in rows:
        row._history_user = actor  # type: ignore[attr-defined]
        if (
            row.program in chosen
            and row.risk_tier == wanted_tier[row.program]
            and row.until is None
            and row.since <= on
        ):
            kept.add(row.program)
            continue
        if row.since >= on:
            row.delete()
        else:
            row.until = on - datetime.timedelta(days=1)
            row.save(update_fields=["until"])
    created = []
    for program in [p for p in PROGRAM_ORDER if p in chosen and p not in kept]:
        row = ParticipantProgram(participant=participant, program=program, risk_tier=wanted_tier[program], since=on)
        row._history_user = actor  # type: ignore[attr-defined]
        row.save()
        created.append(row)
    return created


@transaction.atomic
def participant_contribution_setup(
    *,
    actor: User,
    participant: Participant,
    programs: Iterable[str],
    on: datetime.date,
    risk_tier: int | None = None,
    declared_income: int | None = None,
) -> Participant:
    """The programs page's save: the declared income (through the participants service,
    so it lands in the participant's history) and the programs, together or not at all."""
    if declared_income is not None and declared_income != participant.declared_income:
        minimum = rules_in_force(on).find(RuleKind.MIN_INCOME, participant.category)
        if minimum is not None and minimum.amount is not None and declared_income < minimum.amount:
            raise ValidationError(
                {
                    "declared_income": _("The lowest income that can be declared is %(minimum)s.")
                    % {"minimum": rupiah(minimum.amount)}
                }
            )
        participant = participant_update(
            actor=actor, participant=participant, data={"declared_income": declared_income}
        )
    participant_programs_set(actor=actor, participant=participant, programs=programs, on=on, risk_tier=risk_tier)
    return participant
