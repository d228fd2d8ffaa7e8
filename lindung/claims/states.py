"""A claim's workflow (CLM-5), as a state machine (core/states.py).

Coordinators (and administrators) draft and submit; claims services officers verify,
ask for documents, approve or reject (with a reason) and archive; finance records the
payment (with its transaction code) and prints the voucher; the heads of services,
finance and the branch sign off in that order: three transitions from the same statuses
whose guards keep the order and say who is next.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.core.states import StateMachine, Transition

from .claim import Claim, ClaimStatus
from .documents.checks import verification_blockers
from .rules_engine import eligibility

S = ClaimStatus


def claim_day() -> datetime.date:
    """The day a claim is judged on when it is submitted (Indonesian local date)."""
    return timezone.localdate()


def can_submit(claim: Claim) -> str | None:
    missing = claim.missing_facts()
    if missing:
        return _("Fill in before submitting: %(fields)s.") % {"fields": ", ".join(missing)}
    answer = eligibility(claim.participant, claim.facts(), claim_day())
    if not answer.allowed:
        return _("Not eligible: %(reasons)s") % {
            "reasons": " ".join(
                f"{f.message} ({f.legal_basis})" if f.legal_basis else f.message for f in answer.refusals
            )
        }
    return None


def can_verify(claim: Claim) -> str | None:
    """Documents complete and every mismatch resolved or overridden (CLM-3)."""
    blockers = verification_blockers(claim)
    if blockers:
        return _("Not ready to verify: %(blockers)s") % {"blockers": " ".join(blockers)}
    return None


def can_pay(claim: Claim) -> str | None:
    return None if claim.transaction_code.strip() else _("Give the payment's transaction code.")


def can_sign_services(claim: Claim) -> str | None:
    return _("The head of services has already signed.") if claim.services_signed_at else None


def can_sign_finance(claim: Claim) -> str | None:
    if not claim.services_signed_at:
        return _("The head of services signs first.")
    return _("The head of finance has already signed.") if claim.finance_signed_at else None


def can_sign_branch(claim: Claim) -> str | None:
    if not claim.services_signed_at:
        return _("The head of services signs first.")
    if not claim.finance_signed_at:
        return _("The head of finance signs before the branch head.")
    return None


def can_archive(claim: Claim) -> str | None:
    if not (claim.archive_box.strip() and claim.archive_position.strip()):
        return _("Give the archive box and the position in it.")
    return None


_SIGNING = frozenset({S.VOUCHER_PRINTED, S.SIGNING})

TRANSITIONS = (
    Transition(
        "submit",
        frozenset({S.DRAFT, S.NEEDS_DOCUMENTS}),
        S.SUBMITTED,
        gettext_lazy("Submit the claim"),
        guard=can_submit,
    ),
    Transition("verify", frozenset({S.SUBMITTED}), S.VERIFIED, gettext_lazy("Verify the claim"), guard=can_verify),
    Transition(
        "request_documents",
        frozenset({S.SUBMITTED, S.VERIFIED}),
        S.NEEDS_DOCUMENTS,
        gettext_lazy("Ask for documents"),
        needs_reason=True,
    ),
    Transition("approve", frozenset({S.VERIFIED}), S.APPROVED, gettext_lazy("Approve the claim")),
    Transition(
        "reject",
        frozenset({S.SUBMITTED, S.VERIFIED, S.NEEDS_DOCUMENTS}),
        S.REJECTED,
        gettext_lazy("Reject the claim"),
        needs_reason=True,
    ),
    Transition("pay", frozenset({S.APPROVED}), S.PAID, gettext_lazy("Record the payment"), guard=can_pay),
    Transition("print_voucher", frozenset({S.PAID}), S.VOUCHER_PRINTED, gettext_lazy("Print the voucher")),
    Transition("sign_services", _SIGNING, S.SIGNING, gettext_lazy("Sign as head of services"), guard=can_sign_services),
    Transition("sign_finance", _SIGNING, S.SIGNING, gettext_lazy("Sign as head of finance"), guard=can_sign_finance),
    Transition("sign_branch", _SIGNING, S.SIGNED, gettext_lazy("Sign as branch head"), guard=can_sign_branch),
    Transition("archive", frozenset({S.SIGNED}), S.ARCHIVED, gettext_lazy("Archive the dossier"), guard=can_archive),
)

# Which signature each sign-off records.
SIGNATURES = {"sign_services": "services", "sign_finance": "finance", "sign_branch": "branch"}

claim_states: StateMachine[Claim] = StateMachine(Claim, "status", TRANSITIONS, event_prefix="claim")
