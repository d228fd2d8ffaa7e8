"""Field mode at 360 px: a coordinator registers two people without signal, the network
comes back, and each arrives exactly once, also when a send's answer is lost on the way
and the send is repeated. A refused entry stays on the phone and is corrected there."""

import re

import pytest
from playwright.sync_api import Browser, Page, Response, Route, expect
from pytest_django.live_server_helper import LiveServer

from lindung.accounts.models import User
from lindung.participants.models import FieldSubmission, Participant

from .page_checks import axe_violations, sideways_scroll, transferred_bytes, untranslated
from .support import PHONE, open_page, shoot, sign_in
from .test_participant_journey import SCROLL_TOLERANCE_PX, fill_identity, page_width, submit_form

pytestmark = pytest.mark.browser

FORM = "/participants/new/"
SUBMIT = re.compile(r"/participants/field/submit/$")
FIRST = ("1403011705900001", "Budi Santoso")
SECOND = ("1403012003850002", "Joko Widodo")
BUDGET_BYTES = 150 * 1024


def page_problems(page: Page) -> list[str]:
    problems = [f"axe {violation}" for violation in axe_violations(page)]
    problems += [f"untranslated {text!r}" for text in untranslated(page)]
    if (extra := sideways_scroll(page)) > 0:
        problems.append(f"scrolls sideways by {extra} px at 360 px")
    return problems


def open_field_mode(page: Page, coordinator: User) -> None:
    sign_in(page, coordinator.username)
    page.goto(FORM)
    # The worker installs (caching the form and its assets), then controls the next load.
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "the service worker does not control the form"
    expect(page.locator("#field-queue")).to_be_visible()


def register(page: Page, nik: str, name: str, *, birth_date: str) -> None:
    page.select_option("#id_village", "14.03.01.2004")
    fill_identity(page, nik=nik, name=name)
    page.fill("#id_birth_date", birth_date)
    submit_form(page)


def test_two_people_registered_offline_arrive_once_each(phone_page: Page, coordinator: User) -> None:
    page = phone_page
    open_field_mode(page, coordinator)
    queued = page.locator("#field-queue-entries > li")
    expect(queued).to_have_count(0)

    page.context.set_offline(True)
    register(page, *FIRST, birth_date="1990-05-17")
    expect(queued).to_have_count(1)
    # Kept on the phone, and the form is empty for the next person.
    expect(page.locator("#id_nik")).to_have_value("")
    expect(page).to_have_url(re.compile(r"/participants/new/$"))
    register(page, *SECOND, birth_date="1985-03-20")
    expect(queued).to_have_count(2)
    expect(queued.first).to_contain_text(FIRST[0])
    expect(queued.nth(1)).to_contain_text(SECOND[1])

    # Still no signal: the form opens from the phone's cache, with the queue intact.
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(queued).to_have_count(2)
    assert page_width(page) <= PHONE["width"] + SCROLL_TOLERANCE_PX, "field mode scrolls sideways on a phone"
    shoot(page, "30-field-mode-queued-offline")
    assert not page_problems(page), page_problems(page)
    assert not Participant.objects.exists()

    # The first send reaches the server, but its answer is lost on the way back.
    lost: list[str] = []

    def lose_first_answer(route: Route) -> None:
        if lost:
            route.continue_()
            return
        answer = route.fetch()
        lost.append(answer.json()["name"])
        route.abort("internetdisconnected")

    page.route(SUBMIT, lose_first_answer)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#field-queue-status[data-outcome=offline]")).to_have_count(1)
    assert lost == [FIRST[1]]
    # Both entries stay on the phone: the phone cannot know the first one arrived.
    expect(queued).to_have_count(2)

    page.locator("#field-queue-send").click()
    expect(queued).to_have_count(0)
    sent = page.locator("#field-queue-sent > li")
    expect(sent).to_have_count(2)
    expect(sent.first).to_contain_text(FIRST[1])
    shoot(page, "31-field-mode-sent")

    for nik, name in (FIRST, SECOND):
        participant = Participant.objects.get(nik=nik)
        assert (participant.full_name, participant.coordinator_id) == (name, coordinator.pk)
    assert Participant.objects.count() == 2
    assert FieldSubmission.objects.filter(created_by=coordinator).count() == 2


