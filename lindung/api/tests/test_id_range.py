"""Ids beyond 64 bits in a filter answer 400 on the field, on SQLite (whose driver
would overflow) as on PostgreSQL, and the schema states the range."""

import pytest
from django.urls import reverse

from lindung.api.fields import ID_MAX

from .conftest import api_client

pytestmark = pytest.mark.django_db
BIG = "99999999999999999999"
FILTERS = [
    ("api:participant-list", "group"),
    ("api:participant-list", "coordinator"),
    ("api:payment-list", "method"),
    ("api:payment-list", "collected_by"),
    ("api:payment-list", "participant"),
    ("api:payment-list", "coordinator"),
]


@pytest.mark.parametrize("who", ["admin", "coord_a"])
@pytest.mark.parametrize(("url", "name"), FILTERS)
def test_an_id_beyond_64_bits_is_refused_on_the_field(request, who, url, name):
    client = api_client(request.getfixturevalue(who))
    response = client.get(reverse(url), {name: BIG})
    assert response.status_code == 400
    assert name in response.json()


@pytest.mark.parametrize(("url", "name"), FILTERS)
def test_the_largest_id_is_accepted(admin, url, name):
    response = api_client(admin).get(reverse(url), {name: str(ID_MAX)})
    assert response.status_code == 200 and response.json()["count"] == 0


def test_the_schema_states_the_range(admin):
    schema = api_client(admin).get(reverse("api:schema"), {"format": "json"}).json()
    parameters = schema["paths"]["/api/payments/"]["get"]["parameters"]
    method = next(p for p in parameters if p["name"] == "method")
    assert method["schema"]["maximum"] == ID_MAX and method["schema"]["minimum"] == 1
