"""The claims dashboard: counts by status and age, the service level, claims waiting for
documents, per area and officer, each within the user's scope."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lindung.claims.claim import Claim, ClaimStatus
from lindung.claims.dashboard.selectors import dashboard
from lindung.claims.selectors import claims_for
from lindung.claims.services import claim_transition

from .factories import jht_claim, officer

pytestmark = pytest.mark.django_db


def _age(claim: Claim, days: int, submitted_days_ago: int | None = None) -> None:
    now = timezone.now()
    today = timezone.localdate()
    Claim.objects.filter(pk=claim.pk).update(
        status_changed_at=now - datetime.timedelta(days=days),
        submitted_on=None if submitted_days_ago is None else today - datetime.timedelta(days=submitted_days_ago),
    )


def test_counts_by_status_and_days_in_status(coord_a: Any) -> None:
    for days in (0, 2, 3, 40):
        _age(jht_claim(coord_a), days)
    figures = dashboard(claims_for(coord_a))
    draft = next(row for row in figures["statuses"] if row.status == ClaimStatus.DRAFT)
    assert draft.total == 4 and draft.ages == [2, 1, 0, 0, 1]


def test_the_service_level_counts_claims_past_seven_days(coord_a: Any) -> None:
    services = officer("claims_services")
    on_time, late = jht_claim(coord_a), jht_claim(coord_a)
    for claim in (on_time, late):
        claim_transition(actor=coord_a, claim=claim, transition="submit")
    _age(on_time, 7, submitted_days_ago=7)
    _age(late, 8, submitted_days_ago=8)
    claim_transition(actor=services, claim=late, transition="request_documents", reason="Bank book unreadable")
    figures = dashboard(claims_for(coord_a))
    assert (figures["sla"].in_progress, figures["sla"].overdue) == (2, 1)
    assert figures["stalled_total"] == 1
    assert figures["stalled"][0].reason == "Bank book unreadable"
    (officer_row,) = [row for row in figures["officers"] if row.name == services.username]
    assert (officer_row.in_progress, officer_row.needs_documents, officer_row.overdue) == (1, 1, 1)


def test_the_dashboard_is_scoped(coord_a: Any, coord_b: Any) -> None:
    jht_claim(coord_a)
    mine = dashboard(claims_for(coord_b))
    assert sum(row.total for row in mine["statuses"]) == 0
    page = Client()
    page.force_login(coord_b)
    assert page.get(reverse("claims:dashboard")).status_code == 200
    admin_view = dashboard(claims_for(officer("branch_head")))
    assert sum(row.total for row in admin_view["statuses"]) == 1
    assert sum(row.total for row in dashboard(claims_for(officer("membership")))["statuses"]) == 0
