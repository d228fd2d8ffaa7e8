import datetime
from typing import Any

from lindung.accounts.models import Duty, Role
from lindung.claims.claim import Claim, ClaimProgram
from lindung.claims.facts import JhtReason
from lindung.claims.services import claim_draft
from lindung.core.tests.factories import UserFactory
from lindung.participants.tests.factories import ParticipantFactory


def officer(*duties: str) -> Any:
    user = UserFactory(role=Role.OFFICER)
    user.duties.add(*Duty.objects.filter(code__in=duties))
    return user


def jht_claim(coordinator: Any, **facts: Any) -> Claim:
    """A JHT claim at 56 for a participant of ``coordinator``, ready to submit."""
    participant = ParticipantFactory(coordinator=coordinator, birth_date=datetime.date(1960, 1, 1))
    values = {
        "jht_reason": JhtReason.AGE_56,
        "balance": 12_000_000,
        "bank_account_holder": participant.full_name,
        "bank_account_number": "1234567890",
        **facts,
    }
    return claim_draft(actor=coordinator, participant=participant, program=ClaimProgram.OLD_AGE, facts=values)


def png_bytes() -> bytes:
    """A real (tiny) PNG, so the content check accepts it."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def complete_documents(claim: Claim, reviewer: Any = None) -> None:
    """Every required document of ``claim``'s checklist, accepted: what verify needs."""
    from django.core.files.base import ContentFile

    from lindung.claims.documents.checks import checklist
    from lindung.claims.documents.models import ClaimDocument, DocumentStatus

    for row in checklist(claim):
        if row.required and row.document is None:
            document = ClaimDocument(
                claim=claim,
                kind=row.kind,
                original_name=f"{row.kind}.png",
                content_type="image/png",
                size=len(png_bytes()),
                status=DocumentStatus.ACCEPTED,
                uploaded_by=reviewer or claim.created_by,
            )
            document.file.save("upload.png", ContentFile(png_bytes()), save=True)
