"""The reminder pages: building a segment with its count, previewing a template,
steering a campaign, the participant's message timeline; and refusals."""

import pytest
from django.urls import reverse

from lindung.jobs.services import job_run
from lindung.messaging.campaign_models import Campaign, CampaignStatus, MessageTemplate, Segment
from lindung.messaging.campaigns.services import campaign_create, campaign_launch
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.models import DevMessage, OutboxMessage

from .campaign_helpers import LATE_TEXT, a_template, late_consenting, late_segment, rebuild

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (0, 0)}


def test_counting_a_segment_shows_who_without_saving_and_saving_keeps_it(client, coord_a):
    late = late_consenting(coord_a, months=2, full_name="Rahmat Late")
    rebuild()
    client.force_login(coord_a)
    url = reverse("messaging:segment_new")
    page = client.post(url, {"name": "Telat", "standing": "late", "count": "1"})
    assert page.status_code == 200 and page.context["count"] == 1
    assert "Rahmat Late" in page.content.decode() and not Segment.objects.exists()
    saved = client.post(url, {"name": "Telat", "standing": "late", "months_min": "2", "save": "1"})
    segment = Segment.objects.get()
    assert saved.url == reverse("messaging:segment_detail", args=[segment.pk])
    assert segment.criteria == {"standing": "late", "months_min": 2} and segment.created_by == coord_a
    assert client.get(saved.url).context["sample"][0].pk == late.pk


def test_bad_segment_input_is_explained_and_keeps_what_was_typed(client, coord_a):
    client.force_login(coord_a)
    page = client.post(reverse("messaging:segment_new"), {"name": "X", "region": "Riau", "months_min": "-1"})
    assert page.status_code == 200
    assert "14.03" in str(page.context["form"].errors["region"]) and "months_min" in page.context["form"].errors
    assert 'value="Riau"' in page.content.decode() and not Segment.objects.exists()


def test_another_coordinators_segment_and_campaign_are_not_found(client, coord_a, coord_b, admin):
    segment = late_segment(coord_a)
    campaign = campaign_create(actor=coord_a, name="A", template=a_template(admin), segment=segment)
    client.force_login(coord_b)
    assert client.get(reverse("messaging:segment_detail", args=[segment.pk])).status_code == 404
    assert client.get(reverse("messaging:campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("messaging:campaign_launch", args=[campaign.pk])).status_code == 404
    assert Campaign.objects.get().status == CampaignStatus.DRAFT


def test_templates_are_written_by_administrators_and_an_unknown_variable_is_refused(client, coord_a, admin):
    client.force_login(coord_a)
    assert client.get(reverse("messaging:template_new")).status_code in (302, 403)
    client.force_login(admin)
    data = {"title": "Baru", "text_id": "Halo {nama}", "text_en": "", "whatsapp_name": "baru", "approval": "draft"}
    page = client.post(reverse("messaging:template_new"), data)
    assert page.status_code == 200 and "{nama}" in str(page.context["form"].errors)
    assert not MessageTemplate.objects.filter(title="Baru").exists()
    page = client.post(reverse("messaging:template_new"), {**data, "text_id": LATE_TEXT})
    assert MessageTemplate.objects.filter(title="Baru").exists() and page.status_code == 302


def test_preview_with_a_real_participant_only_among_ones_own(client, coord_a, coord_b, admin):
    coord_a.phone = "+6281300001111"
    coord_a.save()
    participant = late_consenting(coord_a, months=1, full_name="Dewi Preview")
    rebuild()
    template = a_template(admin)
    url = reverse("messaging:template_detail", args=[template.pk])
    client.force_login(coord_a)
    page = client.get(url, {"participant": participant.pk, "language": "id"})
    assert "Halo Dewi Preview, tunggakan 1 bulan" in page.content.decode()
    client.force_login(coord_b)
    page = client.get(url, {"participant": participant.pk, "language": "id"})
    assert page.context["preview"] is None and "participant" in page.context["form"].errors


def test_campaign_page_launches_pauses_resumes_and_shows_progress(client, admin, coord_a, settings):
    coord_a.phone = "+6281300001111"
    coord_a.save()
    late_consenting(coord_a)
    rebuild()
    client.force_login(admin)
    page = client.post(
        reverse("messaging:campaign_new"),
        {
            "name": "Juni",
            "template": a_template(admin).pk,
            "segment": late_segment(admin).pk,
            "channel": "whatsapp",
            "language": "id",
        },
    )
    campaign = Campaign.objects.get()
    assert page.url == reverse("messaging:campaign_detail", args=[campaign.pk])
    assert client.get(page.url).context["count"] == 1
    client.post(reverse("messaging:campaign_launch", args=[campaign.pk]))
    job_run(Campaign.objects.get().launch_job_id)  # the background planning (at commit in production)
    client.post(reverse("messaging:campaign_pause", args=[campaign.pk]))
    dispatch_until_idle()
    assert not DevMessage.objects.exists()
    refused = client.post(reverse("messaging:campaign_pause", args=[campaign.pk]), follow=True)
    assert "not possible" in refused.content.decode() or "tidak" in refused.content.decode()
    client.post(reverse("messaging:campaign_resume", args=[campaign.pk]))
    dispatch_until_idle()
    detail = client.get(reverse("messaging:campaign_detail", args=[campaign.pk]))
    assert detail.context["progress"].done == 1 and detail.context["campaign"].status == CampaignStatus.COMPLETED
    assert DevMessage.objects.count() == 1


def test_the_participant_page_shows_their_messages(client, admin, coord_a, settings):
    coord_a.phone = "+6281300001111"
    coord_a.save()
    participant = late_consenting(coord_a)
    rebuild()
    campaign = campaign_create(actor=admin, name="Juni", template=a_template(admin), segment=late_segment(admin))

    campaign_launch(actor=admin, campaign=campaign)
    dispatch_until_idle()
    client.force_login(coord_a)
    page = client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    row = OutboxMessage.objects.get()
    assert 'id="messages"' in page and row.body[:40] in page
