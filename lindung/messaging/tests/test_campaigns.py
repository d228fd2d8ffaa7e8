"""Templates, segments, campaigns and the reminder policy (MSG-1..4)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lindung.billing.models import Bill
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.arrears_data import bill
from lindung.billing.tests.factories import cash_method
from lindung.core import access
from lindung.messaging.campaign_models import Campaign, CampaignStatus, ReminderStage
from lindung.messaging.campaigns import sendtime
from lindung.messaging.campaigns.clock import campaigns_tick
from lindung.messaging.campaigns.planning import campaign_plan
from lindung.messaging.campaigns.policy import policy_run
from lindung.messaging.campaigns.segments import segment_count, segment_sample
from lindung.messaging.campaigns.services import (
    campaign_cancel,
    campaign_create,
    campaign_launch,
    campaign_pause,
    campaign_progress,
    campaign_resume,
    campaign_settle,
    campaign_test_send,
    segment_save,
    template_preview,
    template_save,
)
from lindung.messaging.campaigns.templating import check_text, self_service_link, variables_in
from lindung.messaging.campaigns.timezones import WIB, WIT, WITA, zone_of
from lindung.messaging.consent import consent_withdraw
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.effect.models import ControlShare
from lindung.messaging.models import DevMessage, OutboxMessage, SourcePause, Status

from .campaign_helpers import a_template, late_consenting, late_segment, rebuild
from .helpers import consenting, use_scripted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (0, 0)}


@pytest.fixture
def coord(coord_a):
    coord_a.phone = "+6281300001111"
    coord_a.save()
    return coord_a


# -- templates ---------------------------------------------------------------------------


def test_variables_are_read_in_order_and_unknown_ones_refused_by_name():
    assert variables_in("{name} owes {amount_due}, {name}") == ["name", "amount_due"]
    with pytest.raises(ValidationError, match=r"\{nama\}"):
        check_text("Halo {nama}")
    with pytest.raises(ValidationError, match="brace"):
        check_text("Halo {name")


def test_authoring_refuses_an_unknown_variable_and_saves_nothing(admin):
    with pytest.raises(ValidationError) as error:
        template_save(actor=admin, data={"title": "x", "text_id": "Halo {jumlah}", "whatsapp_name": "x"})
    assert "text_id" in error.value.message_dict
    assert not Campaign.objects.exists() and not ReminderStage.objects.filter(template__title="x").exists()


def test_a_coordinator_may_not_write_templates(coord):
    with pytest.raises(PermissionDenied):
        template_save(actor=coord, data={"title": "x", "text_id": "Halo {name}", "whatsapp_name": "x"})


def test_preview_fills_a_real_participant_and_refuses_someone_elses(admin, coord, coord_b):
    participant = late_consenting(coord, months=2, full_name="Siti Aminah")
    rebuild()
    template = a_template(admin)
    filled = template_preview(actor=admin, template=template, participant=participant)
    assert filled.text == "Halo Siti Aminah, tunggakan 2 bulan, Rp 33.600. Hubungi Budi Alpha 0813-0000-1111."
    assert filled.missing == ""
    assert template_preview(actor=coord, template=template, participant=participant).text == filled.text
    with pytest.raises(PermissionDenied):
        template_preview(actor=coord_b, template=template, participant=participant)


# -- segments ----------------------------------------------------------------------------


def test_segment_counts_late_payers_by_months_and_consent_within_scope(admin, coord, coord_b):
    two = late_consenting(coord, months=2)
    late_consenting(coord, months=4)
    consenting(coord)  # pays on time
    withdrawn = late_consenting(coord, months=3)
    consent_withdraw(actor=None, participant=withdrawn, method="reply_stop")
    late_consenting(coord_b, months=2)
    rebuild()
    as_admin = access.principal_of(admin)
    assert segment_count(as_admin, {"standing": "late"}) == 4
    assert segment_count(as_admin, {"standing": "current"}) == 1
    assert segment_count(as_admin, {"months_min": 3}) == 2
    assert segment_count(as_admin, {"months_min": 2, "months_max": 2, "coordinator": coord.pk}) == 1
    assert segment_count(as_admin, {"standing": "late", "consent": "given"}) == 3
    assert segment_count(as_admin, {"standing": "late", "consent": "not_given"}) == 1
    assert segment_count(as_admin, {"region": two.district_id[:2]}) == 5
    assert segment_count(as_admin, {"region": "99"}) == 0
    # Coordinator B sees only their own, even naming A as the coordinator.
    as_b = access.principal_of(coord_b)
    assert segment_count(as_b, {"standing": "late"}) == 1
    assert segment_count(as_b, {"coordinator": coord.pk}) == 0
    assert [p.pk for p in segment_sample(access.principal_of(coord), {"months_max": 2})] == [two.pk]


# -- campaigns ---------------------------------------------------------------------------


def _campaign(admin, coord, **criteria):
    return campaign_create(
        actor=admin, name="Juni", template=a_template(admin), segment=late_segment(admin, **criteria)
    )


def test_a_campaign_writes_its_rows_once_and_sends_filled_texts(admin, coord, settings):
    provider = use_scripted(settings)
    people = [late_consenting(coord, months=2) for _ in range(3)]
    rebuild()
    campaign = _campaign(admin, coord)
    assert campaign_launch(actor=admin, campaign=campaign) == 3
    assert campaign_plan(campaign) == 0  # planning again adds nothing
    dispatch_until_idle()
    rows = OutboxMessage.objects.filter(source=campaign.source)
    assert sorted(rows.values_list("participant_id", flat=True)) == sorted(p.pk for p in people)
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    assert len(provider.sent) == 3
    assert provider.sent[0].template == "late" and provider.sent[0].params[1] == "2"
    assert "Rp 33.600" in provider.sent[0].body
    progress = campaign_progress(campaign)
    assert (progress.done, progress.remaining, progress.percent) == (3, 0, 100)
    assert campaign_settle(campaign).status == CampaignStatus.COMPLETED


def test_paid_or_opted_out_since_planning_or_an_empty_variable_is_skipped_and_counted(admin, coord, settings):
    provider = use_scripted(settings)
    payer = late_consenting(coord, months=1)
    stopper = late_consenting(coord, months=1)
    fine = late_consenting(coord, months=1)
    rebuild()
    campaign = _campaign(admin, coord)
    campaign_launch(actor=admin, campaign=campaign)
    owed = Bill.objects.get(participant=payer)
    payment_record(
        actor=coord,
        participant=payer,
        data=PaymentInput(amount=owed.amount, paid_on=timezone.localdate(), method=cash_method()),
        submission_key="paid-now",
    )
    consent_withdraw(actor=None, participant=stopper, method="reply_stop")
    dispatch_until_idle()
    assert campaign_progress(campaign).skipped == {"paid": 1, "no_consent": 1}
    assert [m.outbox_id for m in provider.sent] == [OutboxMessage.objects.get(participant=fine).pk]
    # A coordinator without a phone: the variable would be empty, so nothing goes out.
    coord.phone = ""
    coord.save()
    other = _campaign(admin, coord)
    campaign_launch(actor=admin, campaign=other)
    dispatch_until_idle()
    # The payer is no longer in the segment of late payers.
    assert campaign_progress(other).skipped == {"empty:coordinator_phone": 1, "no_consent": 1}


def test_pause_holds_the_rows_resume_sends_them_cancel_skips_the_rest(admin, coord, settings):
    provider = use_scripted(settings)
    for _ in range(2):
        late_consenting(coord)
    rebuild()
    campaign = _campaign(admin, coord)
    campaign_launch(actor=admin, campaign=campaign)
    campaign_pause(actor=admin, campaign=campaign)
    assert SourcePause.objects.filter(source=campaign.source).exists()
    dispatch_until_idle()
    assert provider.sent == []
    with pytest.raises(ValidationError):
        campaign_pause(actor=admin, campaign=Campaign.objects.get(pk=campaign.pk))
    campaign_resume(actor=admin, campaign=campaign)
    dispatch_until_idle()
    assert len(provider.sent) == 2
    second = _campaign(admin, coord)
    campaign_launch(actor=admin, campaign=second)
    assert campaign_cancel(actor=admin, campaign=second) == 2
    dispatch_until_idle()
    assert len(provider.sent) == 2
    assert campaign_progress(second).skipped == {"cancelled": 2}


def test_another_coordinator_may_not_steer_or_test_send_a_campaign(coord, coord_b, admin, settings):
    use_scripted(settings)
    late_consenting(coord)
    rebuild()
    campaign = campaign_create(actor=coord, name="Saya", template=a_template(admin), segment=late_segment(coord))
    with pytest.raises(PermissionDenied):
        campaign_launch(actor=coord_b, campaign=campaign)
    campaign_launch(actor=coord, campaign=campaign)
    for act in (campaign_pause, campaign_cancel):
        with pytest.raises(PermissionDenied):
            act(actor=coord_b, campaign=campaign)
    with pytest.raises(PermissionDenied):
        campaign_test_send(actor=coord_b, campaign=campaign)
    with pytest.raises(PermissionDenied):
        campaign_create(actor=coord_b, name="x", template=campaign.template, segment=campaign.segment)


def test_a_coordinators_campaign_reaches_only_their_own_participants(coord, coord_b, admin, settings):
    use_scripted(settings)
    mine = late_consenting(coord)
    late_consenting(coord_b)
    rebuild()
    campaign = campaign_create(
        actor=coord, name="Saya", template=a_template(admin), segment=late_segment(coord, coordinator=coord_b.pk)
    )
    assert campaign_launch(actor=coord, campaign=campaign) == 0
    everyone = campaign_create(actor=coord, name="Semua", template=campaign.template, segment=late_segment(coord))
    assert campaign_launch(actor=coord, campaign=everyone) == 1
    assert list(OutboxMessage.objects.filter(source=everyone.source).values_list("participant_id", flat=True)) == [
        mine.pk
    ]


def test_test_send_goes_to_the_authors_own_phone(admin, coord):
    participant = late_consenting(coord)
    rebuild()
    campaign = _campaign(admin, coord)
    with pytest.raises(ValidationError, match="own mobile number"):
        campaign_test_send(actor=admin, campaign=campaign)
    admin.phone = "0812-9999-0000"
    admin.save()
    campaign_test_send(actor=admin, campaign=campaign, participant=participant)
    message = DevMessage.objects.get()
    assert message.to_number == "+6281299990000" and message.text.startswith("[TEST]")
    assert participant.full_name in message.text
    assert not OutboxMessage.objects.exists()


# -- quiet hours and the policy ----------------------------------------------------------


def test_time_zones_follow_the_province():
    assert (zone_of("31.71.01"), zone_of("51.71"), zone_of("64"), zone_of("94.01"), zone_of("")) == (
        WIB,
        WITA,
        WITA,
        WIT,
        WIB,
    )


def test_quiet_hours_are_the_recipients_own(settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (21, 8)}
    at = datetime.datetime(2026, 6, 1, 0, 30, tzinfo=datetime.UTC)  # 07:30 WIB, 08:30 WITA, 09:30 WIT
    assert sendtime.next_allowed(at, "31.71") == datetime.datetime(2026, 6, 1, 8, 0, tzinfo=WIB)
    assert sendtime.next_allowed(at, "51.71") is None
    late = datetime.datetime(2026, 6, 1, 13, 0, tzinfo=datetime.UTC)  # 20:00 WIB, 22:00 WIT
    assert sendtime.next_allowed(late, "31.71") is None
    assert sendtime.next_allowed(late, "91.01") == datetime.datetime(2026, 6, 2, 8, 0, tzinfo=WIT)


def test_a_row_in_quiet_hours_waits_in_the_queue(admin, coord, settings):
    provider = use_scripted(settings)
    late_consenting(coord)
    rebuild()
    hour = timezone.now().astimezone(WIB).hour  # the factory's villages are in WIB
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (hour, (hour + 1) % 24)}
    campaign = _campaign(admin, coord)
    campaign_launch(actor=admin, campaign=campaign)
    dispatch_until_idle()
    row = OutboxMessage.objects.get(source=campaign.source)
    assert provider.sent == [] and row.status == Status.QUEUED and row.not_before > timezone.now()


def test_the_policy_run_makes_one_campaign_per_stage_and_due_date_and_is_idempotent(coord, settings):
    ControlShare.objects.all().delete()  # nobody held back: this test follows one person
    provider = use_scripted(settings)
    cash_method()  # the {payment_options} of the seeded texts
    today = timezone.localdate()
    participant = consenting(coord)
    due = today - datetime.timedelta(days=3)
    late = bill(participant, due.replace(day=1), due=due)
    first = policy_run(today)
    second = policy_run(today)
    dispatch_until_idle()
    campaign = Campaign.objects.get(stage__key="due+3", due_date=due)
    assert (first.campaigns, first.messages, second.campaigns, second.messages) == (5, 1, 0, 0)
    assert campaign.status in (CampaignStatus.RUNNING, CampaignStatus.COMPLETED)
    row = OutboxMessage.objects.get()
    assert (row.bill_id, row.stage, row.source) == (late.pk, "due+3", campaign.source)
    assert len(provider.sent) == 1 and "Rp 16.800" in provider.sent[0].body


def test_the_clock_starts_a_scheduled_campaign_when_its_time_comes(admin, coord, settings):
    provider = use_scripted(settings)
    late_consenting(coord)
    rebuild()
    later = timezone.now() + datetime.timedelta(hours=1)
    campaign = campaign_create(
        actor=admin, name="Nanti", template=a_template(admin), segment=late_segment(admin), scheduled_for=later
    )
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaigns_tick() == 0
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_for=timezone.now())
    assert campaigns_tick() == 1
    dispatch_until_idle()
    campaigns_tick()
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.COMPLETED and len(provider.sent) == 1


def test_the_policy_command_runs_for_a_given_day(coord, settings):
    use_scripted(settings)
    out = io.StringIO()
    call_command("run_reminder_policy", "--day", "2026-03-20", stdout=out)
    assert out.getvalue().strip() == "5 campaigns, 0 messages"
    assert set(Campaign.objects.values_list("due_date", flat=True)) == {
        datetime.date(2026, 3, 25),
        datetime.date(2026, 3, 20),
        datetime.date(2026, 3, 17),
        datetime.date(2026, 3, 10),
        datetime.date(2026, 2, 18),
    }


def test_the_self_service_link_resolves_only_when_the_page_exists(settings):
    config = {**settings.LINDUNG_MESSAGING, "SITE_URL": "https://lindung.example/"}
    settings.LINDUNG_MESSAGING = {**config, "SELF_SERVICE_URL_NAME": "no-such-app:home"}
    assert self_service_link() == ""
    settings.LINDUNG_MESSAGING = {**config, "SELF_SERVICE_URL_NAME": "accounts:profile"}
    assert self_service_link() == "https://lindung.example" + reverse("accounts:profile")


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({"months_min": "tiga"}, "months_min"),
        ({"months_min": -1}, "months_min"),
        ({"standing": "sometimes"}, "standing"),
        ({"category": {"x": 1}}, "category"),
        ({"region": "Riau"}, "region"),
        ({"region": "14\x00"}, "region"),
    ],
)
def test_a_criterion_that_cannot_be_asked_is_refused_by_name(admin, criteria, field):
    with pytest.raises(ValidationError) as error:
        segment_save(actor=admin, name="x", criteria=criteria)
    assert field in error.value.message_dict
