"""The registration rules, reached from the import. Nothing here decides what a valid
NIK, phone or status change is: it calls the same service checks the form and the API
go through, so the import can never accept what registration refuses."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.participants import services
from lindung.participants.models import Participant

REQUIRED_FOR_REGISTRATION = ("nik", "full_name", "birth_place", "birth_date", "sex", "address", "village")


def check_registration(*, actor: User, data: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values for a new participant, or ValidationError keyed by field."""
    missing = {name: [_("This field is required.")] for name in REQUIRED_FOR_REGISTRATION if not data.get(name)}
    if missing:
        raise ValidationError(missing)
    values = services._clean(data)
    services._check_coordinator_limits(actor, values, None)
    return values


def check_update(*, actor: User, participant: Participant, data: Mapping[str, Any]) -> dict[str, Any]:
    """The values that would change on ``participant``, or ValidationError."""
    services._check_may_change(actor, participant)
    values = services._clean(data, current=participant)
    services._check_coordinator_limits(actor, values, participant)
    return {name: value for name, value in values.items() if _current(participant, name) != _plain(value)}


def _current(participant: Participant, name: str) -> Any:
    # Foreign keys compared by id: reading participant.village would cost a query a row.
    field = Participant._meta.get_field(name)
    return getattr(participant, getattr(field, "attname", name))


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value
