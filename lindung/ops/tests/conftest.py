import io
import logging
from collections.abc import Callable, Iterator

import pytest

from lindung.ops.logs import ScrubFilter


@pytest.fixture
def log_lines() -> Iterator[Callable[[], list[str]]]:
    """What the handlers configured by settings.LOGGING write, line by line: their stream
    is swapped for a buffer, so the real filter and formatter are under test."""
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, ScrubFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING has no scrubbing handler on the root logger"
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers if isinstance(h, logging.StreamHandler)]
    try:
        yield lambda: [line for line in buffer.getvalue().splitlines() if line]
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            if isinstance(handler, logging.StreamHandler) and stream is not None:
                handler.setStream(stream)
