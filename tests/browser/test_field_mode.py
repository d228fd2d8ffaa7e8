"""Field mode at 360 px: a coordinator registers two people without signal, the network
comes back, and each arrives exactly once, also when a send's answer is lost on the way
and the send is repeated. A refused entry stays on the phone and is corrected there."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from lindung.accounts.models import User
from lindung.participants.models import FieldSubmission, Participant

from .support import PHONE, shoot, sign_in
from .test_participant_journey import SCROLL_TOLERANCE_PX, fill_identity, page_width, submit_form

pytestmark = pytest.mark.browser

FORM = "/participants/new/"
SUBMIT = re.compile(r"/participants/field/submit/$")
FIRST = ("1403011705900001", "Budi Santoso")
SECOND = ("1403012003850002", "Joko Widodo")


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
