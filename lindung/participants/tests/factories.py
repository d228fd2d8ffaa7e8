import datetime

import factory
from factory.django import DjangoModelFactory

from lindung.core.tests.factories import CoordinatorFactory, bengkalis_village
from lindung.participants.models import Participant, Sex
from lindung.participants.names import normalize_name


def make_nik(birth_date: datetime.date, sex: str, serial: int, region: str = "140301") -> str:
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


class ParticipantFactory(DjangoModelFactory[Participant]):
    class Meta:
        model = Participant

    full_name = factory.Sequence(lambda n: f"Peserta Nomor {n}")
    name_key = factory.LazyAttribute(lambda p: normalize_name(p.full_name))
    birth_place = "Bengkalis"
    birth_date = datetime.date(1988, 3, 9)
    sex = Sex.MALE
    nik = factory.Sequence(lambda n: make_nik(datetime.date(1988, 3, 9), Sex.MALE, n + 1))
    address = "Jl. Pramuka No. 1"
    village = factory.LazyFunction(bengkalis_village)
    district = factory.LazyAttribute(lambda p: p.village.parent)
    coordinator = factory.SubFactory(CoordinatorFactory)
    registered_by = factory.LazyAttribute(lambda p: p.coordinator)
    registration_date = datetime.date(2026, 1, 5)
    phone = "+6281234567890"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Rows made here are announced as a registration is, so the event subscribers
        # (the dashboards' tallies) count them through the same path.
        from lindung.core import events

        participant = super()._create(model_class, *args, **kwargs)
        events.emit("participant.registered", participant_ids=[participant.pk], subject=participant)
        return participant
