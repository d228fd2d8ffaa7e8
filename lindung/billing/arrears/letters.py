"""Contribution notice letters (SPI, CON-5): one A4 letter per late payer, bundled as one
PDF per coordinator, who prints and delivers their own (the branch prints them "per
account representative, with address and phone on the envelope", DOMAIN.md). Several
coordinators at once make a ZIP of their PDFs, so each bundle stays a file of its own
that can be forwarded or printed separately.

Rendered by WeasyPrint from HTML with everything embedded; the URL fetcher refuses any
other resource, so rendering never touches the network or the file system.
"""

import datetime
import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lindung.accounts.models import User
from lindung.billing.arrears.selectors import FineRules, arrears_by_participant, arrears_search, open_past_due
from lindung.billing.models import Bill, CollectionAccount, PaymentMethod
from lindung.contributions.calculator import month_start, months_late
from lindung.contributions.models import RuleKind
from lindung.contributions.selectors import rules_in_force
from lindung.core.phones import format_national
from lindung.participants.models import Participant, Status

# Up to this many letters the PDF is made during the request: WeasyPrint renders about
# five letters a second on this 2-core machine (200 took 41 s). Beyond, a background job
# makes them, with progress (UI-5).
LETTERS_SYNC_MAX = 30

ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
# Letters are rendered this many at a time: WeasyPrint holds a whole document in memory.
RENDER_CHUNK = 200


@dataclass
class LetterLine:
    month: datetime.date
    due_date: datetime.date
    unpaid: int
    months_late: int
    fine: int


@dataclass
class Letter:
    participant: Participant
    number: str
    lines: list[LetterLine]
    lapse_months: int | None
    fine_rate: Decimal | None
    coordinator_name: str
    coordinator_phone: str
    accounts: list[CollectionAccount] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.unpaid for line in self.lines)

    @property
    def fine_total(self) -> int:
        return sum(line.fine for line in self.lines)

    @property
    def is_non_active(self) -> bool:
        return self.participant.status == Status.NON_ACTIVE

    @property
    def phone(self) -> str:
        return format_national(self.participant.phone)


def letter_number(participant: Participant, on: datetime.date) -> str:
    """Indonesian letter numbering (serial/kind/Roman month/year); one letter per
    participant per month, so printing again the same month gives the same number."""
    return f"{participant.pk:06d}/SPI/{ROMAN[on.month]}/{on.year}"


def letters_build(participant_ids: Sequence[int], on: datetime.date) -> list[Letter]:
    """The letters' content, in the order of ``participant_ids``: a fixed number of
    queries whatever the number of letters."""
    participants = {
        p.pk: p
        for p in Participant.objects.filter(pk__in=list(participant_ids)).select_related(
            "village", "district", "district__parent", "coordinator"
        )
    }
    bills: dict[int, list[Bill]] = defaultdict(list)
    for bill in Bill.objects.filter(open_past_due(on), participant_id__in=list(participant_ids)).order_by(
        "participant_id", "month"
    ):
        bills[bill.participant_id].append(bill)
    fines = FineRules()
    book = rules_in_force(month_start(on))
    coordinator_ids = {p.coordinator_id for p in participants.values() if p.coordinator_id}
    accounts: dict[int, list[CollectionAccount]] = defaultdict(list)
    for account in CollectionAccount.objects.filter(coordinator_id__in=coordinator_ids, is_active=True):
        accounts[account.coordinator_id].append(account)
    letters = []
    for pid in participant_ids:
        participant = participants.get(pid)
        if participant is None or not bills.get(pid):
            continue
        lapse = book.find(RuleKind.LAPSE, participant.category)
        fine_rule = fines.rule_for(participant.category, month_start(on))
        coordinator = participant.coordinator
        letters.append(
            Letter(
                participant=participant,
                number=letter_number(participant, on),
                lines=[_line(bill, on, fines) for bill in bills[pid]],
                lapse_months=lapse.months if lapse is not None and lapse.months else None,
                fine_rate=fine_rule.rate if fine_rule is not None else None,
                coordinator_name=str(coordinator) if coordinator else "",
                coordinator_phone=format_national(coordinator.phone) if coordinator and coordinator.phone else "",
                accounts=accounts.get(participant.coordinator_id or 0, []),
            )
        )
    return letters


