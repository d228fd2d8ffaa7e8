"""Reads the forms of an HTML page the way a browser would submit them (no JavaScript):
each form's action, method and the values its fields hold. Enough for the smoke journey
to fill in the app's own forms, tokens and defaults included."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    values: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)  # select name -> option values
    buttons: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.values[name] = a.get("value", "on")
                form.options.setdefault(name, []).append(a.get("value", "on"))
            elif kind == "submit":
                form.buttons.append(name)
            elif kind != "file":
                form.values[name] = a.get("value", "")
        elif tag == "button" and name:
            form.buttons.append(name)
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a or self._select not in form.values:
                form.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> Form:
    """The page's form that has this field (a page also has the sign-out and language forms)."""
    for form in forms_of(html):
        if field_name in form.values or field_name in form.options:
            return form
    raise AssertionError(f"no form with a {field_name!r} field on the page")
