import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lindung.core.tests.factories import region
from lindung.regions.models import Level, Region
from lindung.regions.services import RegionInUse, region_create, region_delete, region_rename

pytestmark = pytest.mark.django_db


@pytest.fixture
def bengkalis():
    region("14", "Riau")
    region("14.03", "Kabupaten Bengkalis")
    return region("14.03.01", "Bengkalis")


def test_create_district_and_village(admin, bengkalis):
    district = region_create(actor=admin, code="14.03.17", name=" Bengkalis  Baru ")
    village = region_create(actor=admin, code="14.03.01.2032", name="Kelapapati Tengah")

    assert (district.level, district.parent_id, district.name) == (Level.DISTRICT, "14.03", "Bengkalis Baru")
    assert (village.level, village.parent_id) == (Level.VILLAGE, "14.03.01")
    assert village.history.get().history_user == admin


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("14", "code"),  # provinces and regencies come from the official import only
        ("14.03", "code"),
        ("14.3.01", "code"),
        ("14.03.01.3001", "code"),  # neither kelurahan (1) nor desa (2)
        ("14.03.02.2001", "code"),  # parent district does not exist
        ("14.04.01", "code"),  # parent regency does not exist
        ("14.03.01", "code"),  # already exists
    ],
)
def test_create_refuses_bad_codes(admin, bengkalis, code, field):
    with pytest.raises(ValidationError) as excinfo:
        region_create(actor=admin, code=code, name="X")
    assert field in excinfo.value.message_dict
    assert Region.objects.count() == 3


def test_create_refuses_an_empty_name(admin, bengkalis):
    with pytest.raises(ValidationError):
        region_create(actor=admin, code="14.03.01.2032", name="  ")


def test_coordinators_may_not_write(coordinator, bengkalis):
    with pytest.raises(PermissionDenied):
        region_create(actor=coordinator, code="14.03.17", name="X")
    with pytest.raises(PermissionDenied):
        region_rename(actor=coordinator, region=bengkalis, name="X")
    with pytest.raises(PermissionDenied):
        region_delete(actor=coordinator, region=Region.objects.get(code="14.03.01"))


def test_rename_keeps_the_code(admin, bengkalis):
    region_rename(actor=admin, region=bengkalis, name="Bengkalis Kota Lama")
    bengkalis.refresh_from_db()
    assert (bengkalis.code, bengkalis.name) == ("14.03.01", "Bengkalis Kota Lama")


def test_delete_refused_while_children_exist(admin, bengkalis):
    with pytest.raises(RegionInUse, match="1 sub-region"):
        region_delete(actor=admin, region=Region.objects.get(code="14.03"))
    assert Region.objects.filter(code="14.03").exists()


def test_delete_refused_when_a_user_refers_to_it(admin, bengkalis):
    from lindung.core.tests.factories import CoordinatorFactory

    CoordinatorFactory(district=bengkalis)
    with pytest.raises(RegionInUse, match="refer to it"):
        region_delete(actor=admin, region=bengkalis)
    assert Region.objects.filter(code="14.03.01").exists()


def test_delete_a_leaf(admin, bengkalis):
    village = region("14.03.01.2004", "Kelapapati")
    region_delete(actor=admin, region=village)
    assert not Region.objects.filter(code="14.03.01.2004").exists()
