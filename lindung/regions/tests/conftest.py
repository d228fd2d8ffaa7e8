from pathlib import Path

import pytest
from django.utils import translation

from lindung.core.tests.factories import AdminFactory, CoordinatorFactory
from lindung.regions.services import BENGKALIS_CSV

__all__ = ["BENGKALIS_CSV"]


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English msgids, whatever language the project defaults to."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin(db):
    return AdminFactory()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def write_csv(tmp_path):
    """Write CSV text (or bytes) to a file and return its path."""

    def write(content: str | bytes, name: str = "regions.csv") -> Path:
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write
