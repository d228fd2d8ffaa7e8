"""Age outreach (CLM-9): who reaches the JHT age or the JP pension age within the window
and has not claimed; reminders through the messaging outbox; the call log and recap."""

import datetime
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from lindung.claims.claim import ClaimStatus
from lindung.claims.facts import add_months, add_years
from lindung.claims.outreach.models import Outcome, OutreachContact
from lindung.claims.outreach.recap import recap_workbook
from lindung.claims.outreach.selectors import AgeRules, outreach_candidates
from lindung.claims.outreach.services import outreach_contact_log, outreach_remind
from lindung.messaging.models import OutboxMessage
from lindung.participants.models import Category, Status
from lindung.participants.tests.factories import ParticipantFactory

from .factories import jht_claim, officer
from .flow import client_for

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 5)


def ids(user: Any, program: str = "jht", months: int = 3) -> set[int]:
    return set(outreach_candidates(user, program, months, TODAY).values_list("pk", flat=True))


def test_the_window_edge_is_the_56th_birthday_on_the_last_day(coord_a: Any) -> None:
    end = add_months(TODAY, 3)
    on_edge = ParticipantFactory(coordinator=coord_a, birth_date=add_years(end, -56))
    day_after = ParticipantFactory(coordinator=coord_a, birth_date=add_years(end, -56) + datetime.timedelta(days=1))
    long_past = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1950, 1, 1))
    assert ids(coord_a) == {on_edge.pk, long_past.pk}
    assert day_after.pk in ids(coord_a, months=4)
    assert AgeRules("jht").reaches_on(on_edge.birth_date, TODAY) == end


def test_a_claim_on_the_way_removes_them_a_rejected_or_drafted_one_does_not(coord_a: Any) -> None:
    drafted = jht_claim(coord_a)  # born 1960: long past 56
    submitted = jht_claim(coord_a)
    submitted.status = ClaimStatus.SUBMITTED
    submitted.save(update_fields=["status"])
    rejected = jht_claim(coord_a)
    rejected.status = ClaimStatus.REJECTED
    rejected.save(update_fields=["status"])
    found = ids(coord_a)
    assert drafted.participant_id in found and rejected.participant_id in found
    assert submitted.participant_id not in found


def test_the_list_marks_a_drafted_claim_on_its_row_only(
    coord_a: Any, coord_b: Any, django_assert_max_num_queries: Any
) -> None:
    drafted = jht_claim(coord_a)
    pension_draft = jht_claim(coord_a)
    pension_draft.program = "jp"  # a draft of another program is not this list's draft
    pension_draft.save(update_fields=["program"])
    plain = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 1, 1))
    theirs = jht_claim(coord_b)
    client = client_for(coord_a)
    with django_assert_max_num_queries(14):
        body = client.get(reverse("claims:outreach")).content.decode()
    rows = {row.split("</td>")[0]: row for row in body.split('<td><a href="/claims/outreach/')[1:]}
    marked = {key.split("/")[0] for key, row in rows.items() if "claim drafted" in row.split("<br>")[0]}
    assert marked == {str(drafted.participant_id)}
    assert str(plain.pk) in {key.split("/")[0] for key in rows}
    assert theirs.participant.full_name not in body


def test_deceased_and_other_coordinators_participants_are_not_listed(coord_a: Any, coord_b: Any) -> None:
    dead = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 1, 1), status=Status.DECEASED)
    other = ParticipantFactory(coordinator=coord_b, birth_date=datetime.date(1960, 1, 1))
    assert dead.pk not in ids(coord_a) and other.pk not in ids(coord_a)
    assert other.pk in ids(officer("claims_services"))
    assert ids(officer()) == set()


