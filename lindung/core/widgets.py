"""Selects that cost little per option.

Django renders every <option> through two template includes (select_option.html and
attrs.html), and a ModelChoiceField builds a model instance per option, read through a
server-side cursor on PostgreSQL: together about 40 µs an option on these machines. The
list filters offer ~730 options at national scale (515 regencies, 200 coordinators, a
regency's districts), which cost the arrears and participant pages more than their
queries. FastSelect writes the same HTML as Django's select.html, byte for byte, escaping
as the template would; ValuesChoiceIterator reads the options with one values_list query.
"""

import html
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import BaseRenderer
from django.utils.safestring import SafeString, mark_safe


# django.utils.html's escape and conditional_escape, without the lazy-argument wrapper
# they pay on every call (a cost per option here).
def escape(value: Any) -> str:
    return html.escape(str(value))


def conditional_escape(value: Any) -> str:
    """What is already safe (has __html__) stays as it is."""
    return str(value.__html__()) if hasattr(value, "__html__") else html.escape(str(value))


def flat_attrs(attrs: Mapping[str, Any]) -> str:
    """Django's attrs.html: False leaves the attribute out, True writes it bare."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(value)}"'
        )
    return "".join(parts)


class FastSelect(forms.Select):
    """forms.Select, rendered in Python. Grouped choices (optgroups) and subclasses with
    their own templates fall back to Django's rendering."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        # Not list(): it would ask a ModelChoiceIterator its len(), a COUNT query.
        choices = [choice for choice in self.choices]  # noqa: C416
        if (
            self.template_name != forms.Select.template_name
            or self.option_template_name != forms.Select.option_template_name
            or any(isinstance(label, (list, tuple)) for _value, label in choices)
        ):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        wanted = self.format_value(value)
        parts = [f'<select name="{conditional_escape(name)}"{flat_attrs(final_attrs)}>']
        # Select.optgroups' rule: only the first matching option is selected unless multiple.
        has_selected = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and text in wanted
            has_selected |= selected
            parts.append(
                f'\n  <option value="{escape(text)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>\n"
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label above is escaped


class ValuesChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's options from one values_list query, without a model instance
    per option. The field names the columns (``option_columns``, the value first; it must
    be the field's to_field_name or pk) and builds the label (``option_label(*row)``), the
    same text its label_from_instance gives."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        columns: tuple[str, ...] = getattr(self.field, "option_columns")  # noqa: B009 - mypy: not on the base
        label: Callable[..., str] = getattr(self.field, "option_label")  # noqa: B009
        for row in self.queryset.values_list(*columns):
            yield (row[0], label(*row))
