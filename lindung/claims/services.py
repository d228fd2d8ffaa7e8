"""Writes of the claims app: draft, update (while a draft or asked for documents) and
move along the workflow. Each takes the acting user, checks it, and is atomic."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.core import access
from lindung.participants.models import FamilyMember, Participant, Relationship

from .claim import Claim, ClaimStatus
from .rules import SchoolLevel
from .states import SIGNATURES, claim_day, claim_states

# The facts a coordinator may fill in; the rest of the row belongs to the workflow.
FACT_FIELDS = frozenset(
    {
        "jht_reason",
        "balance",
        "event_date",
        "accident_place",
        "stage1_report_date",
        "stage2_report_date",
        "wage",
        "incapacity_days",
        "medical_bills",
        "accident_death",
        "death_cause",
        "contribution_months",
        "jp_balance",
        "average_annual_wage",
        "bank_account_holder",
        "bank_account_number",
    }
)
EDITABLE_STATUSES = frozenset({ClaimStatus.DRAFT, ClaimStatus.NEEDS_DOCUMENTS})


def _apply_facts(claim: Claim, facts: Mapping[str, Any]) -> None:
    unknown = set(facts) - FACT_FIELDS
    if unknown:
        raise ValidationError(_("Unknown claim facts: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, value in facts.items():
        setattr(claim, name, value)


def _check_family(participant: Participant, members: Sequence[FamilyMember]) -> None:
    if any(member.participant_id != participant.pk for member in members):
        raise ValidationError({"heirs": _("Heirs and children must be the participant's own family members.")})


def _children(participant: Participant, children: Sequence[tuple[FamilyMember, str]]) -> list[dict[str, Any]]:
    _check_family(participant, [member for member, _level in children])
    rows = []
    for member, level in children:
        if member.relationship != Relationship.CHILD:
            raise ValidationError({"scholarship_children": _("%(name)s is not a child.") % {"name": member.full_name}})
        if level not in SchoolLevel.values:
            raise ValidationError({"scholarship_children": _("Choose a school level.")})
        rows.append({"member": member.pk, "level": level})
    return rows


def _save(
    claim: Claim, heirs: Sequence[FamilyMember] | None, children: Sequence[tuple[FamilyMember, str]] | None
) -> None:
    if children is not None:
        claim.scholarship_children = _children(claim.participant, children)
    if heirs is not None:
        _check_family(claim.participant, heirs)
    claim.full_clean(exclude=["participant", "created_by", "heirs"])
    claim.save()
    if heirs is not None:
        claim.heirs.set(heirs)


@transaction.atomic
def claim_draft(
    *,
    actor: Any,
    participant: Participant,
    program: str,
    facts: Mapping[str, Any] | None = None,
    heirs: Sequence[FamilyMember] | None = None,
    children: Sequence[tuple[FamilyMember, str]] | None = None,
) -> Claim:
    principal = access.principal_of(actor)
    access.require_may(principal, Claim, "add", _("You may not draft claims."))
    if not access.permits(principal, participant, "view"):
        raise PermissionDenied(_("You may not draft claims for this participant."))
    claim = Claim(participant=participant, program=program, created_by=actor, status_changed_at=timezone.now())
    # The claim's copies of the coordinator and district are read under the participant's
    # row lock, so a reassignment committing meanwhile cannot leave the old coordinator here.
    owner = Participant.objects.select_for_update().values("coordinator_id", "district_id").get(pk=participant.pk)
    claim.coordinator_id, claim.district_id = owner["coordinator_id"], owner["district_id"]
    _apply_facts(claim, facts or {})
    _save(claim, heirs, children)
    return claim


@transaction.atomic
def claim_update(
    *,
    actor: Any,
    claim: Claim,
    facts: Mapping[str, Any] | None = None,
    heirs: Sequence[FamilyMember] | None = None,
    children: Sequence[tuple[FamilyMember, str]] | None = None,
) -> Claim:
    principal = access.principal_of(actor)
    locked = Claim.objects.select_for_update().select_related("participant").get(pk=claim.pk)
    access.require(principal, locked, "change", _("You may not change this claim."))
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("A claim can be changed only while it is a draft or needs documents (it is %(status)s).")
            % {"status": locked.get_status_display()}
        )
    _apply_facts(locked, facts or {})
    _save(locked, heirs, children)
    return locked


@transaction.atomic
def claim_transition(
    *,
    actor: Any,
    claim: Claim,
    transition: str,
    reason: str = "",
    transaction_code: str = "",
    archive_box: str = "",
    archive_position: str = "",
) -> Claim:
    """Move ``claim`` along the workflow. ``pay`` takes the transaction code and
    ``archive`` the box and position; they are written in the same transaction as the
    move, so a refused move leaves nothing behind."""
    if transition not in claim_states.transitions:
        raise ValidationError(_("Unknown step: %(name)s.") % {"name": transition})
    extra: dict[str, str] = {}
    if transition == "pay":
        code = transaction_code.strip()
        if code and Claim.objects.filter(transaction_code=code).exclude(pk=claim.pk).exists():
            raise ValidationError({"transaction_code": _("This transaction code is already on another claim.")})
        extra = {"transaction_code": code[:40]}
    elif transition == "archive":
        extra = {"archive_box": archive_box.strip()[:40], "archive_position": archive_position.strip()[:20]}
    if extra:
        # The guard reads the locked row, so the values go in first; an exception rolls them back.
        Claim.objects.filter(pk=claim.pk).update(**extra)
    now = timezone.now()

    def save(obj: Claim) -> None:
        fields = ["status", "status_changed_at", "updated_at", *extra]
        obj.status_changed_at = now
        for name, value in extra.items():
            setattr(obj, name, value)
        if transition == "submit":
            obj.submitted_on = claim_day()
            fields.append("submitted_on")
        signer = SIGNATURES.get(transition)
        if signer:
            setattr(obj, f"{signer}_signed_by", actor)
            setattr(obj, f"{signer}_signed_at", now)
            fields += [f"{signer}_signed_by", f"{signer}_signed_at"]
        obj.save(update_fields=fields)

    return claim_states.move(claim, transition, actor=actor, reason=reason, save=save)
