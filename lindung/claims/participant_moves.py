"""Keep each claim's copy of its participant's coordinator and district current, and
each archived dossier's copy of the participant's folded name (the archive search's).

The claim's coordinator decides who may see it (Claim.ACCESS), so the copy must never
lag: the rewrite runs synchronously, in the transaction that reassigns or moves the
participant, from the participant rows as they are after the change. The participants
app only announces the change (it may not import claims)."""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from lindung.core import events
from lindung.participants.models import Participant

from .archive.models import ArchiveFile
from .claim import Claim

# Participant ids per UPDATE: keeps the IN list well inside SQLite's variable limit.
CHUNK = 1000
# The participant fields the copies follow: the district is derived from the village (a
# bulk update lists "district" among its fields whatever changed, so it is not a signal).
COPIED_FROM = frozenset({"coordinator", "village"})
# The archive's copy follows the name (name_key is derived from it; a bulk update lists
# "name_key" whatever changed, so it is not a signal either).
NAME_FROM = frozenset({"full_name"})


def claims_follow_participants(participant_ids: Iterable[int]) -> int:
    """Rewrite the copies on every claim of these participants; returns rows changed."""
    ids = sorted(set(participant_ids))
    owner = Participant.objects.filter(pk=OuterRef("participant_id"))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        changed += Claim.objects.filter(participant_id__in=ids[start : start + CHUNK]).update(
            coordinator_id=Subquery(owner.values("coordinator_id")[:1]),
            district_id=Subquery(owner.values("district_id")[:1]),
        )
    return changed


def archive_follows_names(participant_ids: Iterable[int]) -> int:
    """Rewrite the name copy on every archived dossier of these participants."""
    ids = sorted(set(participant_ids))
    owner = Participant.objects.filter(claims=OuterRef("claim_id"))
    changed = 0
    for start in range(0, len(ids), CHUNK):
        files = ArchiveFile.objects.filter(claim__participant_id__in=ids[start : start + CHUNK])
        changed += files.update(name_key=Subquery(owner.values("name_key")[:1]))
    return changed


def _on_participant_change(event: events.Event) -> None:
    fields = event.facts.get("fields")
    touched = set(fields) if fields is not None else None
    # An edit that touched none of the copied fields leaves the claims as they are.
    if event.kind == "participants.reassigned" or touched is None or COPIED_FROM & touched:
        claims_follow_participants(event.participant_ids)
    if event.kind != "participants.reassigned" and (touched is None or NAME_FROM & touched):
        archive_follows_names(event.participant_ids)


def register() -> None:
    events.subscribe(
        "claims.follow_participants",
        ["participants.reassigned", "participant.changed", "participants.updated"],
        events.after(_on_participant_change),
        order=62,
    )
