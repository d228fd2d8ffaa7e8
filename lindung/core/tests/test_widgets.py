"""FastSelect writes exactly Django's select HTML; ValuesChoiceIterator gives exactly the
options a ModelChoiceField would, from one query."""

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.forms.models import ModelChoiceIterator
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from lindung.accounts.models import User
from lindung.core.tests.factories import CoordinatorFactory, region
from lindung.core.widgets import FastSelect
from lindung.participants.filters import CoordinatorFilterField, ParticipantFilterForm
from lindung.regions.fields import RegencyField
from lindung.regions.models import Level, Region

CHOICES: list[tuple[Any, Any]] = [
    ("", gettext_lazy("All")),
    ("a", "Plain"),
    ("b&c", 'Tom & "Jerry" <b>'),
    (3, mark_safe("<em>safe</em>")),  # already safe: not escaped again
    (None, "None as value"),
    ("7+", gettext_lazy("Status")),
]


def _both(
    value: Any, attrs: dict[str, Any] | None = None, choices: list[tuple[Any, Any]] | None = None
) -> tuple[str, str]:
    fast = FastSelect(attrs={"hx-get": "/x?a=1&b=2", "disabled": False, "data-on": True}, choices=choices or CHOICES)
    slow = forms.Select(attrs={"hx-get": "/x?a=1&b=2", "disabled": False, "data-on": True}, choices=choices or CHOICES)
    return fast.render("pick", value, attrs), slow.render("pick", value, attrs)


@pytest.mark.parametrize("value", [None, "", "a", "b&c", 3, "3", "7+", "missing", ["a", "b&c"]])
def test_fast_select_writes_djangos_html_byte_for_byte(value: Any) -> None:
    for language in ("id", "en"):
        with override(language):
            fast, slow = _both(value, {"id": "id_pick", "required": True, "aria-describedby": 'x"y'})
            assert fast == slow


def test_fast_select_selects_only_the_first_match_and_escapes() -> None:
    fast, _slow = _both("a", choices=[("a", "One"), ("a", "Two"), ("<", "<lt>")])
    assert fast.count(" selected") == 1
    assert '<option value="a" selected>One</option>' in fast
    assert '<option value="&lt;">&lt;lt&gt;</option>' in fast
    assert 'hx-get="/x?a=1&amp;b=2"' in fast and " data-on" in fast and "disabled" not in fast


def test_grouped_choices_fall_back_to_djangos_rendering() -> None:
    grouped = [("", "---"), ("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("x", "X")]
    fast, slow = _both("pear", choices=grouped)
    assert fast == slow and "<optgroup" in fast


@pytest.mark.django_db
def test_regency_options_are_the_model_fields_own_from_one_query() -> None:
    region("14.03", "Bengkalis")
    region("14.01", "Kampar & <Siak>")
    region("12.01", "Aceh")
    field = RegencyField()
    with CaptureQueriesContext(connection) as ctx:
        fast = field.widget.render("regency", "14.03", {"id": "id_regency"})
    assert len(ctx.captured_queries) == 1  # no COUNT for the options' length
    reference = forms.ModelChoiceField(
        queryset=Region.objects.filter(level=Level.REGENCY).order_by("name"), to_field_name="code", required=False
    )
    assert reference.iterator is ModelChoiceIterator
    assert fast == reference.widget.render("regency", "14.03", {"id": "id_regency"})
    assert '<option value="14.03" selected>Bengkalis (14.03)</option>' in fast


@pytest.mark.django_db
def test_coordinator_labels_are_the_users_own() -> None:
    named = CoordinatorFactory(first_name="Budi", last_name="Santoso")
    first_only = CoordinatorFactory(first_name="Citra", last_name="")
    nameless = CoordinatorFactory(first_name="", last_name="", username="coord_nameless")
    field = CoordinatorFilterField(queryset=User.objects.order_by("pk"), required=False)
    assert list(field.choices)[1:] == [(u.pk, str(u)) for u in (named, first_only, nameless)]
    assert [label for _value, label in field.choices][1:] == ["Budi Santoso", "Citra", "coord_nameless"]


@pytest.mark.django_db
def test_filter_form_keeps_the_chosen_coordinator_and_validates(admin: User) -> None:
    chosen = CoordinatorFactory(first_name="Dewi", last_name="Lestari")
    form = ParticipantFilterForm({"coordinator": str(chosen.pk), "status": "active"}, user=admin)
    assert form.filters()["coordinator"] == chosen
    html = str(form["coordinator"])
    assert f'<option value="{chosen.pk}" selected>Dewi Lestari</option>' in html
    assert '<option value="active" selected>' in str(form["status"])
    stale = ParticipantFilterForm({"coordinator": "999999"}, user=admin)
    assert "coordinator" not in stale.filters()
