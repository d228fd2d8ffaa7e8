from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Iterator[None]:
    # The verification rate limit counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()
