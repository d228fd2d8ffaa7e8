"""The claim workflow: who may take each step, in which order, and what is recorded."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from lindung.claims.claim import Claim, ClaimProgram, ClaimStatus
from lindung.claims.facts import JhtReason
from lindung.claims.selectors import claim_get_for_user, claims_for
from lindung.claims.services import claim_draft, claim_transition, claim_update
from lindung.core.models import DomainEvent
from lindung.participants.models import FamilyMember, Relationship
from lindung.participants.tests.factories import ParticipantFactory

from .factories import complete_documents, jht_claim, officer

pytestmark = pytest.mark.django_db
S = ClaimStatus


@pytest.fixture
def staff(admin: Any) -> dict[str, Any]:
    return {
        "services": officer("claims_services"),
        "finance": officer("finance_head"),
        "services_head": officer("services_head"),
        "branch_head": officer("branch_head"),
        "membership": officer("membership"),
        "admin": admin,
    }


def move(actor: Any, claim: Claim, name: str, **kwargs: Any) -> Claim:
    return claim_transition(actor=actor, claim=claim, transition=name, **kwargs)


def walk_to(claim: Claim, status: str, coordinator: Any, staff: dict[str, Any]) -> Claim:
    steps = [
        ("submit", coordinator, {}),
        ("verify", staff["services"], {}),
        ("approve", staff["services"], {}),
        ("pay", staff["finance"], {"transaction_code": f"TRX-{claim.pk}"}),
        ("print_voucher", staff["finance"], {}),
        ("sign_services", staff["services_head"], {}),
        ("sign_finance", staff["finance"], {}),
        ("sign_branch", staff["branch_head"], {}),
        ("archive", staff["services"], {"archive_box": "JHT-2026-12", "archive_position": "7"}),
    ]
    for name, actor, kwargs in steps:
        if claim.status == status:
            break
        if name == "verify":
            complete_documents(claim)  # verification needs the documents (documents/checks.py)
        claim = move(actor, claim, name, **kwargs)
    assert claim.status == status
    return claim


def test_the_whole_journey_records_who_when_and_why(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.ARCHIVED, coord_a, staff)
    claim.refresh_from_db()
    assert claim.submitted_on is not None
    assert claim.transaction_code == f"TRX-{claim.pk}"
    assert (claim.archive_box, claim.archive_position) == ("JHT-2026-12", "7")
    assert claim.services_signed_by == staff["services_head"]
    assert claim.finance_signed_by == staff["finance"]
    assert claim.branch_signed_by == staff["branch_head"]
    assert claim.services_signed_at <= claim.finance_signed_at <= claim.branch_signed_at
    events = list(DomainEvent.objects.filter(kind="claim.status_changed").order_by("id"))
    assert [e.payload["transition"] for e in events] == [
        "submit",
        "verify",
        "approve",
        "pay",
        "print_voucher",
        "sign_services",
        "sign_finance",
        "sign_branch",
        "archive",
    ]
    assert events[0].actor_id == coord_a.pk and events[0].participant_id == claim.participant_id
    assert events[-1].payload["target"] == S.ARCHIVED


def test_submit_refuses_an_ineligible_or_incomplete_claim(coord_a: Any) -> None:
    young = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1990, 1, 1))
    claim = claim_draft(
        actor=coord_a,
        participant=young,
        program=ClaimProgram.OLD_AGE,
        facts={"jht_reason": JhtReason.AGE_56, "balance": 1, "bank_account_holder": "X", "bank_account_number": "1"},
    )
    with pytest.raises(ValidationError, match=r"Not eligible: .*from age 56.*\(PP 46/2015"):
        move(coord_a, claim, "submit")
    incomplete = jht_claim(coord_a, bank_account_number="")
    with pytest.raises(ValidationError, match="Fill in before submitting: bank account number"):
        move(coord_a, incomplete, "submit")
    assert Claim.objects.get(pk=claim.pk).status == S.DRAFT


def test_needs_documents_needs_a_reason_and_goes_back_to_the_coordinator(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.SUBMITTED, coord_a, staff)
    with pytest.raises(ValidationError, match="Say why"):
        move(staff["services"], claim, "request_documents")
    claim = move(staff["services"], claim, "request_documents", reason="Bank book unreadable")
    claim = claim_update(actor=coord_a, claim=claim, facts={"bank_account_number": "999"})
    claim = move(coord_a, claim, "submit")
    assert claim.status == S.SUBMITTED


def test_reject_needs_a_reason(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.VERIFIED, coord_a, staff)
    with pytest.raises(ValidationError, match="Say why"):
        move(staff["services"], claim, "reject")
    assert move(staff["services"], claim, "reject", reason="Not the participant's account").status == S.REJECTED


def test_payment_needs_a_unique_transaction_code(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.APPROVED, coord_a, staff)
    with pytest.raises(ValidationError, match="transaction code"):
        move(staff["finance"], claim, "pay")
    other = walk_to(jht_claim(coord_a), S.PAID, coord_a, staff)
    with pytest.raises(ValidationError, match="already on another claim"):
        move(staff["finance"], claim, "pay", transaction_code=other.transaction_code)
    assert Claim.objects.get(pk=claim.pk).transaction_code == ""


def test_archive_needs_box_and_position(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.SIGNED, coord_a, staff)
    with pytest.raises(ValidationError, match="archive box"):
        move(staff["services"], claim, "archive", archive_box="B1")
    assert Claim.objects.get(pk=claim.pk).archive_box == ""


def test_illegal_moves_are_refused_with_the_status(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = jht_claim(coord_a)
    with pytest.raises(ValidationError, match="Approve the claim is not possible from the status Draft"):
        move(staff["admin"], claim, "approve")
    with pytest.raises(ValidationError, match="Unknown step"):
        move(staff["admin"], claim, "teleport")


# The wrong principal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "name", "who"),
    [
        (S.DRAFT, "submit", "coord_b"),
        (S.DRAFT, "submit", "finance"),  # claims services officers draft and submit at the counter
        (S.DRAFT, "submit", "participant"),
        (S.DRAFT, "submit", "anonymous"),
        (S.SUBMITTED, "verify", "coord_a"),
        (S.SUBMITTED, "verify", "finance"),
        (S.SUBMITTED, "verify", "membership"),
        (S.SUBMITTED, "request_documents", "finance"),
        (S.SUBMITTED, "reject", "coord_a"),
        (S.VERIFIED, "approve", "coord_a"),
        (S.VERIFIED, "approve", "finance"),
        (S.VERIFIED, "approve", "branch_head"),
        (S.APPROVED, "pay", "services"),
        (S.APPROVED, "pay", "coord_a"),
        (S.PAID, "print_voucher", "services"),
        (S.VOUCHER_PRINTED, "sign_services", "finance"),
        (S.VOUCHER_PRINTED, "sign_services", "branch_head"),
        (S.SIGNING, "sign_finance", "services_head"),
        (S.SIGNING, "sign_branch", "finance"),
        (S.SIGNED, "archive", "coord_a"),
        (S.SIGNED, "archive", "branch_head"),
    ],
)
def test_the_wrong_principal_is_refused(
    coord_a: Any, coord_b: Any, staff: dict[str, Any], status: str, name: str, who: str
) -> None:
    from django.contrib.auth.models import AnonymousUser

    claim = walk_to(jht_claim(coord_a), status, coord_a, staff)
    if status == S.SIGNING and name == "sign_branch":
        claim = move(staff["finance"], claim, "sign_finance")
    actors = {"coord_a": coord_a, "coord_b": coord_b, "anonymous": AnonymousUser(), **staff}
    if who == "participant":
        from lindung.core.access import Kind, Principal

        actors["participant"] = Principal(Kind.PARTICIPANT, participant_id=claim.participant_id)
    kwargs = {"reason": "x", "transaction_code": "T-1", "archive_box": "B", "archive_position": "1"}
    with pytest.raises(PermissionDenied):
        move(actors[who], claim, name, **kwargs)
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.status == claim.status
    assert fresh.transaction_code == claim.transaction_code


@pytest.mark.parametrize(
    ("name", "who", "message"),
    [
        ("sign_finance", "finance", "The head of services signs first"),
        ("sign_branch", "branch_head", "The head of services signs first"),
    ],
)
def test_a_head_signing_out_of_order_is_refused(
    coord_a: Any, staff: dict[str, Any], name: str, who: str, message: str
) -> None:
    claim = walk_to(jht_claim(coord_a), S.VOUCHER_PRINTED, coord_a, staff)
    with pytest.raises(ValidationError, match=message):
        move(staff[who], claim, name)


def test_the_branch_head_waits_for_finance_and_nobody_signs_twice(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.SIGNING, coord_a, staff)
    with pytest.raises(ValidationError, match="The head of finance signs before the branch head"):
        move(staff["branch_head"], claim, "sign_branch")
    with pytest.raises(ValidationError, match="already signed"):
        move(staff["services_head"], claim, "sign_services")
    claim = move(staff["finance"], claim, "sign_finance")
    with pytest.raises(ValidationError, match="already signed"):
        move(staff["finance"], claim, "sign_finance")


def test_coordinator_b_cannot_draft_update_or_see_a_claim(coord_a: Any, coord_b: Any, staff: dict[str, Any]) -> None:
    claim = jht_claim(coord_a)
    with pytest.raises(PermissionDenied):
        claim_draft(actor=coord_b, participant=claim.participant, program=ClaimProgram.OLD_AGE)
    with pytest.raises(PermissionDenied):
        claim_update(actor=coord_b, claim=claim, facts={"balance": 1})
    # Finance and the branch head do not draft (claims services officers do, at the counter).
    with pytest.raises(PermissionDenied):
        claim_update(actor=staff["finance"], claim=claim, facts={"balance": 1})
    with pytest.raises(PermissionDenied):
        claim_draft(actor=staff["branch_head"], participant=claim.participant, program=ClaimProgram.OLD_AGE)
    assert list(claims_for(coord_b)) == []
    assert list(claims_for(staff["membership"])) == []
    assert list(claims_for(coord_a)) == [claim]
    assert list(claims_for(staff["services"])) == [claim]
    with pytest.raises(Http404):
        claim_get_for_user(coord_b, claim.pk)
    assert claim_get_for_user(coord_a, claim.pk) == claim


def test_a_participant_sees_only_their_own_claims(coord_a: Any) -> None:
    from lindung.core.access import Kind, Principal

    mine, other = jht_claim(coord_a), jht_claim(coord_a)
    me = Principal(Kind.PARTICIPANT, participant_id=mine.participant_id)
    assert list(claims_for(me)) == [mine]
    assert other not in claims_for(me)


def test_update_only_while_draft_or_needs_documents(coord_a: Any, staff: dict[str, Any]) -> None:
    claim = walk_to(jht_claim(coord_a), S.SUBMITTED, coord_a, staff)
    with pytest.raises(ValidationError, match="only while it is a draft"):
        claim_update(actor=coord_a, claim=claim, facts={"balance": 1})


def test_unknown_facts_are_refused(coord_a: Any) -> None:
    claim = jht_claim(coord_a)
    with pytest.raises(ValidationError, match="Unknown claim facts: status"):
        claim_update(actor=coord_a, claim=claim, facts={"status": S.PAID})


def test_jkm_heirs_come_from_the_participants_family(coord_a: Any, staff: dict[str, Any]) -> None:
    participant = ParticipantFactory(coordinator=coord_a)
    stranger = ParticipantFactory(coordinator=coord_a)
    spouse = FamilyMember.objects.create(participant=participant, full_name="Sri", relationship=Relationship.SPOUSE)
    child = FamilyMember.objects.create(participant=participant, full_name="Ayu", relationship=Relationship.CHILD)
    theirs = FamilyMember.objects.create(participant=stranger, full_name="Dewi", relationship=Relationship.SPOUSE)
    facts = {
        "event_date": datetime.date(2026, 10, 1),
        "death_cause": "illness",
        "contribution_months": 48,
        "bank_account_holder": "Sri",
        "bank_account_number": "1",
    }
    with pytest.raises(ValidationError, match="own family members"):
        claim_draft(actor=coord_a, participant=participant, program=ClaimProgram.DEATH, facts=facts, heirs=[theirs])
    with pytest.raises(ValidationError, match="is not a child"):
        claim_draft(
            actor=coord_a, participant=participant, program=ClaimProgram.DEATH, facts=facts, children=[(spouse, "smp")]
        )
    claim = claim_draft(actor=coord_a, participant=participant, program=ClaimProgram.DEATH, facts=facts)
    with pytest.raises(ValidationError, match="Fill in before submitting: heirs"):
        move(coord_a, claim, "submit")
    claim = claim_update(actor=coord_a, claim=claim, heirs=[spouse], children=[(child, "smp")])
    assert claim.facts().children[0].name == "Ayu"
    assert move(coord_a, claim, "submit").status == S.SUBMITTED


def test_a_partial_jht_claim_only_once(coord_a: Any, staff: dict[str, Any]) -> None:
    participant = ParticipantFactory(coordinator=coord_a, registration_date=datetime.date(2010, 1, 1))
    facts = {"jht_reason": JhtReason.PARTIAL_10, "balance": 1, "bank_account_holder": "A", "bank_account_number": "1"}
    first = claim_draft(actor=coord_a, participant=participant, program=ClaimProgram.OLD_AGE, facts=facts)
    second = claim_draft(actor=coord_a, participant=participant, program=ClaimProgram.OLD_AGE, facts=facts)
    move(coord_a, first, "submit")
    with pytest.raises(ValidationError, match="only once"):
        move(coord_a, second, "submit")


def test_every_status_change_leaves_a_pending_notification(coord_a: Any, staff: dict[str, Any]) -> None:
    from lindung.claims.models import ClaimNotification, NotificationState

    claim = walk_to(jht_claim(coord_a), S.VERIFIED, coord_a, staff)
    claim = move(staff["services"], claim, "request_documents", reason="KTP photo blurred")
    rows = list(ClaimNotification.objects.filter(claim=claim))
    assert [(n.status, n.state) for n in rows] == [
        (S.SUBMITTED, NotificationState.PENDING),
        (S.VERIFIED, NotificationState.PENDING),
        (S.NEEDS_DOCUMENTS, NotificationState.PENDING),
    ]
    assert rows[-1].reason == "KTP photo blurred"
    assert {n.participant_id for n in rows} == {claim.participant_id}


def test_a_refused_move_leaves_no_notification(coord_a: Any, coord_b: Any) -> None:
    from lindung.claims.models import ClaimNotification

    claim = jht_claim(coord_a)
    with pytest.raises(PermissionDenied):
        move(coord_b, claim, "submit")
    assert not ClaimNotification.objects.exists()
