"""Checks run on every page of the menu walk: sideways scroll, axe-core (vendored, never a
CDN) and English left untranslated on an Indonesian page (the catalogue check's idea:
a text that is an English msgid with a different Indonesian msgstr)."""

import gzip
from functools import cache
from pathlib import Path

import polib
from django.conf import settings
from playwright.sync_api import Page, Response

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def sideways_scroll(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def axe_violations(page: Page) -> list[str]:
    # Runtime.evaluate is not subject to the page's CSP, which forbids injected scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.impact} ${v.id}: ${v.help} -> ` +
                      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
    )
    return list(found)


@cache
def _english_only() -> frozenset[str]:
    """English texts whose Indonesian differs and that are not Indonesian words themselves."""
    english: set[str] = set()
    indonesian: set[str] = set()
    for locale_dir in settings.LOCALE_PATHS:
        for po_path in Path(locale_dir).glob("id/LC_MESSAGES/*.po"):
            for entry in polib.pofile(str(po_path)).translated_entries():
                indonesian.add(entry.msgstr.strip())
                if entry.msgstr.strip() != entry.msgid.strip() and "%(" not in entry.msgid:
                    english.add(entry.msgid.strip())
    return frozenset(english - indonesian)


def untranslated(page: Page) -> list[str]:
    """Visible texts and accessible names that are untranslated English msgids."""
    texts = page.evaluate(
        """() => {
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode, el = node.parentElement;
            if (!el || el.closest('[lang="en"], script, style, noscript, template')) continue;
            const text = node.textContent.replace(/\\s+/g, ' ').trim();
            if (text) out.push(text);
          }
          for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
            if (el.closest('[lang="en"]')) continue;
            for (const name of ['aria-label', 'title', 'placeholder']) {
              const value = el.getAttribute(name);
              if (value) out.push(value.trim());
            }
          }
          return out;
        }"""
    )
    english = _english_only()
    return sorted({text for text in texts if text in english})


def transferred_bytes(response: Response) -> int:
    """Bytes on the wire as production serves them: what came compressed counts as is; the
    test server's uncompressed static text counts gzipped, as WhiteNoise/nginx would send it."""
    encoding = response.headers.get("content-encoding", "")
    sizes = response.request.sizes()
    if encoding:
        return int(sizes["responseBodySize"]) + int(sizes["responseHeadersSize"])
    try:
        body = response.body()
    except Exception:  # noqa: BLE001 - a redirect has no body
        return int(sizes["responseHeadersSize"])
    content_type = response.headers.get("content-type", "")
    size = len(gzip.compress(body, 6)) if content_type.startswith(TEXT_TYPES) and len(body) > 1024 else len(body)
    return size + int(sizes["responseHeadersSize"])
