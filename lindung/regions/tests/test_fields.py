"""The regency select appears once the districts outnumber what one select should offer."""

import pytest

from lindung.core.tests.factories import bengkalis_village, mandau_village
from lindung.regions import fields
from lindung.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_the_regency_choice_appears_past_the_district_limit_exactly(monkeypatch):
    bengkalis_village(), mandau_village()  # villages of two districts
    districts = Region.objects.filter(level=Level.DISTRICT).count()
    assert districts >= 2
    monkeypatch.setattr(fields, "MAX_DISTRICT_OPTIONS", districts)
    assert not fields.needs_regency_choice()  # as many as the limit: one select holds them
    monkeypatch.setattr(fields, "MAX_DISTRICT_OPTIONS", districts - 1)
    assert fields.needs_regency_choice()  # one more than the limit
    monkeypatch.setattr(fields, "MAX_DISTRICT_OPTIONS", 0)
    Region.objects.filter(level=Level.DISTRICT).update(level=Level.REGENCY)
    assert not fields.needs_regency_choice()  # no district at all
