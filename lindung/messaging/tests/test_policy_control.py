"""The reminder policy's control group (MSG-10): planned, held back before anything is
queued, the same people at every stage of one bill month, never sent, and none held back
from a one-off campaign."""

import datetime

import pytest
from django.utils import timezone

from lindung.billing.tests.arrears_data import bill
from lindung.billing.tests.factories import cash_method
from lindung.messaging.campaign_models import Campaign
from lindung.messaging.campaigns.control import control_group
from lindung.messaging.campaigns.planning import campaign_plan
from lindung.messaging.campaigns.policy import policy_run
from lindung.messaging.campaigns.services import campaign_create, campaign_launch
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.effect.holdout import CONTROL_REASON, held_out
from lindung.messaging.effect.models import ControlShare
from lindung.messaging.models import OutboxMessage, Status

from .campaign_helpers import a_template, late_consenting, late_segment, rebuild
from .helpers import consenting, use_scripted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (0, 0)}


@pytest.fixture
def half_held_back():
    ControlShare.objects.all().delete()
    ControlShare.objects.create(percent=50, valid_from=datetime.date(2020, 1, 1), basis="test: half")


def _late_people(coord, count, due):
    coord.phone = "+6281300001111"  # the seeded texts name the coordinator's phone
    coord.save()
    people = [consenting(coord) for _ in range(count)]
    for person in people:
        bill(person, due.replace(day=1), due=due)
    return people


def test_policy_rows_of_the_held_back_are_skipped_as_control_and_never_sent(coord_a, settings, half_held_back):
    provider = use_scripted(settings)
    cash_method()
    today = timezone.localdate()
    due = today - datetime.timedelta(days=3)
    people = _late_people(coord_a, 16, due)
    policy_run(today)
    dispatch_until_idle()
    campaign = Campaign.objects.get(stage__key="due+3", due_date=due)
    rows = OutboxMessage.objects.filter(source=campaign.source)
    expected = {p.pk for p in people if held_out(p.pk, control_group(campaign), 50)}
    held = set(rows.filter(skip_reason=CONTROL_REASON).values_list("participant_id", flat=True))
    assert held == expected
    assert 0 < len(held) < len(people)  # both arms exist with 16 people at 50 %
    assert set(rows.filter(status=Status.SKIPPED).values_list("participant_id", flat=True)) == held
    assert len(provider.sent) == len(people) - len(held)
    # Planning again (a retry) changes nobody's arm.
    assert campaign_plan(campaign) == 0
    assert set(rows.filter(skip_reason=CONTROL_REASON).values_list("participant_id", flat=True)) == held


def test_one_person_is_in_the_same_arm_at_every_stage_of_a_bill_month(coord_a, settings, half_held_back):
    use_scripted(settings)
    cash_method()
    due = datetime.date(2026, 3, 20)
    _late_people(coord_a, 12, due)
    for offset in (-5, 0, 3, 10):  # the stages that fall on these days for that due date
        policy_run(due + datetime.timedelta(days=offset))
    arms: dict[int, set[bool]] = {}
    for row in OutboxMessage.objects.filter(bill__due_date=due):
        arms.setdefault(row.participant_id, set()).add(row.skip_reason == CONTROL_REASON)
    assert len(set(OutboxMessage.objects.values_list("stage", flat=True))) == 4
    assert all(len(arm) == 1 for arm in arms.values())


def test_a_one_off_campaign_holds_nobody_back(admin, coord_a, settings, half_held_back):
    use_scripted(settings)
    for _ in range(8):
        late_consenting(coord_a, months=2)
    rebuild()
    campaign = campaign_create(actor=admin, name="Juni", template=a_template(admin), segment=late_segment(admin))
    assert campaign_launch(actor=admin, campaign=campaign) == 8
    assert not OutboxMessage.objects.filter(skip_reason=CONTROL_REASON).exists()
