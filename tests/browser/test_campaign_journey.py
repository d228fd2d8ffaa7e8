"""An administrator on a 360 px phone writes a reminder template, builds a segment of
late payers and sees its count and sample, previews the text for a real participant,
sends a test to themself, launches a campaign, pauses and resumes it, and sees its
progress; the messages arrive in the development provider's outbox."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lindung.billing.arrears.table import arrears_rebuild
from lindung.billing.tests.factories import cash_method
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.messaging.campaign_models import Campaign, CampaignStatus
from lindung.messaging.campaigns.timezones import WIB
from lindung.messaging.dispatch import dispatch_until_idle
from lindung.messaging.models import DevMessage, OutboxMessage
from lindung.messaging.tests.campaign_helpers import late_consenting

from .page_checks import axe_violations, sideways_scroll
from .support import shoot, sign_in

pytestmark = pytest.mark.browser

TEXT = "Halo {name}, iuran Anda tertunggak {months_late} bulan ({amount_due}). Hubungi {coordinator_name}."


def check(page: Page) -> None:
    assert sideways_scroll(page) == 0, page.url
    assert axe_violations(page) == [], page.url


def test_admin_runs_a_reminder_campaign_on_a_phone(phone_page: Page, settings) -> None:
    page = phone_page
    cash_method()
    coordinator = CoordinatorFactory(first_name="Rina", last_name="Koordinator", phone="+6281300001111")
    first = late_consenting(coordinator, months=2, full_name="Siti Aminah")
    late_consenting(coordinator, months=1, full_name="Budi Santoso")
    arrears_rebuild()
    admin = AdminFactory(username="ani", phone="+6281299990000")
    # Quiet hours now, so the launched messages wait in the queue while we pause and resume.
    hour = timezone.now().astimezone(WIB).hour
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (hour, (hour + 1) % 24)}

    sign_in(page, admin.username)
    page.goto("/messaging/templates/new/")
    page.fill("#id_title", "Tunggakan")
    page.fill("#id_text_id", "Halo {nama}")  # an unknown variable is refused
    page.fill("#id_whatsapp_name", "reminder_late")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".errorlist").first).to_contain_text("{nama}")
    page.fill("#id_text_id", TEXT)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/messaging/templates/\d+/$"))
    check(page)

    page.fill("#id_participant", str(first.pk))
    page.locator("main form[method=get] button[type=submit]").click()
    expect(page.get_by_test_id("preview")).to_contain_text("Halo Siti Aminah, iuran Anda tertunggak 2 bulan")
    shoot(page, "campaign-01-preview")

    page.goto("/messaging/segments/new/")
    page.fill("#id_name", "Penunggak")
    page.select_option("#id_standing", "late")
    page.locator("button[name=count]").click()
    expect(page.get_by_test_id("segment-count")).to_contain_text("2")
    expect(page.locator("main table")).to_contain_text("Siti Aminah")
    check(page)
    shoot(page, "campaign-02-segment")
    page.locator("button[name=save]").click()
    expect(page).to_have_url(re.compile(r"/messaging/segments/\d+/$"))

    page.goto("/messaging/campaigns/new/")
    page.fill("#id_name", "Pengingat Juni")
    page.select_option("#id_template", label="Tunggakan")
    page.select_option("#id_segment", label="Penunggak")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/messaging/campaigns/\d+/$"))
    expect(page.get_by_test_id("campaign-count")).to_have_text("2")
    check(page)

    page.fill("#id_participant", str(first.pk))
    page.locator("form[action$='/test/'] button").click()
    expect(page.locator(".message-success")).to_be_visible()
    test = DevMessage.objects.get()
    assert test.to_number == "+6281299990000" and "Siti Aminah" in test.text

    page.locator("form[action$='/launch/'] button").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile("Berjalan|Running"))
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("2")
    page.locator("form[action$='/pause/'] button").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile("Dijeda|Paused"))
    shoot(page, "campaign-03-paused")
    page.locator("form[action$='/resume/'] button").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile("Berjalan|Running"))

    # Morning comes: the dispatcher sends the waiting messages.
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (0, 0)}
    OutboxMessage.objects.update(not_before=None)
    dispatch_until_idle()
    page.reload()
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("100")
    expect(page.get_by_test_id("campaign-status")).to_have_text(re.compile("Selesai|Completed"))
    check(page)
    shoot(page, "campaign-04-done")
    assert Campaign.objects.get().status == CampaignStatus.COMPLETED

    page.goto("/messaging/dev-outbox/")
    expect(page.locator("main table")).to_contain_text("Halo Budi Santoso, iuran Anda tertunggak 1 bulan")
    assert DevMessage.objects.count() == 3  # the test and the two reminders
    page.goto(f"/participants/{first.pk}/")
    expect(page.locator("#messages")).to_contain_text("Halo Siti Aminah")
