"""Pages are compressed; downloads are not touched."""

import gzip

import pytest
from django.urls import reverse

from lindung.core.tests.clients import login_client
from lindung.core.tests.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_when_the_browser_accepts_it():
    client = login_client(CoordinatorFactory.create())
    response = client.get(reverse("participants:list"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert b"<!doctype html>" in gzip.decompress(response.content)


def test_not_without_accept_encoding():
    response = login_client(CoordinatorFactory.create()).get(reverse("participants:list"))
    assert not response.has_header("Content-Encoding")


def test_downloads_are_left_alone():
    client = login_client(CoordinatorFactory.create())
    response = client.get(reverse("reports:export", args=["participants", "csv"]), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
