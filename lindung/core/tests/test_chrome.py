"""The page chrome rendered once per process (core/templatetags/chrome.py) must be the
same HTML as rendering it each time, and never one user's menu for another."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from lindung.core.templatetags import chrome
from lindung.core.tests.clients import login_client

pytestmark = pytest.mark.django_db

ADMIN_ONLY = ("accounts:audit", "accounts:user_list", "contributions:rules", "billing:bill_run")


@pytest.fixture(autouse=True)
def _empty():
    chrome.forget()
    yield
    chrome.forget()


def _page(user, language="id"):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        return render_to_string("base.html", {"user": user}, request=request)


def _without_tokens(html):
    # The CSRF token is masked afresh on every render; the chrome never holds one.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("first, second", [("admin", "coord_a"), ("coord_a", "admin")])
def test_a_coordinator_never_gets_the_administrators_menu(request, first, second):
    for name in (first, second):
        user = request.getfixturevalue(name)
        html = login_client(user).get(reverse("core:home")).content.decode()
        for url_name in ADMIN_ONLY:
            assert (f'href="{reverse(url_name)}"' in html) is user.is_admin, (name, url_name)


def test_someone_signed_out_gets_no_menu_after_an_administrators_page(client, admin):
    login_client(admin).get(reverse("core:home"))  # fills the store with the admin's menu
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="site-menu' not in html and 'class="nav-primary"' not in html
    for url_name in ADMIN_ONLY:
        assert f'href="{reverse(url_name)}"' not in html


def test_kept_chrome_is_the_html_rendered_each_time(admin, coord_a):
    for user in (admin, coord_a):
        for language in ("id", "en"):
            with override_settings(DEBUG=True):
                fresh = _page(user, language)
            assert _without_tokens(_page(user, language)) == _without_tokens(fresh)  # fills the store
            assert _without_tokens(_page(user, language)) == _without_tokens(fresh)  # served from it


def test_each_language_keeps_its_own_menu(coord_a):
    indonesian = _page(coord_a, "id")
    english = _page(coord_a, "en")
    assert "Tunggakan" in indonesian and "Tunggakan" not in english
    assert ">Arrears<" in english and ">Arrears<" not in indonesian


def test_debug_renders_every_time_so_template_edits_show(coord_a):
    with override_settings(DEBUG=True):
        _page(coord_a)
    assert chrome._rendered == {}
    _page(coord_a)
    assert len(chrome._rendered) == 3  # the top bar, the menu, the footer


def test_the_store_is_bounded(coord_a, monkeypatch):
    monkeypatch.setattr(chrome, "MAX_ENTRIES", 2)
    html = _page(coord_a)
    assert len(chrome._rendered) == 2
    assert _without_tokens(_page(coord_a)) == _without_tokens(html)  # the third piece still renders
