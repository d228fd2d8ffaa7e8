"""Archive search (CLM-8): by program, date range, name, NIK, transaction code, file
number and box; scoped through the access model like every read."""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lindung.core import access

from .models import ArchiveFile

NIK_PREFIX = re.compile(r"^\d{4,16}$")


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
        files = files.filter(box__iexact=query.box.strip())
    if query.archived_from:
        files = files.filter(archived_on__gte=query.archived_from)
    if query.archived_to:
        files = files.filter(archived_on__lte=query.archived_to)
    text = query.q.strip()
    if text:
        digits = text.replace(" ", "")
        if NIK_PREFIX.match(digits):
            # A NIK or its first digits, the way the participant search reads one; a
            # transaction code may be all digits too.
            files = files.filter(Q(claim__participant__nik__startswith=digits) | Q(claim__transaction_code=text))
        else:
            files = files.filter(
                Q(claim__transaction_code__iexact=text)
                | Q(number__iexact=text)
                | Q(claim__participant__full_name__icontains=text)
            )
    # Inside a box, dossiers are sorted by transaction code (DOMAIN.md, "How a branch works").
    return files.order_by("-archived_on", "box", "claim__transaction_code", "id")


def box_files(user: object, box: str) -> list[ArchiveFile]:
    return list(archive_files_for(user).filter(box__iexact=box.strip()).order_by("claim__transaction_code", "id"))
