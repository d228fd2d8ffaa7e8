import pytest
from django.core.cache import cache
from django.urls import reverse

from lindung.api.tests.conftest import api_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def get(**params):
    return api_client().get(reverse("api:calculator"), params)


def test_informal_example_over_three_months():
    response = get(income="1000000", programs="jkk,jkm,jht", months="3", category="informal", month="2025-05-01")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 110_400
    assert [m["month"] for m in body["months"]] == ["2025-05-01", "2025-06-01", "2025-07-01"]
    first = body["months"][0]
    assert [(line["program"], line["amount"]) for line in first["lines"]] == [
        ("jkk", 10_000),
        ("jkm", 6_800),
        ("jht", 20_000),
    ]
    assert first["total"] == 36_800 and first["worker_total"] == 36_800
    assert first["lines"][1]["flat_amount"] == 6_800 and first["lines"][1]["rate"] is None


def test_wage_earner_jp_capped_at_the_ceiling():
    response = get(
        income="12000000", programs="jkk,jkm,jht,jp,jkp", category="wage_earner", risk_tier="1", month="2025-03-10"
    )
    assert response.status_code == 200
    lines = {line["program"]: line for line in response.json()["months"][0]["lines"]}
    assert lines["jp"]["basis"] == 10_547_400
    assert lines["jkp"]["no_extra_cost"] is True and lines["jkp"]["amount"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"programs": "jkk,jkm"}, "income"),
        ({"income": "abc", "programs": "jkk,jkm"}, "income"),
        ({"income": "500000", "programs": "jkk,jkm"}, "income"),
        ({"income": "1000000", "programs": "jkk"}, "programs"),
        ({"income": "1000000", "programs": "jkk,jkm,xyz"}, "programs"),
        ({"income": "1000000", "programs": "jkk,jkm", "months": "2"}, "months"),
        ({"income": "1000000", "programs": "jkk,jkm", "category": "alien"}, "category"),
        ({"income": "5000000", "programs": "jkk,jkm,jht,jp,jkp", "category": "wage_earner"}, "risk_tier"),
    ],
)
def test_bad_input_is_a_400_keyed_by_field(params, field):
    response = get(**params)
    assert response.status_code == 400
    assert field in response.json()


def test_public_even_with_a_bad_token_and_throttled():
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert client.get(reverse("api:calculator"), {"income": "1000000", "programs": "jkk,jkm"}).status_code == 200
    codes = [get(income="1000000", programs="jkk,jkm").status_code for _ in range(61)]
    assert codes[-1] == 429
