"""The registration rules, reached from the import. Nothing here decides what a valid
NIK, phone or status change is: it calls the same service checks the form and the API
go through, so the import can never accept what registration refuses."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from lindung.accounts.models import User
from lindung.core import access
from lindung.participants import services
from lindung.participants.models import Participant

REQUIRED_FOR_REGISTRATION = services.REQUIRED_FOR_REGISTRATION


def check_registration(*, actor: User, data: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values for a new participant, or ValidationError keyed by field."""
    return services.participant_values_check(principal=access.principal_of(actor), data=data, current=None)


def check_update(*, actor: User, participant: Participant, data: Mapping[str, Any]) -> dict[str, Any]:
    """The values that would change on ``participant``, or ValidationError."""
    services._check_may_change(actor, participant)
    values = services.participant_values_check(principal=access.principal_of(actor), data=data, current=participant)
    return {name: value for name, value in values.items() if _current(participant, name) != _plain(value)}


def _current(participant: Participant, name: str) -> Any:
    # Foreign keys compared by id: reading participant.village would cost a query a row.
    field = Participant._meta.get_field(name)
    return getattr(participant, getattr(field, "attname", name))


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value
