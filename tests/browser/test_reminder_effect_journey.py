"""Reminders end to end (issue 9): an administrator writes a template and a segment,
launches a campaign to the development provider (planned by its background job, sent
by the inline dispatcher), marks a message delivered and read in the development
simulator and sees it on the participant's timeline; a participant replies BERHENTI
through the simulator's webhook path; the next campaign skips them as opted out; the
reminder policy runs with a control group and the effect page compares the arms."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from lindung.billing.arrears.table import arrears_rebuild
from lindung.billing.tests.arrears_data import bill
from lindung.billing.tests.factories import cash_method
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.messaging.campaigns.policy import policy_run
from lindung.messaging.effect.models import ControlShare
from lindung.messaging.models import OutboxMessage, Status
from lindung.messaging.tests.helpers import consenting

from .page_checks import axe_violations
from .support import shoot, sign_in

pytestmark = pytest.mark.browser

TEXT = "Halo {name}, iuran Anda tertunggak {months_late} bulan ({amount_due}). Hubungi {coordinator_name}."
PEOPLE = 12  # at a 50 % control share both arms are all but certain to have someone


def seed_messaging_data() -> None:
    """The live server's database is flushed between tests, rows seeded by migrations too."""
    for name in ("0005_seed_keywords_and_control_share", "0005_seed_reminder_policy"):
        importlib.import_module(f"lindung.messaging.migrations.{name}").seed(apps, None)
    ControlShare.objects.all().delete()
    ControlShare.objects.create(percent=50, valid_from=datetime.date(2020, 1, 1), basis="browser test: half")


def go(page: Page, action) -> None:
    """Click something that navigates and wait for the new page to load."""
    with page.expect_navigation(wait_until="load"):
        action()


def test_campaign_to_delivery_to_opt_out_to_effect(page: Page, settings) -> None:
    settings.LINDUNG_MESSAGING = {**settings.LINDUNG_MESSAGING, "QUIET_HOURS": (0, 0)}
    seed_messaging_data()
    cash_method()
    coordinator = CoordinatorFactory(first_name="Rina", last_name="Koordinator", phone="+6281300001111")
    due = timezone.localdate() - datetime.timedelta(days=3)
    names = ["Siti Aminah", "Budi Santoso"] + [f"Peserta Uji {n}" for n in range(PEOPLE - 2)]
    people = [consenting(coordinator, full_name=name, phone=f"+628131234{n:04d}") for n, name in enumerate(names)]
    for person in people:
        bill(person, due.replace(day=1), due=due)
    arrears_rebuild()
    siti, budi = people[0], people[1]
    admin = AdminFactory(username="ani", phone="+6281299990000")

    sign_in(page, admin.username)
    page.goto("/messaging/templates/new/")
    page.fill("#id_title", "Tunggakan")
    page.fill("#id_text_id", TEXT)
    page.fill("#id_whatsapp_name", "reminder_late")
    go(page, lambda: page.locator("main form button[type=submit]").click())
    expect(page).to_have_url(re.compile(r"/messaging/templates/\d+/$"))

    page.goto("/messaging/segments/new/")
    page.fill("#id_name", "Penunggak")
    page.select_option("#id_standing", "late")
    go(page, lambda: page.locator("button[name=save]").click())
    expect(page).to_have_url(re.compile(r"/messaging/segments/\d+/$"))

    def new_campaign(name: str) -> None:
        page.goto("/messaging/campaigns/new/")
        page.fill("#id_name", name)
        page.select_option("#id_template", label="Tunggakan")
        page.select_option("#id_segment", label="Penunggak")
        go(page, lambda: page.locator("main form button[type=submit]").click())
        expect(page).to_have_url(re.compile(r"/messaging/campaigns/\d+/$"))
        go(page, lambda: page.locator("form[action$='/launch/'] button").click())
        # Planned by its job (inline here, at commit) and sent by the inline dispatcher.
        expect(page.get_by_test_id("campaign-planning")).to_contain_text(str(PEOPLE))

    new_campaign("Pengingat Juni")
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("100")
    assert axe_violations(page) == [], page.url
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == PEOPLE

    # The development simulator: Siti's message is delivered, then read.
    page.goto("/messaging/dev-outbox/")
    siti_row = page.locator("main tbody tr", has_text="Halo Siti Aminah")
    go(page, lambda: siti_row.locator("button[value=delivered]").click())
    go(page, lambda: page.locator("main tbody tr", has_text="Halo Siti Aminah").locator("button[value=read]").click())
    page.goto(f"/participants/{siti.pk}/")
    timeline = page.locator("#messages")
    expect(timeline).to_contain_text(re.compile("Dibaca|Read"))
    expect(timeline).to_contain_text(re.compile("diterima|delivered"))
    expect(timeline).to_contain_text(re.compile("dibaca|read"))
    shoot(page, "reminders-01-timeline")

    # Budi answers BERHENTI: the simulator posts what the Cloud API would, through the
    # webhook's ingestion.
    page.goto("/messaging/dev-outbox/")
    budi_row = page.locator("main tbody tr", has_text="Halo Budi Santoso")
    go(page, lambda: budi_row.locator("button[value=BERHENTI]").click())
    budi.refresh_from_db()
    assert budi.contact_consent is False

    # The next campaign skips him, counted as opted out on its page.
    new_campaign("Pengingat Juli")
    skipped = page.locator("main", has_text=re.compile("Dilewati, dan alasannya|Skipped, and why"))
    expect(skipped).to_contain_text("no_consent: 1")
    expect(page.get_by_test_id("campaign-progress")).to_contain_text("100")
    shoot(page, "reminders-02-skipped")

    # Morning: the reminder policy plans the due+3 stage with its control group.
    assert policy_run(timezone.localdate()).campaigns >= 1
    page.goto("/messaging/effect/")
    reminded = page.locator("main tr", has=page.locator("th", has_text=re.compile("^(Diingatkan|Reminded)$")))
    control = page.locator("main tr", has=page.locator("th", has_text=re.compile("Kontrol|Control")))
    expect(reminded).to_be_visible()
    expect(control).to_be_visible()
    reminded_bills = int(reminded.locator("td").first.inner_text())
    control_bills = int(control.locator("td").first.inner_text())
    assert reminded_bills > 0 and control_bills > 0 and reminded_bills + control_bills == PEOPLE
    assert axe_violations(page) == [], page.url
    shoot(page, "reminders-03-effect")
