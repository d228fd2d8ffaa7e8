"""The API reference page: Swagger UI from the app's own static files, same-origin
scripts only."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from .conftest import api_client

pytestmark = pytest.mark.django_db


def test_the_reference_page_loads_its_assets_from_the_app():
    page = api_client().get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    for source in sources:
        assert source.startswith("/"), f"not served by the app: {source}"
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    assert "<script>" not in html  # the start-up script has its own URL
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy


def test_the_start_up_script_points_at_the_schema():
    script = api_client().get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()
