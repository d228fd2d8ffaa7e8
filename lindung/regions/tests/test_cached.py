"""The cached region facts follow every way a region can change."""

import io

import pytest

from lindung.core.tests.factories import bengkalis_village
from lindung.regions import cached
from lindung.regions.models import Level, Region
from lindung.regions.services import region_rename, regions_import_csv

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_rename_counts_and_import_are_seen_after_commit(admin):
    village = bengkalis_village()
    district = village.parent
    assert cached.district_names([district.code]) == {district.code: district.name}
    before = cached.level_counts()
    assert before[Level.VILLAGE] == Region.objects.filter(level=Level.VILLAGE).count()

    region_rename(actor=admin, region=district, name="Bengkalis Baru")
    assert cached.district_names([district.code]) == {district.code: "Bengkalis Baru"}

    new_village = f"{district.code}.2099"
    regions_import_csv(actor=admin, file=io.StringIO(f"kode,nama\n{new_village},Desa Uji\n"))
    assert cached.level_counts()[Level.VILLAGE] == before[Level.VILLAGE] + 1

    Region.objects.filter(code=new_village).delete()  # behind the services' back: a signal still fires
    assert cached.level_counts()[Level.VILLAGE] == before[Level.VILLAGE]


def test_unknown_codes_are_left_out():
    assert cached.district_names(["99.99.99"]) == {}
