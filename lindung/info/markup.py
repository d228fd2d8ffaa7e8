"""A small safe markup for page texts: everything is escaped first, then blank lines make
paragraphs, "## " starts a heading, "- " starts a list item and **words** are bold.
No HTML typed by an editor ever reaches the page as HTML."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BOLD = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return BOLD.sub(r"<strong>\1</strong>", escape(text))


def render(source: str) -> SafeString:
    html: list[str] = []
    for block in re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            html.append(f"<h2>{_inline(lines[0][3:])}</h2>")
            lines = lines[1:]
        items = [line for line in lines if line.startswith("- ")]
        if lines and len(items) == len(lines):
            html.append("<ul>" + "".join(f"<li>{_inline(item[2:])}</li>" for item in items) + "</ul>")
        elif lines:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 (every piece above was escaped first)
