from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lindung.core.tests.factories import mandau_village
from lindung.info import selectors, services
from lindung.info.models import PointKind, ServicePoint
from lindung.info.tests.factories import service_point

pytestmark = pytest.mark.django_db

HEADER = "code,name,kind,address,village_code,opening_hours,phone,latitude,longitude\n"


def test_points_come_nearest_first_with_their_distance():
    far = service_point(name="Duri", latitude=Decimal("1.300000"), longitude=Decimal("101.200000"))
    near = service_point(name="Bengkalis", latitude=Decimal("1.470000"), longitude=Decimal("102.100000"))
    middle = service_point(name="Siak", latitude=Decimal("1.100000"), longitude=Decimal("102.000000"))
    found = selectors.points_nearest(1.47, 102.11)
    assert [n.point for n in found] == [near, middle, far]
    assert found[0].km == pytest.approx(1.11, abs=0.05)


def test_inactive_points_and_other_kinds_are_left_out():
    service_point(name="Tutup", active=False)
    pay = service_point(name="Agen", kind=PointKind.PAYMENT)
    service_point(name="Cabang")
    assert [n.point for n in selectors.points_nearest(1.46, 102.1, kind=PointKind.PAYMENT)] == [pay]


def test_a_new_point_is_found_at_once_despite_the_cache(admin):
    service_point(name="Lama")
    selectors.points_nearest(1.46, 102.1)  # fills the cache
    new = ServicePoint(name="Baru", kind=PointKind.OTHER, address="x", latitude=Decimal(1), longitude=Decimal(102))
    services.point_save(actor=admin, point=new)
    assert new in [n.point for n in selectors.points_nearest(1.0, 102.0)]


def test_the_public_page_sorts_from_a_village_typed_by_name_without_javascript(client):
    service_point(name="Di Kelapapati")
    service_point(
        name="Di Mandau", village=mandau_village(), latitude=Decimal("1.280000"), longitude=Decimal("101.200000")
    )
    html = client.get(reverse("info:points"), {"village": "air jamban"}).content.decode()
    assert html.index("Di Mandau") < html.index("Di Kelapapati")
    assert "geo:1.280000,101.200000" in html and "google.com/maps" in html


def test_the_public_page_sorts_from_the_browser_position(client):
    service_point(name="Jauh", latitude=Decimal("1.0"), longitude=Decimal("101.0"))
    service_point(name="Dekat", latitude=Decimal("1.46"), longitude=Decimal("102.1"))
    html = client.get(reverse("info:points"), {"lat": "1.46", "lon": "102.1"}).content.decode()
    assert html.index("Dekat") < html.index("Jauh")


def test_only_the_service_points_page_may_ask_for_the_location(client):
    assert "geolocation=(self)" in client.get(reverse("info:points"))["Permissions-Policy"]
    assert "geolocation=()" in client.get(reverse("info:index"))["Permissions-Policy"]


def test_an_unknown_village_says_so(client):
    html = client.get(reverse("info:points"), {"village": "Atlantis"}).content.decode()
    assert "No village by that name" in html


def test_import_keeps_good_rows_and_returns_every_bad_row_with_its_reason(admin):
    mandau_village()
    text = HEADER + (
        "B1,Kantor Cabang Duri,branch,Jl. Sudirman,14.03.09.1001,08-16,0765-1,1.28,101.2\n"
        ",Agen Pos,titik bayar,Jl. Pasar,,,,1.30,101.3\n"
        ",Tanpa koordinat,branch,Jl. A,,,,,\n"
        ",Salah jenis,warung,Jl. B,,,,1,101\n"
        ",Desa salah,branch,Jl. C,99.99.99.9999,,,1,101\n"
        ",Lintang salah,branch,Jl. D,,,,91,101\n"
    )
    result = services.points_import(actor=admin, text=text)
    assert (result.created, result.updated) == (2, 0)
    assert [row for row, _values, _errors in result.rejected] == [4, 5, 6, 7]
    reasons = " ".join(" ".join(errors) for _row, _values, errors in result.rejected)
    for expected in ("latitude is empty", "Unknown type “warung”", "No village has the code", "between -90 and 90"):
        assert expected in reasons
    again = result.rejected_csv()
    assert again.splitlines()[0].endswith(",error") and "Salah jenis" in again and len(again.splitlines()) == 5
    # Fixing the rows and importing the returned text again adds them; a known code updates.
    fixed = again.replace(",warung,", ",other,").replace("99.99.99.9999", "14.03.09.1001").replace(",91,", ",1,")
    fixed = fixed.replace("Jl. A,,,,,", "Jl. A,,,,1.1,101.1")
    second = services.points_import(actor=admin, text=fixed + "B1,Kantor Cabang Duri Baru,branch,Jl. S,,,,1.28,101.2\n")
    assert (second.created, second.updated, second.rejected) == (4, 1, [])
    assert ServicePoint.objects.get(code="B1").name == "Kantor Cabang Duri Baru"


def test_import_without_the_needed_columns_is_refused_whole(admin):
    with pytest.raises(Exception, match="missing: name"):
        services.points_import(actor=admin, text="nama,alamat\nA,B\n")


def test_only_an_administrator_imports_or_edits_points(coord_a, client):
    with pytest.raises(PermissionDenied):
        services.points_import(actor=coord_a, text=HEADER)
    point = service_point()
    client.force_login(coord_a)
    for url in (reverse("info:point_list"), reverse("info:point_import"), reverse("info:point_edit", args=[point.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("info:point_delete", args=[point.pk])).status_code == 403
    assert ServicePoint.objects.filter(pk=point.pk).exists()


def test_the_import_page_puts_refused_rows_back_in_the_box(admin, client):
    client.force_login(admin)
    response = client.post(reverse("info:point_import"), {"text": HEADER + ",Tanpa alamat,branch,,,,,1,101\n"})
    html = response.content.decode()
    assert "1 row was not imported" in html and "Tanpa alamat" in html and "address is empty" in html


def test_the_admin_adds_and_edits_a_point(admin, client):
    client.force_login(admin)
    data = {
        "name": "Agen Baru",
        "kind": "payment",
        "address": "Jl. Baru",
        "latitude": "1.5",
        "longitude": "102.2",
        "village_code": "",
        "active": "on",
    }
    assert client.post(reverse("info:point_create"), data).status_code == 302
    point = ServicePoint.objects.get(name="Agen Baru")
    bad = client.post(reverse("info:point_edit", args=[point.pk]), {**data, "latitude": "123"})
    assert bad.status_code == 200 and "less than or equal to 90" in bad.content.decode()