def _line(bill: Bill, on: datetime.date, fines: FineRules) -> LetterLine:
    late = months_late(bill.due_date, on)
    unpaid = bill.amount - bill.paid_amount
    return LetterLine(
        month=bill.month,
        due_date=bill.due_date,
        unpaid=unpaid,
        months_late=late,
        fine=fines.fine(unpaid=unpaid, months=late, month=bill.month, category=bill.category),
    )


def issuer_name() -> str:
    return getattr(settings, "LINDUNG_CARD_ISSUER", "") or "Lindung"


def _document(letters: Iterable[Letter], on: datetime.date) -> Any:
    context = {
        "letters": list(letters),
        "on": on,
        "issuer": issuer_name(),
        "methods": list(PaymentMethod.objects.filter(is_active=True).order_by("name")),
    }
    html = render_to_string("billing/pdf/letters.html", context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).render()


def render_letters_pdf(letters: Iterable[Letter], on: datetime.date) -> bytes:
    pdf: bytes = _document(letters, on).write_pdf()
    return pdf


@dataclass
class Group:
    """One coordinator's late payers (coordinator None: participants without one)."""

    coordinator: User | None
    participant_ids: list[int]

    @property
    def filename_part(self) -> str:
        if self.coordinator is None:
            return "no-coordinator"
        # The id keeps two coordinators of the same name apart in a ZIP.
        return f"{slugify(str(self.coordinator)) or 'coordinator'}-{self.coordinator.pk}"


def letter_groups(user: Any, filters: Mapping[str, Any], q: str = "", on: datetime.date | None = None) -> list[Group]:
    """The late payers of the arrears page's current filter and search (scoped to the
    user), grouped by coordinator, each group by participant name."""
    on = on or timezone.localdate()
    rows = arrears_by_participant(user, filters, on)
    if q:
        rows = arrears_search(rows, q)
    ids = [row["participant"] for row in rows.iterator(chunk_size=5000)]
    grouped: dict[int | None, list[tuple[str, int]]] = defaultdict(list)
    for start in range(0, len(ids), 2000):
        for pid, coordinator_id, name in Participant.objects.filter(pk__in=ids[start : start + 2000]).values_list(
            "pk", "coordinator_id", "full_name"
        ):
            grouped[coordinator_id].append((name.casefold(), pid))
    coordinators = User.objects.in_bulk([c for c in grouped if c is not None])
    groups = [
        Group(coordinator=coordinators.get(cid) if cid else None, participant_ids=[pid for _n, pid in sorted(items)])
        for cid, items in grouped.items()
    ]
    groups.sort(key=lambda g: (g.coordinator is None, str(g.coordinator or "").casefold()))
    return groups


def letters_count(groups: Iterable[Group]) -> int:
    return sum(len(group.participant_ids) for group in groups)


def _group_pdf(group: Group, on: datetime.date, progress: Callable[[int], None]) -> bytes:
    if len(group.participant_ids) <= RENDER_CHUNK:
        pdf = render_letters_pdf(letters_build(group.participant_ids, on), on)
        progress(len(group.participant_ids))
        return pdf
    # A big bundle is rendered in parts (memory) and the parts' pages joined into one PDF.
    documents = []
    for start in range(0, len(group.participant_ids), RENDER_CHUNK):
        chunk = group.participant_ids[start : start + RENDER_CHUNK]
        documents.append(_document(letters_build(chunk, on), on))
        progress(len(chunk))
    pages = [page for document in documents for page in document.pages]
    joined: bytes = documents[0].copy(pages).write_pdf()
    return joined


@dataclass
class LettersFile:
    content: bytes
    filename: str
    content_type: str
    letters: int


def letters_file(
    groups: Sequence[Group], on: datetime.date, report: Callable[[int, int], None] | None = None
) -> LettersFile:
    """One group: its PDF. Several: a ZIP with one PDF per coordinator."""
    total = letters_count(groups)
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if report:
            report(done, total)

    stamp = f"{on:%Y-%m}"
    if len(groups) == 1:
        group = groups[0]
        return LettersFile(
            _group_pdf(group, on, progress), f"SPI-{stamp}-{group.filename_part}.pdf", "application/pdf", total
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for group in groups:
            archive.writestr(f"SPI-{stamp}-{group.filename_part}.pdf", _group_pdf(group, on, progress))
    return LettersFile(buffer.getvalue(), f"SPI-{stamp}.zip", "application/zip", total)
