"""core.pdf: documents render with only data: URLs, and the collector comes back."""

import gc
import threading

from lindung.core.pdf import gc_paused, html_to_pdf


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # a second render in another thread of the same worker
            assert not gc.isenabled()
        assert not gc.isenabled()  # still one render going
    assert gc.isenabled()


def test_an_error_inside_still_restores_the_collector() -> None:
    try:
        with gc_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_off_before_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_renders_in_threads_leave_it_on() -> None:
    inside, release = threading.Barrier(3), threading.Event()

    def render() -> None:
        with gc_paused():
            inside.wait()
            release.wait(5)

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_a_page_renders_and_urls_it_may_not_fetch_are_left_out() -> None:
    # A fetch of a forbidden URL fails inside WeasyPrint's fetcher and the image is dropped.
    pdf = html_to_pdf('<p>Halo</p><img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">')
    assert pdf.startswith(b"%PDF-")
