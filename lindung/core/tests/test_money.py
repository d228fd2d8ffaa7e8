"""One rupiah formatter: the template filter and the texts written in Python agree."""

from django.template import Context, Template
from django.utils import translation

from lindung.core.money import rupiah


def test_rupiah_uses_dots_whatever_the_language():
    for language in ("id", "en"):
        with translation.override(language):
            assert rupiah(1_234_567) == "Rp 1.234.567"
            assert rupiah(0) == "Rp 0"
            assert rupiah(None) == "–"


def test_the_template_filter_is_the_same_formatter():
    template = Template("{% load lindung_tags %}{{ a|rupiah }}|{{ b|rupiah }}")
    assert template.render(Context({"a": 16_800, "b": None})) == f"{rupiah(16_800)}|{rupiah(None)}"
