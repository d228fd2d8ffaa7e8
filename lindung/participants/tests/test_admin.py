"""The Django admin is an escape hatch, not a way around the services: a participant's
coordinator and village change only through them (history, the district, the copies
other apps keep, such as a claim's coordinator, which decides who may see the claim)."""

from typing import Any

import pytest
from django.contrib.admin import site as admin_site
from django.test import RequestFactory

from lindung.participants.admin import ParticipantAdmin
from lindung.participants.models import Participant

from .factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_coordinator_and_village_are_read_only_on_an_existing_participant(admin: Any) -> None:
    model_admin = ParticipantAdmin(Participant, admin_site)
    request = RequestFactory().get("/")
    request.user = admin
    existing = model_admin.get_readonly_fields(request, ParticipantFactory())
    assert {"coordinator", "village", "district"} <= set(existing)
    assert "coordinator" not in model_admin.get_readonly_fields(request, None)
