"""Every URL in the resolver, for every kind of principal.

A view must declare its door (core/permissions.py: public, signed_in, staff, admin; API
views through ``access_door`` on the class); a new URL that declares nothing fails here.
Then each URL is requested as anonymous, coordinator A (who owns the records in the
URL), coordinator B, a branch officer with no duties, a membership officer and an
administrator, and the answer must fit the door and the record's owner:

- anonymous never gets a page unless the door is public;
- nobody here gets a participant page (a participant's own session opens those;
  lindung/selfservice/tests/test_own_access.py walks them with two participants);
- a coordinator or an officer never gets an administrator's page;
- coordinator B and the duty-less officer never get a page about A's records (404, the
  same as a record that does not exist);
- nobody gets a server error.
"""

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lindung.accounts.models import Duty, Role
from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Deposit
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.billing.tests.factories import account_of, cash_method, informal_participant
from lindung.cards.services import card_issue
from lindung.claims.documents.models import ClaimDocument
from lindung.claims.services import claim_draft
from lindung.communities.tests.factories import CommunityGroupFactory
from lindung.contacts.tests.factories import ContactFactory
from lindung.contributions.models import ContributionRule
from lindung.core.permissions import Door, door_of
from lindung.core.tests.factories import UserFactory
from lindung.feedback.tests.factories import ticket_for
from lindung.info.tests.factories import service_point
from lindung.jobs.models import Job
from lindung.messaging.campaign_models import MessageTemplate
from lindung.messaging.campaigns.services import campaign_create, segment_save
from lindung.messaging.models import DevMessage, InboundMessage
from lindung.outreach.tests.factories import outreach_event
from lindung.participants.models import FamilyMember, IdentityDocument
from lindung.selfservice.models import CorrectionRequest, SelfRegistration

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    pattern: str
    name: str
    view: Any
    kwargs: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            names = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
            yield Route(pattern, f"{namespace}:{entry.name}", entry.callback, names)


def routes() -> list[Route]:
    # Django's own admin site guards itself (staff members only) and is out of scope.
    return [r for r in _walk(get_resolver().url_patterns) if not r.pattern.startswith("django-admin/")]


def test_every_url_declares_who_may_reach_it():
    undeclared = [f"{r.pattern} ({r.name})" for r in routes() if door_of(r.view) is None]
    assert not undeclared, "views without a declared door (core/permissions.py): " + ", ".join(undeclared)


# --- the world the requests run against -------------------------------------------------


