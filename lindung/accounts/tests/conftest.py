import datetime
import itertools

from lindung.core.tests.factories import bengkalis_village
from lindung.participants.models import Participant

_niks = itertools.count(1)


def make_participant(*, by, full_name: str = "Dewi Lestari", **extra) -> Participant:
    """A participant written straight through the ORM: enough to produce history rows."""
    village = bengkalis_village()
    participant = Participant(
        nik=f"1403015705{next(_niks):06d}",
        full_name=full_name,
        birth_place="Bengkalis",
        birth_date=datetime.date(1990, 5, 17),
        sex="F",
        address="Jl. Pahlawan 1",
        village=village,
        district=village.parent,
        coordinator=by,
        registered_by=by,
        registration_date=datetime.date(2026, 1, 5),
        **extra,
    )
    participant._history_user = by
    participant.save()
    return participant