def test_jp_uses_the_pension_age_of_the_year_and_only_wage_earners(coord_a: Any) -> None:
    # Born 1968-06-01: 57 in 2025 (pension age 59 then), 59 on 2027-06-01 (age 59 in 2025-2027).
    earner = ParticipantFactory(
        coordinator=coord_a, birth_date=datetime.date(1968, 6, 1), category=Category.WAGE_EARNER
    )
    informal = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 6, 1), category=Category.INFORMAL)
    assert AgeRules("jp").reaches_on(earner.birth_date, TODAY) == datetime.date(2027, 6, 1)
    assert earner.pk not in ids(coord_a, "jp", 5)
    assert earner.pk in ids(coord_a, "jp", 6)
    assert informal.pk not in ids(coord_a, "jp", 24)


def test_a_reminder_goes_to_the_outbox_once_a_month_and_is_logged(coord_a: Any) -> None:
    person = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1970, 12, 20), full_name="Siti Aminah")
    assert outreach_remind(actor=coord_a, participant_ids=[person.pk], program="jht", today=TODAY) == 1
    outreach_remind(actor=coord_a, participant_ids=[person.pk], program="jht", today=TODAY)
    message = OutboxMessage.objects.get(participant=person)
    assert message.channel == "whatsapp" and message.stage == "claim_outreach_jht_2026-12"
    assert "Siti Aminah" in message.body and "20 Desember 2026" in message.body
    assert OutreachContact.objects.filter(participant=person, outcome=Outcome.QUEUED).count() == 2


def test_reminders_and_contacts_are_refused_to_the_wrong_user(coord_a: Any, coord_b: Any) -> None:
    person = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 1, 1))
    with pytest.raises(PermissionDenied):
        outreach_remind(actor=coord_b, participant_ids=[person.pk], program="jht", today=TODAY)
    with pytest.raises(PermissionDenied):
        outreach_remind(actor=officer("finance_head"), participant_ids=[person.pk], program="jht", today=TODAY)
    with pytest.raises(PermissionDenied):
        outreach_contact_log(
            actor=coord_b, participant=person, program="jht", data={"method": "phone", "outcome": "no_answer"}
        )
    assert not OutboxMessage.objects.exists() and not OutreachContact.objects.exists()
    assert client_for(coord_b).get(reverse("claims:outreach_person", args=[person.pk])).status_code == 404


def test_contact_log_through_the_page_and_a_past_next_date_is_refused(coord_a: Any) -> None:
    person = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 1, 1))
    url = reverse("claims:outreach_person", args=[person.pk])
    client = client_for(coord_a)
    ok = client.post(url, {"program": "jht", "method": "phone", "outcome": "will_claim", "next_step": "Visit branch"})
    assert ok.status_code == 302
    past = client.post(url, {"program": "jht", "method": "phone", "outcome": "no_answer", "next_date": "2000-01-01"})
    assert past.status_code == 400 and "cannot be in the past" in past.content.decode()
    with pytest.raises(ValidationError):
        outreach_contact_log(actor=coord_a, participant=person, program="jkm", data={"method": "phone", "outcome": "x"})
    assert OutreachContact.objects.get().next_step == "Visit branch"
    body = client.get(reverse("claims:outreach")).content.decode()
    assert person.full_name in body


def test_recap_counts_per_month_and_officer(coord_a: Any, coord_b: Any) -> None:
    mine = ParticipantFactory(coordinator=coord_a, birth_date=datetime.date(1960, 1, 1))
    theirs = ParticipantFactory(coordinator=coord_b, birth_date=datetime.date(1960, 1, 1))
    for outcome in ("no_answer", "will_claim"):
        outreach_contact_log(
            actor=coord_a, participant=mine, program="jht", data={"method": "phone", "outcome": outcome}
        )
    outreach_contact_log(
        actor=coord_b, participant=theirs, program="jht", data={"method": "phone", "outcome": "helped"}
    )
    sheet = load_workbook(io.BytesIO(recap_workbook(coord_a))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    header, row = rows
    assert row[1] == "Budi Alpha" and row[2] == 2
    assert row[header.index(str(Outcome.WILL_CLAIM.label))] == 1
    response = client_for(coord_a).get(reverse("claims:outreach_recap"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
