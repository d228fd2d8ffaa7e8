"""Who may print a card, and what the public verification page may and may not say."""

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from lindung.cards import pdf as card_pdf_module
from lindung.cards import services
from lindung.cards.models import MembershipCard
from lindung.cards.ratelimit import VERIFY_LIMIT
from lindung.core import ratelimit
from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    coord_a, coord_b, admin = CoordinatorFactory(), CoordinatorFactory(), AdminFactory()
    participant = ParticipantFactory(
        coordinator=coord_a,
        full_name="Siti Aminah",
        membership_number="24012345678",
        status="active",
        address="Jl. Melati Gang Mawar 17",
        phone="+6281234567890",
    )
    return {"a": coord_a, "b": coord_b, "admin": admin, "p": participant}


def staff_urls(p: Any) -> list[tuple[str, str]]:
    return [
        ("get", reverse("cards:card", args=[p.pk])),
        ("get", reverse("cards:pdf", args=[p.pk])),
        ("get", reverse("cards:pdf", args=[p.pk]) + "?layout=a4"),
        ("post", reverse("cards:reissue", args=[p.pk])),
    ]


def test_anonymous_is_sent_to_login(client: Client, world: dict[str, Any]) -> None:
    for method, url in staff_urls(world["p"]):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], url
    assert not MembershipCard.objects.exists()


def test_other_coordinator_gets_404(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["b"])
    for method, url in staff_urls(world["p"]):
        assert getattr(client, method)(url).status_code == 404, url
    assert not MembershipCard.objects.exists()


@pytest.mark.parametrize("who", ["a", "admin"])
def test_owner_and_admin_download_the_pdf(client: Client, world: dict[str, Any], who: str) -> None:
    client.force_login(world[who])
    for layout in ("", "?layout=a4"):
        response = client.get(reverse("cards:pdf", args=[world["p"].pk]) + layout)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert response.content.startswith(b"%PDF")
    # Printing twice reprints the same card: one live token.
    assert MembershipCard.objects.filter(participant=world["p"], revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("who", ["a", "admin"])
def test_owner_and_admin_see_the_card_page(client: Client, world: dict[str, Any], who: str) -> None:
    client.force_login(world[who])
    response = client.get(reverse("cards:card", args=[world["p"].pk]))
    assert response.status_code == 200
    assert reverse("cards:pdf", args=[world["p"].pk]) in response.content.decode()


def test_qr_encodes_the_absolute_verification_url(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["a"])
    with mock.patch.object(card_pdf_module.segno, "make", wraps=card_pdf_module.segno.make) as make:
        response = client.get(reverse("cards:pdf", args=[world["p"].pk]))
    assert response.status_code == 200
    card = MembershipCard.objects.get(participant=world["p"])
    expected = "http://testserver" + reverse("cards:verify", args=[card.token])
    assert make.call_args.args[0] == expected
    assert expected.endswith(f"/v/{card.token}/")


def test_card_context_shows_masked_nik_and_registration_card_without_kpj(world: dict[str, Any]) -> None:
    participant = world["p"]
    participant.membership_number = None
    card = services.card_ensure(actor=world["a"], participant=participant)
    context = card_pdf_module.card_context(participant=participant, card=card, verify_url="https://x.test/v/t/")
    assert context["verify_url"] == "https://x.test/v/t/"
    assert context["qr"].startswith("data:image/svg+xml")
    assert context["masked_nik"] == participant.masked_nik and participant.nik not in context["masked_nik"]
    html = card_pdf_module.render_to_string("cards/pdf/card.html", {**context, "layout": "card"})
    assert "Registration card" in html and "not yet issued" in html
    assert participant.nik not in html


def test_reissue_from_the_page(client: Client, world: dict[str, Any]) -> None:
    old = services.card_ensure(actor=world["a"], participant=world["p"])
    client.force_login(world["a"])
    response = client.post(reverse("cards:reissue", args=[world["p"].pk]), follow=True)
    assert response.status_code == 200
    assert "A new card was issued" in response.content.decode()
    old.refresh_from_db()
    assert old.is_revoked


# --- public verification page ---------------------------------------------------------


def test_verification_shows_masked_name_and_status_only(client: Client, world: dict[str, Any]) -> None:
    p = world["p"]
    card = services.card_ensure(actor=world["a"], participant=p)
    response = client.get(reverse("cards:verify", args=[card.token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "S*** A*****" in body
    assert "Active" in body
    assert "–" in body  # valid-through unknown until contributions exist
    for secret in (p.full_name, "Siti", "Aminah", p.nik, p.masked_nik, p.nik[:6], p.membership_number, p.address):
        assert secret not in body, secret
    for phone in (p.phone, "0812-3456-7890", "81234567890"):
        assert phone not in body
    assert response["X-Robots-Tag"].startswith("noindex")
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_verification_needs_no_login_and_is_indonesian_by_default(world: dict[str, Any]) -> None:
    card = services.card_ensure(actor=world["a"], participant=world["p"])
    response = Client().get(reverse("cards:verify", args=[card.token]))
    assert response.status_code == 200
    assert response["Content-Language"] == "id"


def test_revoked_card_shows_revoked_not_the_participant(client: Client, world: dict[str, Any]) -> None:
    old = services.card_ensure(actor=world["a"], participant=world["p"])
    services.card_issue(actor=world["a"], participant=world["p"])
    response = client.get(reverse("cards:verify", args=[old.token]))
    assert response.status_code == 410
    body = response.content.decode()
    assert "revoked" in body
    assert "S*** A*****" not in body and "Active" not in body


def test_unknown_token_is_404_with_the_same_template(client: Client, world: dict[str, Any]) -> None:
    card = services.card_ensure(actor=world["a"], participant=world["p"])
    known = client.get(reverse("cards:verify", args=[card.token]))
    unknown = client.get(reverse("cards:verify", args=["x" * len(card.token)]))
    assert unknown.status_code == 404
    assert [t.name for t in unknown.templates] == [t.name for t in known.templates]
    assert "No card matches this code" in unknown.content.decode()
    assert unknown["X-Robots-Tag"] == known["X-Robots-Tag"]


def test_unknown_and_known_tokens_cost_the_same_queries(
    client: Client, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    card = services.card_ensure(actor=world["a"], participant=world["p"])
    with django_assert_num_queries(1):
        client.get(reverse("cards:verify", args=[card.token]))
    with django_assert_num_queries(1):
        client.get(reverse("cards:verify", args=["nope"]))


def test_rate_limit_answers_429(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    # A pinned clock: the count is exact, not weighed across two minutes.
    monkeypatch.setattr(ratelimit, "now", lambda: 1_800_000_000.0)
    url = reverse("cards:verify", args=["guess"])
    for _ in range(VERIFY_LIMIT):
        assert client.get(url).status_code == 404
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    # Another address is not held back by this one's guessing.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 404