@pytest.fixture
def world(coord_a, coord_b, admin, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    participant = informal_participant(coordinator=coord_a, registration_date=datetime.date(2026, 1, 5))
    bills_generate(month=datetime.date(2026, 1, 1))
    payment = payment_record(
        actor=coord_a,
        participant=participant,
        data=PaymentInput(amount=16_800, paid_on=datetime.date(2026, 1, 20), method=cash_method()),
        submission_key="url-access",
    )
    document = IdentityDocument(
        participant=participant,
        kind="ktp",
        original_name="ktp.pdf",
        content_type="application/pdf",
        size=4,
        uploaded_by=coord_a,
    )
    document.file.save("ktp.pdf", ContentFile(b"%PDF"), save=True)
    member = FamilyMember.objects.create(
        participant=participant, full_name="Siti Alpha", relationship="spouse", birth_date=datetime.date(1990, 1, 1)
    )
    card_issue(actor=coord_a, participant=participant)
    job = Job.objects.create(kind="participants_export", created_by=coord_a, params={}, result_name="a.csv")
    job.result_file.save("a.csv", ContentFile(b"nik\n"), save=True)
    preview = Job.objects.create(
        kind="participants_import_preview",
        created_by=coord_a,
        params={"kind": "participants"},
        result={},
        result_name="errors.csv",
    )
    preview.result_file.save("errors.csv", ContentFile(b"row,error\n"), save=True)
    deposit = Deposit.objects.create(
        coordinator=coord_a, amount=16_800, deposited_on=datetime.date(2026, 1, 21), recorded_by=coord_a
    )
    officer = UserFactory(role=Role.OFFICER)
    membership = UserFactory(role=Role.OFFICER)
    membership.duties.add(Duty.objects.get(code="membership"))
    registration = SelfRegistration(
        nik="1403014101900001",
        full_name="Dewi Mandiri",
        birth_place="Bengkalis",
        birth_date=datetime.date(1990, 1, 1),
        sex="F",
        address="Jl. Laut 1",
        village=participant.village,
        phone="+6281234567891",
        occupation="Nelayan",
        declared_income=1_500_000,
        programs=["jkk", "jkm"],
        coordinator=coord_a,
    )
    registration.ktp_photo.save("ktp.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    correction = CorrectionRequest.objects.create(participant=participant, field="occupation", new_value="Petani")
    claim = claim_draft(actor=coord_a, participant=participant, program="jht", facts={"jht_reason": "age_56"})
    claim_document = ClaimDocument(
        claim=claim, kind="ktp", original_name="ktp.pdf", content_type="application/pdf", size=4, uploaded_by=coord_a
    )
    claim_document.file.save("ktp.pdf", ContentFile(b"%PDF"), save=True)
    inbound = InboundMessage.objects.create(
        provider_message_id="url-access", from_number="+6281200000001", participant=participant, text="halo"
    )
    dev = DevMessage.objects.create(channel="whatsapp", to_number="+6281200000001", provider_message_id="dev.url")
    template = MessageTemplate.objects.order_by("pk").first()
    segment = segment_save(actor=coord_a, name="Telat", criteria={"standing": "late"})
    campaign = campaign_create(actor=coord_a, name="Juni", template=template, segment=segment)
    event = outreach_event(coordinator=coord_a)
    attendee = event.attendees.create(name="Dewi")
    ids = {
        "claim_pk": claim.pk,
        "document_pk": claim_document.pk,
        "inbound_pk": inbound.pk,
        "pk": participant.pk,
        "participant_pk": participant.pk,
        "doc_pk": document.pk,
        "member_pk": member.pk,
        "attendee_pk": attendee.pk,
    }
    owned_by_a = {
        # URL name prefix -> the pk of a record of coordinator A it takes
        "communities:": CommunityGroupFactory(coordinator=coord_a).pk,
        "billing:payment_": payment.pk,
        "billing:account_": account_of(coord_a).pk,
        "billing:deposit_": deposit.pk,
        "jobs:": job.pk,
        "participants:import_": preview.pk,
        "api:payment-": payment.pk,
        "messaging:campaign_": campaign.pk,
        "messaging:segment_": segment.pk,
        "api:campaign-": campaign.pk,
        "api:segment-": segment.pk,
        "selfservice:review_": registration.pk,
        "selfservice:correction_": correction.pk,
        "feedback:ticket": ticket_for(coordinator=coord_a).pk,
        "outreach:": event.pk,
    }
    shared = {
        "contacts:": ContactFactory().pk,
        "billing:method_": cash_method().pk,
        "contributions:rule_": ContributionRule.objects.order_by("pk").values_list("pk", flat=True).first(),
        "accounts:user_": coord_a.pk,
        "billing:bill_run_detail": job.pk,
        "messaging:template_": template.pk,
        "api:message-template-": template.pk,
        "info:point_": service_point().pk,
    }
    extra = {
        "code": "14.03.01",
        "token": "no-such-token",
        "spec_key": "participants",
        "fmt": "csv",
        "key": "district",
        "dev_pk": dev.pk,
        "slug": "jkm",
        "number": "NOSUCHNUMBER",
        "phase": "pre",
    }
    return {
        "principals": {
            "anonymous": None,
            "coordinator A": coord_a,
            "coordinator B": coord_b,
            "officer without duties": officer,
            "membership officer": membership,
            "admin": admin,
        },
        "ids": ids,
        "owned_by_a": owned_by_a,
        "shared": shared,
        "extra": extra,
    }


def _url(route: Route, world: dict[str, Any]) -> tuple[str, bool]:
    """The route's URL filled with A's records, and whether it names a record of A's."""
    url = route.pattern
    owned = False
    for name in route.kwargs:
        value: Any = None
        if name == "pk":
            for prefix, pk in world["owned_by_a"].items():
                if route.name.startswith(prefix):
                    value, owned = pk, True
            for prefix, pk in world["shared"].items():
                if value is None and route.name.startswith(prefix):
                    value = pk
        if value is None and name in world["ids"]:
            value, owned = world["ids"][name], True
        if value is None:
            value = world["extra"].get(name)
        assert value is not None, f"no test value for <{name}> in {route.pattern} ({route.name}): add one"
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url, count=1)
    return "/" + url.lstrip("^").rstrip("$"), owned


def _client(user: Any) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


REFUSED = {401, 403, 404, 405}


def _refused(response: Any) -> bool:
    if response.status_code in REFUSED:
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return (
        str(settings.LOGIN_URL).split(":")[-1] in location
        or "/accounts/login/" in location
        # The participant door sends anyone without a participant session to its sign-in.
        or "/saya/masuk/" in location
    )


@pytest.mark.parametrize("route", routes(), ids=lambda r: r.name)
def test_each_principal_gets_what_the_door_and_the_owner_allow(route, world):
    door = door_of(route.view)
    url, owned = _url(route, world)
    for who, user in world["principals"].items():
        response = _client(user).get(url)
        status = response.status_code
        assert status < 500, f"{who} GET {url}: {status}"
        if door == Door.PUBLIC:
            continue
        if door == Door.PARTICIPANT:
            # Only a participant session opens these; no staff session ever does.
            assert _refused(response), f"{who} reached the participant page {url}: {status}"
            continue
        if who == "anonymous":
            assert _refused(response), f"anonymous reached {url} ({door}): {status}"
        elif door == Door.ADMIN and who != "admin":
            assert status in REFUSED, f"{who} reached the administrators' page {url}: {status}"
        elif owned and who in ("coordinator B", "officer without duties"):
            assert status in REFUSED, f"{who} reached A's record at {url}: {status}"
        elif owned and who in ("coordinator A", "admin") and door != Door.ADMIN:
            assert status not in (401, 403, 404), f"{who} was refused own/any record at {url}: {status}"
