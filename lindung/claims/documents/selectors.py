"""Reads of claim documents, through the access model."""

from typing import Any

from lindung.core import access

from .models import ClaimDocument


def document_get_for_user(user: Any, claim_pk: int, document_pk: int) -> ClaimDocument:
    """One document of one claim, or 404 when it does not exist or is not the user's."""
    return access.get_or_404(
        access.principal_of(user),
        ClaimDocument.objects.select_related("claim__participant"),
        pk=document_pk,
        claim_id=claim_pk,
    )
