"""HTML to PDF with WeasyPrint, the way every document here is made: only data: URLs
may be fetched (rendering never reaches the network or the disk), and Python's cyclic
garbage collector waits until the document is written.

Why the pause: a render allocates hundreds of thousands of short-lived objects (boxes,
styles, text runs), which triggers collections that walk every object the process holds
(all of Django's, too). Measured on a 100-dossier box label: 400 ms of CPU with the
collector on, 270 ms with it paused (BENCHMARKS.md, claims section). What the render
leaves in cycles is collected after it, as usual.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from weasyprint import HTML
from weasyprint.urls import URLFetcher

_lock = threading.Lock()
_renders = 0  # renders in progress in this process (threads of one worker)
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """The collector off while any thread of the process is inside; back as it was when
    the last one leaves."""
    global _renders, _was_enabled
    with _lock:
        if _renders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _renders += 1
    try:
        yield
    finally:
        with _lock:
            _renders -= 1
            if _renders == 0 and _was_enabled:
                gc.enable()


def html_to_pdf(html: str) -> bytes:
    with gc_paused():
        pdf: bytes = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    return pdf
