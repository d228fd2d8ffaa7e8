"""Errors and help are tied to their fields by the ids Django's aria-describedby names."""

import re

import pytest
from django.urls import reverse

from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village

pytestmark = pytest.mark.django_db


def test_every_described_by_id_exists_on_a_form_with_errors():
    village = bengkalis_village()
    user = CoordinatorFactory.create(district=village.parent)
    html = login_client(user).post(reverse("participants:create"), {"nik": "123"}).content.decode()
    described = set(re.findall(r'aria-describedby="([^"]+)"', html))
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    referenced = {one for value in described for one in value.split()}
    assert "id_nik_error" in referenced
    assert referenced <= ids, f"aria-describedby names missing ids: {sorted(referenced - ids)}"


def test_the_disabled_kpj_field_says_why():
    village = bengkalis_village()
    user = CoordinatorFactory.create(district=village.parent)
    html = login_client(user).get(reverse("participants:create")).content.decode()
    field = re.search(r'<input[^>]*name="membership_number"[^>]*>', html)
    assert field and "disabled" in field.group(0)
    assert 'aria-describedby="id_membership_number_helptext"' in field.group(0)
    assert "once BPJS Ketenagakerjaan has issued it" in html
