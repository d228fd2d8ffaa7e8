"""Archive search (CLM-8): by program, date range, name, NIK, transaction code, file
number and box; scoped through the access model like every read."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lindung.core import access
from lindung.participants.models import Participant
from lindung.participants.selectors import name_key_of, participants_search

from ..claim import Claim
from .models import ArchiveFile


@dataclass(frozen=True)
class ArchiveQuery:
    q: str = ""
    program: str = ""
    box: str = ""
    archived_from: datetime.date | None = None
    archived_to: datetime.date | None = None


def archive_files_for(user: object) -> QuerySet[ArchiveFile]:
    principal = access.principal_of(user)
    return access.scope(principal, ArchiveFile.objects.select_related("claim__participant"), "view")


def archive_search(user: object, query: ArchiveQuery) -> QuerySet[ArchiveFile]:
    files = archive_files_for(user)
    if query.program:
        files = files.filter(program=query.program)
    if query.box:
        files = files.filter(box=query.box.strip().upper())
    if query.archived_from:
        files = files.filter(archived_on__gte=query.archived_from)
    if query.archived_to:
        files = files.filter(archived_on__lte=query.archived_to)
    text = query.q.strip()
    if text:
        files = _matching(files, text)
    # Newest first, then box and file number, read in the order of the archive_list index.
    return files.order_by("-archived_on", "box", "number")


def _matching(files: QuerySet[ArchiveFile], text: str) -> QuerySet[ArchiveFile]:
    """A transaction code or file number is exact and decisive: when one matches, only it
    is shown. Otherwise the text is read as the participant search reads it (a NIK or its
    first digits, a KPJ, or part of the name; participants.selectors.participants_search),
    each path on its own index instead of one OR across the joined tables. A name is
    looked for in the dossier's copy of it, the rest among the participants."""
    if any(ch.isdigit() for ch in text) and " " not in text:
        variants = list({text, text.upper()})
        # The claim ids as values (at most two): as a subquery the planner guesses half
        # the archive matches and walks all of it (bench.claims --explain).
        codes = list(Claim.objects.filter(transaction_code__in=variants).values_list("pk", flat=True))
        exact = files.filter(Q(claim_id__in=codes) | Q(number__in=variants))
        if exact.exists():
            return exact
    key = name_key_of(text)
    if key:
        # The dossier's own copy of the name (ArchiveFile.name_key): its trigram index finds
        # the few archived matches without reading every participant with that name.
        return files.filter(name_key__contains=key)
    people = participants_search(Participant.objects.all(), text).values("pk")
    return files.filter(claim__participant_id__in=people)


def box_files(user: object, box: str) -> list[ArchiveFile]:
    return list(archive_files_for(user).filter(box=box.strip().upper()).order_by("claim__transaction_code", "id"))
