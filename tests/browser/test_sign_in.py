"""A failed sign-in says so clearly, on the sign-in page, without saying which half was wrong."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from lindung.accounts.models import User

from .support import shoot, sign_in

pytestmark = pytest.mark.browser


def test_wrong_password_shows_the_failed_sign_in_message(page: Page, coordinator: User) -> None:
    sign_in(page, coordinator.username, "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    message = page.locator("main form .message-error[role=alert]")
    expect(message).to_be_visible()
    # The lockout limit is a number, so it reads the same in Indonesian and English.
    expect(message).to_contain_text(str(settings.AXES_FAILURE_LIMIT))
    expect(page.locator("#id_username")).to_have_value(coordinator.username)
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator("header details.menu-toggle")).to_have_count(0)
    shoot(page, "20-login-failed")

    # The language switch keeps the visitor on the sign-in page, now in English.
    page.locator("header form.language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    sign_in(page, coordinator.username, "still-not-the-password")
    expect(page.locator("main form .message-error[role=alert]")).to_contain_text(
        "The username or password is wrong. Check both and try again"
    )

    page.goto("/participants/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)participants(/|%2F)$"))
