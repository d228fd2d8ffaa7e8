import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lindung.core.tests.factories import CoordinatorFactory, region
from lindung.regions.models import Region
from lindung.regions.services import regions_import_csv

from .conftest import BENGKALIS_CSV

pytestmark = pytest.mark.django_db


@pytest.fixture
def bengkalis():
    regions_import_csv(path=BENGKALIS_CSV)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


ADMIN_PAGES = [
    ("get", "regions:list", {}),
    ("get", "regions:district_create", {}),
    ("post", "regions:district_create", {}),
    ("get", "regions:village_create", {}),
    ("post", "regions:village_create", {}),
    ("get", "regions:edit", {"code": "14.03.01.2004"}),
    ("post", "regions:edit", {"code": "14.03.01.2004"}),
    ("get", "regions:delete", {"code": "14.03.01.2004"}),
    ("post", "regions:delete", {"code": "14.03.01.2004"}),
]


@pytest.mark.parametrize(("method", "name", "kwargs"), ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client, bengkalis, method, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("method", "name", "kwargs"), ADMIN_PAGES)
def test_coordinators_are_refused(client, bengkalis, method, name, kwargs):
    for coordinator in (CoordinatorFactory(), CoordinatorFactory()):
        client.force_login(coordinator)
        response = getattr(client, method)(reverse(name, kwargs=kwargs), {"name": "Hacked", "code": "2099"})
        assert response.status_code == 403
    assert Region.objects.get(code="14.03.01.2004").name == "Kelapapati"
    assert Region.objects.count() == 168


@pytest.mark.parametrize(("method", "name", "kwargs"), [p for p in ADMIN_PAGES if p[0] == "get"])
def test_admin_opens_every_page(client, admin, bengkalis, method, name, kwargs):
    client.force_login(admin)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


def test_edit_of_an_unknown_code_is_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("regions:edit", kwargs={"code": "99.99"})).status_code == 404


# --------------------------------------------------------------------------- list


def test_list_shows_rows_with_parent_and_child_counts(client, admin, bengkalis):
    client.force_login(admin)
    response = client.get(reverse("regions:list"), {"level": 3, "per_page": 25})

    rows = list(response.context["table"].page.object_list)
    assert len(rows) == 11
    by_code = {r.code: r for r in rows}
    assert by_code["14.03.01"].child_count == 31
    assert by_code["14.03.09"].child_count == 11
    assert by_code["14.03.01"].parent.name == "Kabupaten Bengkalis"
    assert b"Bathin Solapan" in response.content


def test_list_search_by_name_and_by_code(client, admin, bengkalis):
    client.force_login(admin)
    by_name = client.get(reverse("regions:list"), {"q": "kelapa"}).context["table"].page.object_list
    by_code = client.get(reverse("regions:list"), {"q": "14.03.09"}).context["table"].page.object_list
    assert [r.code for r in by_name] == ["14.03.01.2004"]
    assert {r.code for r in by_code} == {
        "14.03.09",
        *(
            f"14.03.09.{s}"
            for s in ("1001", "1002", "1003", "1004", "1006", "1007", "1008", "1009", "1010", "2011", "2021")
        ),
    }


def test_list_filters_by_cascade(client, admin, bengkalis):
    region("31", "DKI Jakarta")
    client.force_login(admin)
    params = {"province": "14", "regency": "14.03", "district": "14.03.11", "level": 4}
    response = client.get(reverse("regions:list"), params)

    codes = [r.code for r in response.context["table"].page.object_list]
    assert len(codes) == 8 and all(c.startswith("14.03.11.") for c in codes)
    # The lower selects list only the chosen parent's children.
    form = response.context["filter_form"]
    assert [c for c, _ in form.fields["district"].choices if c][:2] == ["14.03.01", "14.03.02"]
    assert "31" in dict(form.fields["province"].choices)


def test_list_drops_a_stale_lower_filter(client, admin, bengkalis):
    region("31", "DKI Jakarta")
    client.force_login(admin)
    response = client.get(reverse("regions:list"), {"province": "31", "regency": "14.03", "level": 3})
    assert response.status_code == 200
    assert list(response.context["table"].page.object_list) == []


