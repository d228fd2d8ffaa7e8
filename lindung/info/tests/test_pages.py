import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lindung.claims.rules import BenefitRule, RuleKey
from lindung.core.money import rupiah
from lindung.info import services
from lindung.info.examples import examples_for
from lindung.info.markup import render
from lindung.info.models import InfoPage

pytestmark = pytest.mark.django_db


def _data(page: InfoPage, **changes: str) -> dict[str, str]:
    data = {name: getattr(page, name) for name in services.PAGE_FIELDS}
    data.update(changes)
    return data


def test_markup_escapes_html_and_keeps_paragraphs_lists_and_headings():
    html = render("## Judul <b>\n\nSatu <script>alert(1)</script>\ndua\n\n- a **tebal**\n- b")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h2>Judul &lt;b&gt;</h2>" in html
    assert "<p>Satu &lt;script&gt;alert(1)&lt;/script&gt;<br>dua</p>" in html
    assert "<ul><li>a <strong>tebal</strong></li><li>b</li></ul>" in html


def test_an_edit_is_a_new_version_with_who_and_why_and_a_revert_brings_the_old_text_back(admin):
    page = InfoPage.objects.get(slug="faq")
    first_body = page.body_id
    services.page_save(actor=admin, page=page, data=_data(page, body_id="Teks baru"), note="Lebih singkat")
    page.refresh_from_db()
    assert (page.version, page.body_id, page.updated_by) == (2, "Teks baru", admin)
    latest = page.versions.get(number=2)
    assert (latest.saved_by, latest.note, latest.body_id) == (admin, "Lebih singkat", "Teks baru")

    services.page_revert(actor=admin, page=page, version=page.versions.get(number=1))
    page.refresh_from_db()
    assert page.version == 3 and page.body_id == first_body
    assert list(page.versions.values_list("number", flat=True)) == [3, 2, 1]  # nothing is lost
    assert "version 1" in page.versions.get(number=3).note


def test_saving_the_same_text_is_refused(admin):
    page = InfoPage.objects.get(slug="faq")
    with pytest.raises(ValidationError):
        services.page_save(actor=admin, page=page, data=_data(page))
    assert page.versions.count() == 1


def test_a_coordinator_may_not_edit_a_page(coord_a, client):
    page = InfoPage.objects.get(slug="faq")
    with pytest.raises(PermissionDenied):
        services.page_save(actor=coord_a, page=page, data=_data(page, body_id="x"))
    client.force_login(coord_a)
    assert client.get(reverse("info:page_edit", args=["faq"])).status_code == 403
    assert client.post(reverse("info:page_revert", args=["faq", 1])).status_code == 403


def test_the_edit_page_saves_and_the_history_lists_the_change(admin, client):
    client.force_login(admin)
    page = InfoPage.objects.get(slug="jkk")
    response = client.post(
        reverse("info:page_edit", args=["jkk"]), {**_data(page, title_en="Work accidents"), "note": "Shorter title"}
    )
    assert response.status_code == 302
    history = client.get(reverse("info:page_history", args=["jkk"])).content.decode()
    assert "Shorter title" in history and "title (English)" in history


def test_the_jkm_example_reads_the_rules_in_force():
    today = datetime.date.today()
    examples, missing = examples_for("jkm", 2_000_000, today)
    assert not missing
    plain = examples[1]
    lump = BenefitRule.objects.filter(key=RuleKey.JKM_LUMP_SUM, valid_to__isnull=True).get()
    assert plain.lines[0].amount == lump.amount
    # A new rule changes the example: no figure is kept anywhere else.
    lump.valid_to = today - datetime.timedelta(days=1)
    lump.save()
    BenefitRule.objects.create(key=RuleKey.JKM_LUMP_SUM, valid_from=today, amount=25_000_000, legal_basis="PP test")
    assert examples_for("jkm", 2_000_000, today)[0][1].lines[0].amount == 25_000_000


def test_the_jkk_example_follows_the_income_given():
    low = examples_for("jkk", 1_000_000, datetime.date.today())[0]
    high = examples_for("jkk", 4_000_000, datetime.date.today())[0]
    assert high[2].total == 4 * low[2].total  # the death benefit is a number of monthly wages


def test_a_program_page_shows_its_text_and_worked_examples_in_rupiah(client):
    response = client.get(reverse("info:page", args=["jkm"]), {"income": "3000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Death benefit (JKM)" in html and "Worked examples" in html
    assert rupiah(20_000_000) in html and rupiah(3_000_000) in html


def test_pages_are_shown_in_indonesian_by_default(client):
    client.cookies.clear()
    html = client.get(reverse("info:page", args=["jkk"])).content.decode()
    assert "Jaminan Kecelakaan Kerja" in html


def test_an_unknown_page_is_404(client):
    assert client.get(reverse("info:page", args=["nope"])).status_code == 404


@pytest.mark.parametrize("topic", ["jkk", "jkm", "jht", "jp"])
def test_every_program_page_has_examples_from_the_rules(topic):
    examples, missing = examples_for(topic, 3_000_000, datetime.date.today())
    assert not missing and examples and all(e.lines for e in examples)


def test_the_jht_saving_is_ten_years_of_the_jht_contribution():
    monthly, saving, _partial = examples_for("jht", 3_000_000, datetime.date.today())[0]
    jht = [line.amount for line in monthly.lines if line.program == "jht"]
    assert len(jht) == 1 and saving.total == jht[0] * 120


def test_an_income_below_the_lowest_allowed_says_why_instead_of_examples():
    examples, missing = examples_for("jkk", 1, datetime.date.today())
    assert examples == [] and "lowest income" in missing


def test_an_admin_adds_a_page_with_its_first_version_and_a_coordinator_may_not(admin, coord_a, client):
    data = {
        "slug": "cara-bayar",
        "topic": "other",
        "position": "9",
        "title_id": "Cara membayar",
        "title_en": "How to pay",
        "body_id": "Bayar lewat koordinator.",
        "body_en": "Pay through your coordinator.",
    }
    client.force_login(coord_a)
    assert client.post(reverse("info:page_create"), data).status_code == 403
    client.force_login(admin)
    assert client.post(reverse("info:page_create"), data).status_code == 302
    page = InfoPage.objects.get(slug="cara-bayar")
    assert page.version == 1 and page.versions.get().saved_by == admin
    again = client.post(reverse("info:page_create"), data)
    assert again.status_code == 200 and InfoPage.objects.filter(slug="cara-bayar").count() == 1
