"""Own error pages: product look, Indonesian by default, a way back; 500 needs no database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from lindung.core import errors
from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import CoordinatorFactory


@pytest.mark.django_db
def test_404_is_indonesian_with_the_menu_and_a_way_home():
    user = CoordinatorFactory.create()
    client = Client()
    client.force_login(user)
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert 'href="/participants/"' in html  # the menu is there
    assert 'href="/"' in html and "Ke halaman utama" in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_404_in_english_when_chosen():
    response = login_client().get("/nowhere/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_403_page_for_a_refused_user():
    request = RequestFactory().get("/x/")
    request.user = CoordinatorFactory.create()
    with translation.override("id"):
        response = errors.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Anda tidak boleh membuka halaman ini" in response.content.decode()


@pytest.mark.django_db
def test_coordinator_refused_an_admin_page_sees_the_own_403():
    response = login_client(CoordinatorFactory.create()).get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_400_page():
    request = RequestFactory().get("/x/")
    response = errors.bad_request(request)
    assert response.status_code == 400 and "Lindung" in response.content.decode()


def test_500_renders_without_touching_the_database():
    # No django_db mark: pytest-django raises on any query, so rendering proves none ran.
    request = RequestFactory().get("/x/")
    with translation.override("id"):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Terjadi kesalahan" in html and 'href="/"' in html


@pytest.mark.django_db
def test_a_stale_form_gets_the_expired_page_not_djangos():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()


@pytest.mark.django_db
def test_signing_out_says_so():
    client = Client()
    client.force_login(CoordinatorFactory.create())
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "Anda sudah keluar" in response.content.decode()
