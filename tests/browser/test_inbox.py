"""A participant replies BERHENTI through the development provider (MSG-9): on a 360 px
phone an administrator plays the reply, finds it in the inbox, and the participant's
consent is off in the record and in the ledger."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.messaging.consent import consent_record, participant_may_be_messaged
from lindung.messaging.inbox.models import ReplyKeyword
from lindung.messaging.tests.helpers import consenting

from .page_checks import axe_violations, sideways_scroll
from .support import sign_in

pytestmark = pytest.mark.browser
SCROLL_TOLERANCE_PX = 2


@pytest.fixture
def keywords(live_server: LiveServer) -> None:
    """The live server's database is flushed between tests, seeded rows included."""
    if not ReplyKeyword.objects.exists():
        importlib.import_module("lindung.messaging.migrations.0005_seed_keywords_and_control_share").seed(apps, None)


def check_phone_page(page: Page) -> None:
    assert sideways_scroll(page) <= SCROLL_TOLERANCE_PX, page.url
    assert axe_violations(page) == [], page.url


def test_a_berhenti_reply_lands_in_the_inbox_and_withdraws_consent(phone_page: Page, keywords: None) -> None:
    admin = AdminFactory(username="ani")
    participant = consenting(CoordinatorFactory(), phone="+6281377778888", full_name="Sri Wahyuni")
    participant.contact_consent = True
    participant.save(update_fields=["contact_consent"])
    consent_record(actor=None, participant=participant, given=True, method="paper_form")
    page = phone_page
    sign_in(page, admin.username)

    page.goto("/messaging/dev-outbox/")
    check_phone_page(page)
    page.fill("#id_from_number", "0813-7777-8888")
    page.fill("#id_text", "BERHENTI")
    page.locator("main form[action$='/dev-outbox/reply/'] button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("BERHENTI")

    page.goto("/messaging/inbox/?state=all")
    row = page.locator("main tbody tr", has_text="Sri Wahyuni")
    expect(row).to_contain_text("BERHENTI")
    check_phone_page(page)
    row.locator("a").first.click()
    expect(page.locator("main h1")).to_have_text("Sri Wahyuni")
    expect(page.locator("main")).to_contain_text("BERHENTI")
    check_phone_page(page)

    participant.refresh_from_db()
    assert participant.contact_consent is False
    assert not participant_may_be_messaged(participant, "whatsapp")
    assert not participant_may_be_messaged(participant, "sms")