def test_list_sorts_by_child_count(client, admin, bengkalis):
    client.force_login(admin)
    rows = client.get(reverse("regions:list"), {"level": 3, "sort": "-children"}).context["table"].page.object_list
    assert rows[0].code == "14.03.01"


def test_list_children_link_opens_the_children(client, admin, bengkalis):
    client.force_login(admin)
    rows = client.get(reverse("regions:list"), {"level": 2}).context["table"].page.object_list
    url = rows[0].children_url
    assert "regency=14.03" in url and "province=14" in url and "level=3" in url
    children = client.get(reverse("regions:list") + url).context["table"].page.object_list
    assert len(children) == 11


def test_list_query_count_does_not_grow_with_rows(client, admin, bengkalis, django_assert_max_num_queries):
    client.force_login(admin)
    # session + user + provinces + regencies + districts + count + page, and the session
    # renewal (at most once a minute) wrapped in a savepoint: the same for 10 rows or 100.
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("regions:list"), {"province": "14", "regency": "14.03", "level": 4, "per_page": 100}
        )
    assert len(response.context["table"].page.object_list) == 100


# --------------------------------------------------------------------------- create


def test_admin_adds_a_district_with_the_short_code(client, admin, bengkalis):
    client.force_login(admin)
    response = client.post(
        reverse("regions:district_create"), {"parent": "14.03", "code": "17", "name": "Bengkalis Baru"}
    )

    assert response.status_code == 302
    district = Region.objects.get(code="14.03.17")
    assert (district.name, district.parent_id, district.level) == ("Bengkalis Baru", "14.03", 3)
    assert _messages(response) == ["Bengkalis Baru (14.03.17) was added."]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"parent": "14.03", "code": "14.04.17", "name": "X"}, "must start with 14.03"),
        ({"parent": "14.03", "code": "1", "name": "X"}, "NN.NN.NN"),
        ({"parent": "14.03", "code": "01", "name": "X"}, "already exists"),
        ({"parent": "14.03.01", "code": "17", "name": "X"}, "Select a valid choice"),  # not a regency
        ({"parent": "14.03", "code": "17", "name": ""}, "required"),
    ],
)
def test_district_form_errors_sit_next_to_the_field(client, admin, bengkalis, data, error):
    client.force_login(admin)
    response = client.post(reverse("regions:district_create"), data)

    assert response.status_code == 200
    assert error in str(response.context["form"].errors)
    assert Region.objects.count() == 168


def test_admin_adds_a_village(client, admin, bengkalis):
    client.force_login(admin)
    response = client.post(
        reverse("regions:village_create"),
        {"regency": "14.03", "parent": "14.03.01", "code": "14.03.01.2032", "name": "Kelapapati Tengah"},
    )

    assert response.status_code == 302
    assert Region.objects.get(code="14.03.01.2032").parent_id == "14.03.01"
    assert "level=4" in response["Location"] and "district=14.03.01" in response["Location"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"parent": "14.03.01", "code": "3001", "name": "X"}, "1 for a kelurahan or 2 for a desa"),
        ({"parent": "14.03.01", "code": "14.03.02.2099", "name": "X"}, "must start with 14.03.01"),
        ({"parent": "14.03.01", "code": "204", "name": "X"}, "NN.NN.NN.NNNN"),
        ({"parent": "14.03", "code": "2001", "name": "X"}, "Select a valid choice"),  # a regency, not a district
        ({"regency": "14.03", "parent": "", "code": "2001", "name": "X"}, "required"),
    ],
)
def test_village_form_errors(client, admin, bengkalis, data, error):
    client.force_login(admin)
    response = client.post(reverse("regions:village_create"), data)

    assert response.status_code == 200
    assert error in str(response.context["form"].errors)
    assert Region.objects.count() == 168


