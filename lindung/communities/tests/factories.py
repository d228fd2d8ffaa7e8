import datetime
import itertools

import factory
from factory.django import DjangoModelFactory

from lindung.communities.models import CommunityGroup, GroupType
from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village
from lindung.participants.models import Participant, Sex

_serials = itertools.count(1)


class CommunityGroupFactory(DjangoModelFactory[CommunityGroup]):
    class Meta:
        model = CommunityGroup

    name = factory.Sequence(lambda n: f"Kelompok Tani {n}")
    group_type = GroupType.FARMERS
    village = factory.LazyFunction(bengkalis_village)
    coordinator = factory.SubFactory(CoordinatorFactory)
    leader_name = "Pak Leader"
    leader_phone = "+6281234567890"


def make_participant(group: CommunityGroup, **extra) -> Participant:
    """Straight through the ORM: these tests need rows, not the registration rules."""
    serial = next(_serials)
    coordinator = group.coordinator or CoordinatorFactory()
    fields = {
        "nik": f"1403011705{serial:06d}",
        "full_name": f"Peserta {serial}",
        "name_key": f"peserta {serial}",
        "birth_place": "Bengkalis",
        "birth_date": datetime.date(1990, 5, 17),
        "sex": Sex.MALE,
        "address": "Jl. Pramuka 1",
        "village": group.village,
        "district": group.village.parent,
        "coordinator": coordinator,
        "registered_by": coordinator,
        "registration_date": datetime.date(2026, 1, 5),
        "community_group": group,
        **extra,
    }
    return Participant.objects.create(**fields)
