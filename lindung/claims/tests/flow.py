"""Moving a claim along the workflow in tests of the packages built on it."""

from typing import Any

from django.test import Client

from lindung.claims.claim import Claim
from lindung.claims.services import claim_transition

from .factories import complete_documents, officer


def branch_staff(admin: Any) -> dict[str, Any]:
    return {
        "services": officer("claims_services"),
        "finance": officer("finance_head"),
        "services_head": officer("services_head"),
        "branch_head": officer("branch_head"),
        "membership": officer("membership"),
        "admin": admin,
    }


def walk_to(claim: Claim, status: str, coordinator: Any, staff: dict[str, Any], box: str = "JHT-2026-12") -> Claim:
    steps = [
        ("submit", coordinator, {}),
        ("verify", staff["services"], {}),
        ("approve", staff["services"], {}),
        ("pay", staff["finance"], {"transaction_code": f"TRX-{claim.pk}"}),
        ("print_voucher", staff["finance"], {}),
        ("sign_services", staff["services_head"], {}),
        ("sign_finance", staff["finance"], {}),
        ("sign_branch", staff["branch_head"], {}),
        ("archive", staff["services"], {"archive_box": box, "archive_position": str(claim.pk)}),
    ]
    order = ["draft", "submitted", "verified", "approved", "paid", "voucher_printed", "signing", "signing", "signed"]
    start = order.index(claim.status) + (1 if claim.finance_signed_at else 0)
    for name, actor, kwargs in steps[start:]:
        if claim.status == status:
            break
        if name == "verify":
            complete_documents(claim, staff["services"])  # verify waits for the checklist
        claim = claim_transition(actor=actor, claim=claim, transition=name, **kwargs)
    assert claim.status == status
    return claim


def client_for(user: Any) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client
