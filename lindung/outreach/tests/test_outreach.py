import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lindung.core.tests.factories import bengkalis_village
from lindung.outreach import selectors, services
from lindung.outreach.models import Attribution, CheckinVia, OutreachEvent, Question
from lindung.outreach.scoring import change, score
from lindung.outreach.tests.factories import outreach_event
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _right_answers(event: OutreachEvent, wrong: int = 0) -> dict[str, int]:
    """Answers with the first ``wrong`` questions answered wrongly."""
    answers = {}
    for index, question in enumerate(event.questions.order_by("position", "pk")):
        answers[str(question.pk)] = (
            (question.correct + 1) % len(question.choices_id) if index < wrong else question.correct
        )
    return answers


def test_scoring_counts_right_answers_and_unanswered_as_wrong():
    questions = list(Question.objects.all())
    assert len(questions) == 5
    answers = {str(q.pk): q.correct for q in questions[:3]}
    answers[str(questions[3].pk)] = questions[3].correct + 1
    assert score(questions, answers) == (3, 5)


def test_the_change_is_after_minus_before_and_paired_for_those_who_answered_both():
    rows = [(1, "pre", 1, 5), (1, "post", 4, 5), (2, "pre", 3, 5), (3, "post", 5, 5)]
    result = change(rows)
    assert result.before == pytest.approx(40.0) and result.after == pytest.approx(90.0)
    assert result.overall == pytest.approx(50.0)
    assert (result.paired, result.paired_count) == (pytest.approx(60.0), 1)
    assert change([]).overall is None


def test_a_coordinator_plans_an_event_that_is_theirs_with_the_current_questions(coord_a):
    data = services.EventInput(
        title="Sosialisasi", village=bengkalis_village(), place="Masjid", starts_at=datetime.datetime.now(datetime.UTC)
    )
    event = services.event_create(actor=coord_a, data=data)
    assert event.coordinator == coord_a and event.questions.count() == 5


def test_an_admin_must_name_the_coordinator(admin):
    data = services.EventInput(
        title="S", village=bengkalis_village(), place="M", starts_at=datetime.datetime.now(datetime.UTC)
    )
    with pytest.raises(ValidationError):
        services.event_create(actor=admin, data=data)


def test_qr_checkin_and_the_after_questionnaire_give_the_score_change(coord_a, client):
    event = outreach_event(coordinator=coord_a)
    pre = {f"q{k}": v for k, v in _right_answers(event, wrong=3).items()}
    response = client.post(reverse("outreach:checkin", args=[event.checkin_code]), {"name": "Ani", "phone": "", **pre})
    attendee = event.attendees.get()
    assert attendee.via == CheckinVia.QR and response.url == reverse("outreach:after", args=[attendee.token])
    post = {f"q{k}": v for k, v in _right_answers(event, wrong=0).items()}
    page = client.post(response.url, post).content.decode()
    assert "5 of 5 right" in page
    figures = selectors.figures([event])[0]
    assert figures.attendees == 1
    assert (figures.change.before, figures.change.after, figures.change.overall) == (40.0, 100.0, 60.0)
    # The after questionnaire is answered once.
    client.post(response.url, {f"q{k}": 0 for k in _right_answers(event)})
    assert attendee.responses.count() == 2
    assert client.get(reverse("outreach:checkin", args=["wrong-code"])).status_code == 404


def test_attendance_by_list_refuses_a_line_without_a_name_and_keeps_nothing(coord_a):
    event = outreach_event(coordinator=coord_a)
    with pytest.raises(ValidationError, match="Lines 2"):
        services.attendees_add(actor=coord_a, event=event, lines="Ani, 0812\n, 0813\nBudi")
    assert not event.attendees.exists()
    services.attendees_add(actor=coord_a, event=event, lines="Ani, 0812\n\nBudi")
    assert list(event.attendees.values_list("name", "phone", "via")) == [
        ("Ani", "0812", CheckinVia.LIST),
        ("Budi", "", CheckinVia.LIST),
    ]


def test_another_coordinator_may_not_touch_the_event(coord_a, coord_b, client):
    event = outreach_event(coordinator=coord_a)
    with pytest.raises(PermissionDenied):
        services.attendees_add(actor=coord_b, event=event, lines="Ani")
    with pytest.raises(PermissionDenied):
        services.attribute(actor=coord_b, event=event, participant_ids=[])
    client.force_login(coord_b)
    assert client.get(reverse("outreach:event", args=[event.pk])).status_code == 404
    assert list(selectors.events_for(coord_b)) == []


def test_registrations_since_the_event_are_attributed_once(coord_a, coord_b):
    event = outreach_event(coordinator=coord_a)
    day = event.starts_at.date()
    before = ParticipantFactory(coordinator=coord_a, registration_date=day - datetime.timedelta(days=1))
    after = ParticipantFactory(coordinator=coord_a, registration_date=day + datetime.timedelta(days=3))
    too_late = ParticipantFactory(
        coordinator=coord_a, registration_date=day + datetime.timedelta(days=services.ATTRIBUTION_DAYS + 1)
    )
    not_mine = ParticipantFactory(coordinator=coord_b, registration_date=day)
    assert services.attribution_candidates(coord_a, event) == [after]
    with pytest.raises(ValidationError):
        services.attribute(actor=coord_a, event=event, participant_ids=[after.pk, not_mine.pk])
    assert services.attribute(actor=coord_a, event=event, participant_ids=[after.pk]) == 1
    assert services.attribution_candidates(coord_a, event) == []
    assert Attribution.objects.get().participant == after
    assert selectors.figures([event])[0].registrations == 1
    assert before and too_late


def test_the_report_draws_the_scores_and_lists_every_event(coord_a, client):
    event = outreach_event(coordinator=coord_a)
    attendee = services.checkin(event=event, name="Ani", phone="", answers=_right_answers(event, wrong=3))
    services.answers_after(attendee=attendee, answers=_right_answers(event, wrong=1))
    client.force_login(coord_a)
    html = client.get(reverse("outreach:report")).content.decode()
    assert "<svg" in html and event.title in html
    assert "40 %" in html and "80 %" in html


def test_the_event_page_shows_the_qr_code_and_takes_the_list_paper_answers_and_attributions(coord_a, client):
    bengkalis_village()
    client.force_login(coord_a)
    response = client.post(
        reverse("outreach:create"),
        {"title": "Sosialisasi pasar", "village": "14.03.01.2004", "place": "Pasar", "starts_at": "2026-01-03T09:00"},
    )
    event = OutreachEvent.objects.get(title="Sosialisasi pasar")
    assert response.url == reverse("outreach:event", args=[event.pk])
    page = client.get(response.url).content.decode()
    assert "<svg" in page and event.checkin_code in page
    client.post(response.url, {"action": "attend", "lines": "Ani, 0812"})
    attendee = event.attendees.get()
    answers = {f"q{k}": v for k, v in _right_answers(event, wrong=2).items()}
    client.post(reverse("outreach:answers", args=[event.pk, attendee.pk, "pre"]), answers)
    assert attendee.responses.get().score == 3
    joined = ParticipantFactory(coordinator=coord_a, registration_date=datetime.date(2026, 1, 10))
    client.post(response.url, {"action": "attribute", "participant": [str(joined.pk)]})
    assert Attribution.objects.get().event == event


def test_a_bad_village_code_keeps_the_form(coord_a, client):
    client.force_login(coord_a)
    response = client.post(
        reverse("outreach:create"), {"title": "T", "village": "99", "place": "P", "starts_at": "2026-01-03T09:00"}
    )
    assert response.status_code == 200 and "No village has the code 99" in response.content.decode()