def test_village_form_lists_only_the_chosen_regencys_districts(client, admin, bengkalis):
    region("14.04", "Kabupaten Indragiri Hilir")
    region("14.04.01", "Reteh")
    client.force_login(admin)

    response = client.get(reverse("regions:village_create"), {"regency": "14.03"})
    choices = [str(v) for v, _ in response.context["form"].fields["parent"].choices if v]
    assert len(choices) == 11 and "14.04.01" not in choices
    assert b'hx-get="/regions/options/districts/"' in response.content

    # Without JavaScript, "Show districts" re-renders the form for the chosen regency without errors.
    refreshed = client.post(reverse("regions:village_create"), {"regency": "14.04", "_refresh": "1"})
    assert refreshed.status_code == 200
    assert not refreshed.context["form"].errors
    assert [str(v) for v, _ in refreshed.context["form"].fields["parent"].choices if v] == ["14.04.01"]
    assert Region.objects.filter(level=4).count() == 155


# --------------------------------------------------------------------------- edit / delete


def test_edit_changes_the_name_only(client, admin, bengkalis):
    client.force_login(admin)
    response = client.post(
        reverse("regions:edit", kwargs={"code": "14.03.01.2004"}), {"name": "Kelapa Pati", "code": "14.03.01.2999"}
    )

    assert response.status_code == 302
    assert Region.objects.get(code="14.03.01.2004").name == "Kelapa Pati"
    assert not Region.objects.filter(code="14.03.01.2999").exists()
    assert _messages(response) == ["Kelapa Pati (14.03.01.2004) was saved."]


def test_edit_requires_a_name(client, admin, bengkalis):
    client.force_login(admin)
    response = client.post(reverse("regions:edit", kwargs={"code": "14.03.01.2004"}), {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_delete_a_village(client, admin, bengkalis):
    client.force_login(admin)
    response = client.post(reverse("regions:delete", kwargs={"code": "14.03.01.2004"}))

    assert response.status_code == 302
    assert not Region.objects.filter(code="14.03.01.2004").exists()
    assert _messages(response) == ["Kelapapati (14.03.01.2004) was deleted."]


def test_delete_refused_with_children(client, admin, bengkalis):
    client.force_login(admin)
    response = client.post(reverse("regions:delete", kwargs={"code": "14.03.09"}), follow=True)

    assert Region.objects.filter(code="14.03.09").exists()
    assert "cannot be deleted: it has 11 sub-region(s)" in _messages(response)[0]
    assert response.redirect_chain[-1][0] == reverse("regions:edit", kwargs={"code": "14.03.09"})


def test_delete_refused_when_referenced(client, admin, bengkalis):
    CoordinatorFactory(district=Region.objects.get(code="14.03.15"))
    region("14.03.17", "Empty District")
    CoordinatorFactory(district=Region.objects.get(code="14.03.17"))
    client.force_login(admin)

    response = client.post(reverse("regions:delete", kwargs={"code": "14.03.17"}))

    assert response.status_code == 302
    assert Region.objects.filter(code="14.03.17").exists()
    assert "refer to it" in _messages(response)[0]


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize("name", ["regions:village_options", "regions:district_options"])
def test_options_need_login(client, bengkalis, name):
    response = client.get(reverse(name), {"district": "14.03.01", "regency": "14.03"})
    assert response.status_code == 302


def test_village_options_for_any_signed_in_user(client, coordinator, bengkalis, django_assert_max_num_queries):
    client.force_login(coordinator)
    # session + user + villages, and the session save in a savepoint.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("regions:village_options"), {"district": "14.03.09", "selected": "14.03.09.1001"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<option") == 12  # the empty choice + 11 villages
    # "name (code)": typing a letter in the select jumps to the villages starting with it.
    assert '<option value="14.03.09.1001" selected>Air Jamban (14.03.09.1001)</option>' in html
    assert html.index("Air Jamban") < html.index("Duri Barat")  # by name


def test_district_options(client, coordinator, bengkalis):
    client.force_login(coordinator)
    html = client.get(reverse("regions:district_options"), {"regency": "14.03"}).content.decode()
    assert html.count("<option") == 12
    assert "Bathin Solapan (14.03.16)" in html


@pytest.mark.parametrize("value", ["", "14.03", "x' OR 1=1", "14.03.01.2004"])
def test_village_options_with_a_bad_district_answer_only_the_empty_choice(client, coordinator, bengkalis, value):
    client.force_login(coordinator)
    html = client.get(reverse("regions:village_options"), {"district": value}).content.decode()
    assert html.count("<option") == 1
