from decimal import Decimal
from typing import Any

from lindung.core.tests.factories import bengkalis_village
from lindung.info.models import PointKind, ServicePoint


def service_point(**fields: Any) -> ServicePoint:
    values: dict[str, Any] = {
        "name": "Kantor Cabang Bengkalis",
        "kind": PointKind.BRANCH,
        "address": "Jl. Ahmad Yani 1",
        "village": bengkalis_village(),
        "opening_hours": "Senin-Jumat 08.00-16.00",
        "phone": "0766-21000",
        "latitude": Decimal("1.466000"),
        "longitude": Decimal("102.100000"),
    }
    values.update(fields)
    return ServicePoint.objects.create(**values)
