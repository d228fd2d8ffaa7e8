"""Filing an archived claim: a synchronous subscriber of ``claim.status_changed`` writes
the ArchiveFile in the same transaction as the ``archive`` move."""

from django.utils import timezone

from lindung.core import events

from ..claim import Claim, ClaimStatus
from ..facts import add_years
from .models import ArchiveFile, ArchivePolicy


def file_number(claim: Claim, prefix: str, day: object) -> str:
    # Prefix / year / month / claim id: the monthly box a dossier belongs in is readable
    # from its number, and the claim id keeps it unique without a shared counter.
    return f"{prefix}/{day:%Y/%m}/{claim.pk:07d}"


def archive_file_make(claim: Claim, actor_id: int | None) -> ArchiveFile:
    day = timezone.localdate()
    policy = ArchivePolicy.on(claim.program, day)
    prefix = policy.file_prefix if policy else claim.program.upper()
    return ArchiveFile.objects.create(
        claim=claim,
        number=file_number(claim, prefix, day),
        program=claim.program,
        # Box codes are upper case in the index, so a search by box is one indexed lookup.
        box=claim.archive_box.strip().upper(),
        position=claim.archive_position,
        archived_on=day,
        keep_until=add_years(day, policy.retention_years) if policy else None,
        policy=policy,
        archived_by_id=actor_id,
        name_key=claim.participant.name_key,
    )


def _on_archived(event: events.Event) -> None:
    if event.facts.get("target") != ClaimStatus.ARCHIVED or event.subject_id is None:
        return
    archive_file_make(Claim.objects.select_related("participant").get(pk=event.subject_id), event.actor_id)


def register() -> None:
    events.subscribe("claims.archive_file", ["claim.status_changed"], events.after(_on_archived), order=55)
