"""Correction requests (SELF-2, REG-3): a participant asks for their phone, email,
address or occupation to be corrected; their coordinator (or an administrator) approves,
which changes the record through the participants service (its history keeps who
changed what and when), or refuses with a reason. The request rows stay as the history
of what was asked and decided."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.phones import normalize_mobile
from lindung.participants.models import Participant
from lindung.participants.services import participant_update

from .models import CorrectableField, CorrectionRequest
from .principal import ParticipantUser
from .states import correction_states

MAX_LENGTH = {CorrectableField.ADDRESS: 500, CorrectableField.OCCUPATION: 100, CorrectableField.EMAIL: 254}


def _clean_value(field: str, raw: str) -> str:
    value = " ".join((raw or "").split()) if field != CorrectableField.ADDRESS else (raw or "").strip()
    if not value and field in (CorrectableField.ADDRESS, CorrectableField.PHONE):
        raise ValidationError({"new_value": _("Write the new value.")})
    if field == CorrectableField.PHONE:
        try:
            return normalize_mobile(value)
        except ValidationError as exc:
            raise ValidationError({"new_value": exc.messages}) from exc
    if field == CorrectableField.EMAIL and value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValidationError({"new_value": _("Enter a valid email address.")}) from exc
    limit = MAX_LENGTH.get(CorrectableField(field))
    if limit and len(value) > limit:
        raise ValidationError({"new_value": _("At most %(limit)s characters.") % {"limit": limit}})
    return value


@transaction.atomic
def correction_request(*, actor: ParticipantUser, field: str, new_value: str, note: str = "") -> CorrectionRequest:
    principal = access.principal_of(actor)
    participant = access.get_or_404(principal, Participant.objects.all(), pk=actor.participant_id)
    access.require_may(principal, CorrectionRequest, "add")
    if field not in CorrectableField.values:
        raise ValidationError({"field": _("Choose what to correct.")})
    value = _clean_value(field, new_value)
    old = str(getattr(participant, field) or "")
    if value == old:
        raise ValidationError({"new_value": _("This is what the record already says.")})
    request = CorrectionRequest(
        participant=participant, field=field, old_value=old, new_value=value, note=(note or "").strip()[:300]
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"field": _("A correction of this detail is already waiting for your coordinator.")}
        ) from exc
    return request


@transaction.atomic
def correction_approve(*, actor: User, correction: CorrectionRequest) -> CorrectionRequest:
    """Apply the asked value through the participants service (history, events), then
    close the request; both or neither."""
    locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    correction_states.check(locked, correction_states.transitions["approve"], access.principal_of(actor))
    participant = Participant.objects.get(pk=correction.participant_id)
    participant_update(actor=actor, participant=participant, data={correction.field: correction.new_value})

    def save(row: CorrectionRequest) -> None:
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])

    return correction_states.move(correction, "approve", actor=actor, save=save)


@transaction.atomic
def correction_refuse(*, actor: User, correction: CorrectionRequest, reason: str) -> CorrectionRequest:
    def save(row: CorrectionRequest) -> None:
        row.reason = reason.strip()
        row.decided_by = actor
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])

    return correction_states.move(correction, "refuse", actor=actor, reason=reason, save=save)
