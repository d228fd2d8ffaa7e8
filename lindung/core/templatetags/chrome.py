"""``{% chrome "name" vary... %}...{% endchrome %}``: render a piece of the page chrome
(menus, footer) once per process and reuse it.

The menus and footer of every staff page are some forty URL reversals and fifty
translations: about 2 ms of the 20-27 ms of CPU a participant page takes (bench/chrome.py,
BENCHMARKS.md "Page chrome kept per process"). Their HTML depends only on the language, the URLs and what
the template passes as ``vary`` (for example whether the user is an administrator), so it
is kept in this process's memory under exactly those. What goes inside must depend on
nothing else: no CSRF token, no request path, no user name. With DEBUG on it renders
every time, so template edits show at once.

Unlike ``{% cache %}`` this makes no trip to the cache server, and nothing expires: the
templates change only with a deploy, which starts new processes.
"""

from typing import Any

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple[Any, ...], SafeString] = {}
# A bound on the entries, in case a template passes something that varies per request.
MAX_ENTRIES = 256


class ChromeNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: template.base.FilterExpression, vary: list[Any]) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        if settings.DEBUG:
            return self.nodelist.render(context)
        key = (
            self.name.resolve(context),
            get_language(),
            get_script_prefix(),
            get_urlconf() or settings.ROOT_URLCONF,
            *(value.resolve(context) for value in self.vary),
        )
        html = _rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_rendered) < MAX_ENTRIES:
                _rendered[key] = html
        return html


@register.tag("chrome")
def do_chrome(parser: template.base.Parser, token: template.base.Token) -> ChromeNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% chrome %} needs a name: {% chrome 'menu' user.is_admin %}")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])


def forget() -> None:
    """Drop what was kept (tests that change the URL configuration or templates)."""
    _rendered.clear()
