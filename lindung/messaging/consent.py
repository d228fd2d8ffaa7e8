"""The consent ledger (MSG-8): services that add consent facts, and the one question a
sender asks, ``participant_may_be_messaged``.

Consent given or withdrawn through the participant's form arrives as the domain events
``participant.consent_given`` / ``participant.consent_withdrawn``; a *synchronous*
subscriber (subscribers.py) writes the ledger row in the same transaction as the change.
Synchronous on purpose: the dispatcher asks the ledger just before each send, so a
withdrawal must be in the ledger the moment it commits, not after an asynchronous
cursor catches up (a reminder sent in that window is exactly what MSG-8 forbids).
"""

import datetime
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from lindung.accounts.models import User
from lindung.core import access
from lindung.participants.models import Participant

from .models import Channel, ConsentRecord, ConsentScope, ConsentState


def consent_record(
    *,
    actor: User | None,
    participant: Participant,
    given: bool,
    channel: str = ConsentScope.ALL,
    method: str = "",
    evidence: str = "",
    at: datetime.datetime | None = None,
) -> ConsentRecord:
    """Add one consent fact for a participant (for one channel or all)."""
    record = ConsentRecord(
        participant=participant,
        channel=ConsentScope(channel),
        given=given,
        at=at or timezone.now(),
        method=method[:30],
        recorded_by=actor,
        evidence=evidence,
    )
    access.require(access.principal_of(actor), record, "change" if given else "withdraw")
    ledger_add([record])
    return record


def consent_record_many(
    *, participant_ids: Iterable[int], given: bool, method: str, at: datetime.datetime, evidence: str = ""
) -> int:
    """The same fact for many participants at once, by the system (an import, a bulk
    backfill, tests and benchmarks that need thousands): one INSERT."""
    records = [
        ConsentRecord(
            participant_id=pk, channel=ConsentScope.ALL, given=given, at=at, method=method[:30], evidence=evidence
        )
        for pk in participant_ids
    ]
    return len(ledger_add(records))


def ledger_add(records: list[ConsentRecord]) -> list[ConsentRecord]:
    """Append consent facts and bring ``ConsentState`` up to date in the same
    transaction: the one writer of both (the services here and the synchronous event
    subscriber all come through it)."""
    if not records:
        return []
    with transaction.atomic():
        participant_ids = sorted({r.participant_id for r in records})
        # Consent writes for one participant take turns (in id order: no deadlock), so
        # each recomputes the state from a ledger that holds every earlier fact.
        list(Participant.objects.select_for_update().filter(pk__in=participant_ids).values_list("pk", flat=True))
        created = ConsentRecord.objects.bulk_create(records, batch_size=2000)
        _refresh_state(participant_ids)
    return created


def _refresh_state(participant_ids: list[int]) -> None:
    """Recompute each participant's latest fact per channel from the ledger itself (so
    a back-dated fact cannot make the state newer than the ledger says)."""
    for start in range(0, len(participant_ids), 2000):
        chunk = participant_ids[start : start + 2000]
        latest: dict[tuple[int, str], ConsentState] = {}
        facts = (
            ConsentRecord.objects.filter(participant_id__in=chunk)
            .order_by("participant_id", "-at", "-id")
            .values_list("participant_id", "channel", "given", "at", "id")
        )
        for participant_id, scope, given, at, ledger_id in facts:
            for channel in Channel.values if scope == ConsentScope.ALL else [scope]:
                latest.setdefault(
                    (participant_id, channel),
                    ConsentState(
                        participant_id=participant_id, channel=channel, given=given, at=at, ledger_id=ledger_id
                    ),
                )
        ConsentState.objects.bulk_create(
            latest.values(),
            update_conflicts=True,
            unique_fields=["participant", "channel"],
            update_fields=["given", "at", "ledger_id"],
        )


def consent_withdraw(
    *, actor: User | None, participant: Participant, channel: str = ConsentScope.ALL, method: str, evidence: str = ""
) -> ConsentRecord:
    """Opt a participant out (STOP/BERHENTI replies, the UI): on every channel at once
    unless one channel is named."""
    return consent_record(
        actor=actor, participant=participant, given=False, channel=channel, method=method, evidence=evidence
    )


def latest_consent(participant_id: int, channel: str) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(participant_id=participant_id)
        .filter(Q(channel=channel) | Q(channel=ConsentScope.ALL))
        .order_by("-at", "-id")
        .first()
    )


def participant_may_be_messaged(participant: Participant | int, channel: str = Channel.WHATSAPP) -> bool:
    """True only if the latest consent fact covering this channel gives consent."""
    participant_id = participant if isinstance(participant, int) else participant.pk
    record = latest_consent(participant_id, channel)
    return bool(record and record.given)


def participants_who_may_be_messaged(participant_ids: Iterable[int], channel: str) -> set[int]:
    """``participant_may_be_messaged`` for many participants in one query."""
    latest: dict[int, bool] = {}
    records = (
        ConsentRecord.objects.filter(participant_id__in=set(participant_ids))
        .filter(Q(channel=channel) | Q(channel=ConsentScope.ALL))
        .order_by("participant_id", "-at", "-id")
        .values_list("participant_id", "given")
    )
    for participant_id, given in records:
        latest.setdefault(participant_id, given)
    return {pk for pk, given in latest.items() if given}


# The same statement as migration 0009's backfill: every participant's latest fact per
# channel, recomputed from the whole ledger and upserted. A state row is only replaced by
# a newer fact, so a consent written meanwhile (after this statement's snapshot) stays.
REBUILD_STATE_SQL = """
INSERT INTO messaging_consentstate (participant_id, channel, given, at, ledger_id)
SELECT participant_id, ch, given, at, id FROM (
    SELECT r.participant_id, c.ch, r.given, r.at, r.id,
           ROW_NUMBER() OVER (PARTITION BY r.participant_id, c.ch ORDER BY r.at DESC, r.id DESC) AS n
    FROM messaging_consentrecord r
    JOIN (SELECT 'whatsapp' AS ch UNION ALL SELECT 'sms' AS ch) c ON r.channel IN ('all', c.ch)
) latest
WHERE n = 1
ON CONFLICT (participant_id, channel) DO UPDATE
SET given = excluded.given, at = excluded.at, ledger_id = excluded.ledger_id
WHERE (messaging_consentstate.at, messaging_consentstate.ledger_id) < (excluded.at, excluded.ledger_id)
"""


def consent_state_rebuild() -> int:
    """Recompute ConsentState from the whole ledger (after a deploy during which the old
    code wrote consent without it, or to check): rows written or corrected."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(REBUILD_STATE_SQL)
        return max(cursor.rowcount, 0)
