"""Templates, segments (count), campaigns (steering) and message history over REST."""

import pytest

from lindung.jobs.services import job_run
from lindung.messaging.campaign_models import Campaign, CampaignStatus, MessageTemplate
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.models import OutboxMessage
from lindung.messaging.tests.campaign_helpers import LATE_TEXT, a_template, late_consenting, rebuild

from .conftest import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (0, 0)}


def test_templates_refuse_unknown_variables_and_coordinators_only_read(admin, coord_a):
    data = {"title": "API", "text_id": "Halo {nama}", "whatsapp_name": "api"}
    answer = api_client(admin).post("/api/message-templates/", data, format="json")
    assert answer.status_code == 400 and "{nama}" in str(answer.json()["text_id"])
    answer = api_client(admin).post("/api/message-templates/", {**data, "text_id": LATE_TEXT}, format="json")
    assert answer.status_code == 201 and MessageTemplate.objects.filter(title="API").exists()
    pk = answer.json()["id"]
    assert api_client(coord_a).get(f"/api/message-templates/{pk}/").status_code == 200
    refused = api_client(coord_a).post("/api/message-templates/", {**data, "title": "B"}, format="json")
    assert refused.status_code == 403
    changed = api_client(admin).patch(f"/api/message-templates/{pk}/", {"text_en": "Hi {oops}"}, format="json")
    assert changed.status_code == 400 and MessageTemplate.objects.get(pk=pk).text_en == ""


def test_segment_count_and_a_campaign_steered_over_the_api(coord_a, coord_b, admin):
    coord_a.phone = "+6281300001111"
    coord_a.save()
    participant = late_consenting(coord_a, months=2)
    late_consenting(coord_b)
    rebuild()
    client = api_client(coord_a)
    segment = client.post("/api/segments/", {"name": "Telat", "criteria": {"standing": "late"}}, format="json")
    assert segment.status_code == 201
    sid = segment.json()["id"]
    count = client.get(f"/api/segments/{sid}/count/").json()
    assert count == {"count": 1, "sample": [{"id": participant.pk, "name": participant.full_name}]}
    assert api_client(coord_b).get(f"/api/segments/{sid}/count/").status_code == 404
    body = {"name": "Juni", "template": a_template(admin).pk, "segment": sid, "channel": "whatsapp", "language": "id"}
    created = client.post("/api/campaigns/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == "draft"
    cid = created.json()["id"]
    assert api_client(coord_b).post(f"/api/campaigns/{cid}/launch/").status_code == 404
    launched = client.post(f"/api/campaigns/{cid}/launch/")
    # Answered at once: the rows are planned by a background job (at commit).
    assert launched.status_code == 200 and launched.json()["launch_job"] is not None
    assert launched.json()["status"] == "draft" and launched.json()["planned"] == 0
    job_run(launched.json()["launch_job"])
    assert client.get(f"/api/campaigns/{cid}/").json()["planned"] == 1
    assert client.post(f"/api/campaigns/{cid}/resume/").status_code == 400  # not paused
    assert client.post(f"/api/campaigns/{cid}/pause/").json()["status"] == "paused"
    assert client.post(f"/api/campaigns/{cid}/resume/").json()["status"] == "running"
    dispatch_until_idle()
    detail = client.get(f"/api/campaigns/{cid}/").json()
    assert detail["progress"]["by_status"] == {"sent": 1} and detail["progress"]["percent"] == 100
    history = client.get(f"/api/participants/{participant.pk}/messages/").json()
    assert [m["id"] for m in history] == list(OutboxMessage.objects.values_list("pk", flat=True))
    assert history[0]["status"] == "sent" and participant.full_name in history[0]["body"]
    assert api_client(coord_b).get(f"/api/participants/{participant.pk}/messages/").status_code == 404
    assert Campaign.objects.get().status == CampaignStatus.RUNNING


def test_a_coordinator_cannot_build_a_campaign_on_someone_elses_segment(coord_a, coord_b, admin):
    theirs = api_client(coord_b).post("/api/segments/", {"name": "B", "criteria": {}}, format="json").json()["id"]
    body = {"name": "x", "template": a_template(admin).pk, "segment": theirs, "channel": "whatsapp", "language": "id"}
    answer = api_client(coord_a).post("/api/campaigns/", body, format="json")
    assert answer.status_code == 400 and "segment" in answer.json()
