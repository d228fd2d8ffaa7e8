"""The payments page links to the payments export, carrying the list's search and filters."""

import pytest
from django.urls import reverse

from lindung.core.tests.clients import login_client

pytestmark = pytest.mark.django_db


def test_payments_page_links_each_export_format_with_its_filters(coord_a):
    html = login_client(coord_a).get(reverse("billing:payment_list"), {"q": "siti", "page": "2"}).content.decode()
    for fmt in ("csv", "xlsx", "pdf"):
        link = reverse("reports:export", args=["payments", fmt])
        assert f'href="{link}?q=siti"' in html
