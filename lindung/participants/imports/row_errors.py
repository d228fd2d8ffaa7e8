"""All of a row's faults at once. Once one cell of a row has failed (a village that is
not found, a date that cannot be read), the registration check used to be skipped, so
its own findings (a NIK that does not match the birth date, a phone that is not a
mobile number) only appeared after the next upload. This runs the same service rules
over what the row still holds, and adds what they find for the other columns."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lindung.participants import services
from lindung.participants.models import Participant

from .base import Outcome
from .validation import REQUIRED_FOR_REGISTRATION


def add_remaining_errors(outcome: Outcome, data: dict[str, Any], current: Participant | None) -> None:
    failed = {error.field for error in outcome.errors}
    found: dict[str, list[str]] = {}
    if current is None:
        for name in REQUIRED_FOR_REGISTRATION:
            if not data.get(name) and name not in failed:
                found.setdefault(name, []).append(_("This field is required."))
    try:
        services._clean(data, current=current)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            found.setdefault(name, []).extend(messages)
    for name, messages in found.items():
        if name in failed:
            continue  # the row already says what is wrong with this column
        for message in messages:
            outcome.fail(name, message)
