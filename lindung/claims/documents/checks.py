"""What a claim's documents lack and where its data disagree (CLM-3): the checklist in
force for the claim, and the mismatches between the claim, the registry and what the
documents say. Both are read by the claim pages and by the verify guard (states.py)."""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..claim import Claim, ClaimProgram
from ..facts import JhtReason
from ..rules import RuleKey
from ..selectors import rule_or_none
from .models import ClaimDocument, Condition, DocumentKind, DocumentRequirement, DocumentStatus, MismatchOverride
from .names import compare_names

# Documents about someone else than the participant: their names and numbers differ by design.
OTHER_PEOPLE = frozenset({DocumentKind.HEIR_KTP, DocumentKind.HEIR_STATEMENT, DocumentKind.WITNESS_KTP})


@dataclass(frozen=True)
class ChecklistRow:
    kind: str
    label: str
    required: bool
    legal_basis: str
    document: ClaimDocument | None

    @property
    def status(self) -> str:
        return self.document.status if self.document else DocumentStatus.MISSING

    @property
    def status_label(self) -> str:
        return str(DocumentStatus(self.status).label)

    @property
    def blocks(self) -> bool:
        return self.required and self.status in (DocumentStatus.MISSING, DocumentStatus.REJECTED)


def claim_day_of(claim: Claim) -> datetime.date:
    return claim.submitted_on or timezone.localdate()


def requirements_for(claim: Claim, day: datetime.date) -> list[DocumentRequirement]:
    rows = DocumentRequirement.objects.filter(program=claim.program, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if claim.program == ClaimProgram.OLD_AGE:
        rows = rows.filter(Q(jht_reason="") | Q(jht_reason=claim.jht_reason))
    return list(rows.order_by("position", "id"))


def _npwp_needed(claim: Claim, day: datetime.date) -> bool:
    rule = rule_or_none(RuleKey.ROUTE_NPWP_ABOVE, day)
    return bool(rule and rule.amount is not None and (claim.balance or 0) > rule.amount)


def current_documents(claim: Claim) -> list[ClaimDocument]:
    return list(claim.documents.filter(replaced_by__isnull=True).select_related("uploaded_by", "reviewed_by"))


def checklist(claim: Claim, documents: Iterable[ClaimDocument] | None = None) -> list[ChecklistRow]:
    """The checklist in force on the claim's day, each row with its current document."""
    day = claim_day_of(claim)
    by_kind = {d.kind: d for d in (current_documents(claim) if documents is None else documents)}
    rows: list[ChecklistRow] = []
    for requirement in requirements_for(claim, day):
        if requirement.condition == Condition.NPWP_NEEDED and not _npwp_needed(claim, day):
            continue
        rows.append(
            ChecklistRow(
                kind=requirement.kind,
                label=str(DocumentKind(requirement.kind).label),
                required=requirement.condition != Condition.WHEN_APPLICABLE,
                legal_basis=requirement.legal_basis,
                document=by_kind.pop(requirement.kind, None),
            )
        )
    # Documents uploaded beyond the checklist still show, never required.
    rows += [ChecklistRow(d.kind, d.get_kind_display(), False, "", d) for d in by_kind.values()]
    return rows


@dataclass(frozen=True)
class Mismatch:
    key: str
    what: str
    first_source: str
    first_value: str
    second_source: str
    second_value: str
    reasons: tuple[str, ...]
    overridden: MismatchOverride | None = None


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:64]


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _heir_names(claim: Claim) -> list[str]:
    return list(claim.heirs.values_list("full_name", flat=True)) if claim.pk else []


def _for_heirs(claim: Claim) -> bool:
    return claim.program == ClaimProgram.DEATH or claim.jht_reason == JhtReason.DEATH


def _compare_holder(claim: Claim) -> list[Mismatch]:
    """The account must be the participant's, or an heir's when the participant died."""
    holder = claim.bank_account_holder.strip()
    if not holder:
        return []
    registry = _("Registry") if not _for_heirs(claim) else _("Heirs")
    names = _heir_names(claim) if _for_heirs(claim) else [claim.participant.full_name]
    if not names:
        return []
    results = [compare_names(name, holder, bank=True) for name in names]
    if any(r.same for r in results):
        return []
    return [
        Mismatch(
            _key("holder", holder, *names),
            _("Bank account holder"),
            registry,
            ", ".join(names),
            _("Claim"),
            holder,
            results[0].notes,
        )
    ]


def _compare_document(claim: Claim, document: ClaimDocument) -> list[Mismatch]:
    participant = claim.participant
    source = _("Document: %(kind)s") % {"kind": document.get_kind_display()}
    found: list[Mismatch] = []
    if document.kind not in OTHER_PEOPLE:
        if document.name_on_document.strip():
            result = compare_names(participant.full_name, document.name_on_document)
            if not result.same:
                found.append(
                    Mismatch(
                        _key("name", document.pk, participant.full_name, document.name_on_document),
                        _("Name"),
                        _("Registry"),
                        participant.full_name,
                        source,
                        document.name_on_document,
                        result.notes,
                    )
                )
        nik = _digits(document.nik_on_document)
        if nik and nik != participant.nik:
            found.append(
                Mismatch(
                    _key("nik", document.pk, participant.nik, nik),
                    _("NIK"),
                    _("Registry"),
                    participant.nik,
                    source,
                    nik,
                    (_("The numbers differ: every digit of a NIK must agree."),),
                )
            )
        born = document.birth_date_on_document
        if born and born != participant.birth_date:
            found.append(
                Mismatch(
                    _key("birth", document.pk, participant.birth_date, born),
                    _("Birth date"),
                    _("Registry"),
                    participant.birth_date.isoformat(),
                    source,
                    born.isoformat(),
                    (_("The dates differ."),),
                )
            )
    holder_on_book = document.account_holder_on_document.strip()
    if holder_on_book and claim.bank_account_holder.strip():
        result = compare_names(claim.bank_account_holder, holder_on_book, bank=True)
        if not result.same:
            found.append(
                Mismatch(
                    _key("book", document.pk, claim.bank_account_holder, holder_on_book),
                    _("Bank account holder"),
                    _("Claim"),
                    claim.bank_account_holder,
                    source,
                    holder_on_book,
                    result.notes,
                )
            )
    return found


def mismatches(claim: Claim, documents: Iterable[ClaimDocument] | None = None) -> list[Mismatch]:
    """Every disagreement, each with its override when someone allowed has waved it through."""
    docs = current_documents(claim) if documents is None else list(documents)
    found = _compare_holder(claim)
    for document in docs:
        found += _compare_document(claim, document)
    overrides = {o.key: o for o in MismatchOverride.objects.filter(claim=claim).select_related("decided_by")}
    return [
        Mismatch(
            m.key,
            m.what,
            m.first_source,
            m.first_value,
            m.second_source,
            m.second_value,
            m.reasons,
            overrides.get(m.key),
        )
        for m in found
    ]


def verification_blockers(claim: Claim) -> list[str]:
    """Why the claim cannot be verified yet: required documents missing or rejected, and
    mismatches neither resolved nor overridden."""
    docs = current_documents(claim)
    blockers = [
        _("%(document)s: %(status)s.") % {"document": row.label, "status": row.status_label.lower()}
        for row in checklist(claim, docs)
        if row.blocks
    ]
    blockers += [
        _("%(what)s does not match (%(a)s / %(b)s).") % {"what": m.what, "a": m.first_value, "b": m.second_value}
        for m in mismatches(claim, docs)
        if m.overridden is None
    ]
    return blockers