def test_a_refused_entry_stays_on_the_phone_and_is_corrected(phone_page: Page, coordinator: User) -> None:
    page = phone_page
    open_field_mode(page, coordinator)
    page.context.set_offline(True)
    # The NIK says 17-05-1990; the date typed says otherwise.
    register(page, FIRST[0], FIRST[1], birth_date="1990-05-18")
    queued = page.locator("#field-queue-entries > li")
    expect(queued).to_have_count(1)

    page.context.set_offline(False)
    page.locator("#field-queue-send").click()
    expect(queued.first).to_have_class(re.compile(r"\bfield-entry-rejected\b"))
    expect(queued.first).to_contain_text("18-05-1990")
    shoot(page, "32-field-mode-refused")
    assert not page_problems(page), page_problems(page)
    assert not Participant.objects.exists()

    # Reloading loses nothing: the refusal and its reasons are kept on the phone.
    page.reload()
    expect(queued).to_have_count(1)
    expect(queued.first).to_contain_text("18-05-1990")
    queued.first.locator("button", has_text=re.compile(r"Ubah|Edit")).click()
    expect(page.locator("#id_nik")).to_have_value(FIRST[0])
    expect(page.locator("#id_village")).to_have_value("14.03.01.2004")
    expect(page.locator("#id_nik_error")).to_be_visible()
    expect(page.locator("#id_nik")).to_have_attribute("aria-invalid", "true")

    page.fill("#id_birth_date", "1990-05-17")
    submit_form(page)
    expect(page).to_have_url(re.compile(r"/participants/\d+/$"))
    expect(page.locator("main .message-success")).to_contain_text(FIRST[1])
    assert Participant.objects.get(nik=FIRST[0]).birth_date.isoformat() == "1990-05-17"
    page.goto(FORM)
    expect(page.locator("#field-queue-entries > li")).to_have_count(0)


def test_field_mode_form_is_light_on_first_visit(browser: Browser, live_server: LiveServer, coordinator: User) -> None:
    """The form, its script, the worker's install (which caches the assets) and the
    manifest's icon: all of it within the phone budget."""
    with open_page(browser, live_server.url, PHONE) as page:
        sign_in(page, coordinator.username)
        session = page.context.storage_state()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, storage_state=session)
    try:
        page = context.new_page()
        page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        responses: list[Response] = []
        page.on("response", lambda response: responses.append(response))
        page.goto(FORM, wait_until="networkidle")
        page.evaluate("async () => { await navigator.serviceWorker.ready; }")
        weight = sum(transferred_bytes(response) for response in responses)
        assert any(response.url.endswith("/lindung/field_mode.js") for response in responses)
    finally:
        context.close()
    print(f"\nfield mode form, first visit: {weight / 1024:.0f} KB")
    assert weight < BUDGET_BYTES


def test_entries_wait_for_a_new_sign_in_when_the_session_ended(phone_page: Page, coordinator: User) -> None:
    """Hours offline: the session (and its CSRF token) expired meanwhile. Nothing is lost
    and nothing is sent until the coordinator signs in again; then it goes, once."""
    from django.contrib.sessions.models import Session

    from lindung.core.tests.factories import DEFAULT_PASSWORD

    page = phone_page
    open_field_mode(page, coordinator)
    page.context.set_offline(True)
    register(page, *FIRST, birth_date="1990-05-17")
    queued = page.locator("#field-queue-entries > li")
    expect(queued).to_have_count(1)
    Session.objects.all().delete()

    page.context.set_offline(False)
    page.locator("#field-queue-send").click()
    status = page.locator("#field-queue-status[data-outcome=signed_out]")
    expect(status).to_have_count(1)
    expect(queued).to_have_count(1)
    assert not Participant.objects.exists()

    status.locator("a").click()
    page.fill("#id_username", coordinator.username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/participants/new/$"))
    expect(page.locator("#field-queue-sent > li")).to_have_count(1)
    expect(queued).to_have_count(0)
    assert Participant.objects.filter(nik=FIRST[0]).count() == 1
