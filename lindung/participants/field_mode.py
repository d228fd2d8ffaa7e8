"""Field mode's server side: a registration sent from a phone's queue is taken at most
once per idempotency key.

The phone gives every entry a random key when it is saved and sends it with every try,
so a send whose answer was lost (or two sends racing after the signal comes back)
registers the worker once, and every try gets the first answer back.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access

from .models import FieldSubmission
from .services import RegistrationResult


@dataclass(frozen=True)
class FieldAnswer:
    result: dict[str, Any]
    # False for the send that registered the worker, True for every later one.
    repeated: bool


def parse_key(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw or ""))
    except ValueError:
        return None


def earlier_answer(actor: User, key: uuid.UUID) -> FieldAnswer | None:
    principal = access.principal_of(actor)
    submission = access.scope(principal, FieldSubmission.objects.all(), "view").filter(key=key).first()
    return FieldAnswer(result=submission.result, repeated=True) if submission else None


def _result_of(registration: RegistrationResult) -> dict[str, Any]:
    participant = registration.participant
    result: dict[str, Any] = {
        "participant": participant.pk,
        "name": participant.full_name,
        "url": reverse("participants:detail", args=[participant.pk]),
        "message": _("%(name)s has been registered.") % {"name": participant.full_name},
    }
    if registration.likely_duplicates:
        result["warning"] = _(
            "Another participant has the same name and date of birth. It may be the same person; "
            "the registration is flagged for checking."
        )
    return result


def register_once(*, actor: User, key: uuid.UUID, register: Callable[[], RegistrationResult]) -> FieldAnswer:
    """Run ``register`` unless this key was taken already; raises what ``register`` raises
    (a ValidationError for a refused entry), leaving nothing behind."""
    access.require_may(access.principal_of(actor), FieldSubmission, "add")
    try:
        with transaction.atomic():
            # The key row first: a concurrent send of the same key blocks on it (PostgreSQL's
            # unique index, SQLite's write lock) until this transaction ends.
            submission = FieldSubmission.objects.create(created_by=actor, key=key)
            registration = register()
            submission.participant = registration.participant
            submission.result = _result_of(registration)
            submission.save(update_fields=["participant", "result"])
    except IntegrityError:
        earlier = earlier_answer(actor, key)
        if earlier is None:  # some other constraint: not ours to explain away
            raise
        return earlier
    return FieldAnswer(result=submission.result, repeated=False)
