"""Self-registration (SELF-1): a worker's own registration waits as "pending
verification" until a coordinator of the village (or an administrator) accepts it, which
registers the participant through the participants app's service and state machine, or
rejects it with a reason. The person is told either way.

What a submission may learn is limited on purpose: a NIK already in the registry gets a
message that says nothing about that record; a NIK already waiting is the same pending
registration (the first one stays, the second is not stored)."""

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lindung.accounts.models import Role, User
from lindung.cards.services import card_issue
from lindung.contributions.calculator import Calculation, contribution_calculate
from lindung.contributions.models import RuleCategory
from lindung.contributions.services import participant_programs_set
from lindung.core import access
from lindung.core.phones import normalize_mobile
from lindung.participants.models import ConsentMethod, Participant
from lindung.participants.names import normalize_name
from lindung.participants.nik import clean_nik, validate_nik
from lindung.participants.services import participant_register
from lindung.regions.models import Level, Region

from . import throttle
from .limits import limit
from .models import RegistrationStatus, SelfRegistration
from .photos import clean_ktp_photo
from .sending import Text, send_text
from .signin import Throttled
from .states import registration_states

CATEGORY = RuleCategory.INFORMAL  # who registers themselves: informal workers (BPU)


class Submitted(enum.Enum):
    CREATED = "created"
    ALREADY_PENDING = "already_pending"
    ALREADY_REGISTERED = "already_registered"


def contribution_preview(*, income: int, programs: list[str], on: datetime.date | None = None) -> Calculation:
    """The monthly contribution for the chosen programs, by the rules in force (the
    contributions calculator: the same figure the live preview and the bill show)."""
    return contribution_calculate(category=CATEGORY, income=income, programs=programs, month=on or timezone.localdate())


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    errors: dict[str, list[str]] = {}
    values["nik"] = clean_nik(str(values.get("nik") or ""))
    try:
        validate_nik(values["nik"], birth_date=values.get("birth_date"), sex=values.get("sex"))
    except ValidationError as exc:
        errors["nik"] = exc.messages
    try:
        values["phone"] = normalize_mobile(str(values.get("phone") or ""))
        if not values["phone"]:
            errors["phone"] = [_("Enter the mobile number we can reach you on.")]
    except ValidationError as exc:
        errors["phone"] = exc.messages
    village = values.get("village")
    if not isinstance(village, Region) or village.level != Level.VILLAGE:
        errors["village"] = [_("Choose a village (desa/kelurahan).")]
    birth_date = values.get("birth_date")
    if birth_date and birth_date > timezone.localdate():
        errors.setdefault("birth_date", []).append(_("The date of birth cannot be in the future."))
    values["full_name"] = " ".join(str(values.get("full_name") or "").split())
    try:
        # The server's own figure: whatever the page showed, this is what is stored.
        contribution_preview(income=values.get("declared_income") or 0, programs=list(values.get("programs") or []))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault("declared_income" if name == "income" else name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


def route_to_coordinator(village: Region) -> User | None:
    """An active coordinator working in the village's district, the one with the fewest
    registrations waiting; nobody (administrators only) when the district has none."""
    waiting = (
        SelfRegistration.objects.filter(status=RegistrationStatus.PENDING, coordinator=OuterRef("pk"))
        .values("coordinator")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        User.objects.filter(role=Role.COORDINATOR, is_active=True, district_id=village.parent_id)
        .annotate(waiting=Coalesce(Subquery(waiting), 0))
        .order_by("waiting", "pk")
        .first()
    )


FIELDS = (
    "nik",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village",
    "phone",
    "email",
    "occupation",
    "declared_income",
    "programs",
    "contact_consent",
)


def registration_submit(*, data: Mapping[str, Any], photo: UploadedFile, address: str) -> Submitted:
    """Store a self-registration (public: no signed-in actor). Raises ValidationError with
    field messages, or Throttled when this address submitted too often."""
    window = limit("REGISTRATION_WINDOW_SECONDS")
    if throttle.count(f"register:ip:{address}", window) >= limit("REGISTRATIONS_PER_ADDRESS"):
        raise Throttled(window)
    values = _clean({name: data.get(name) for name in FIELDS})
    # Counted before the registry is asked, so the answers cannot be used to probe NIKs
    # at more than a few per hour from one address.
    throttle.hit(f"register:ip:{address}", window)
    if Participant.objects.filter(nik=values["nik"]).exists():
        return Submitted.ALREADY_REGISTERED
    if SelfRegistration.objects.filter(nik=values["nik"], status=RegistrationStatus.PENDING).exists():
        return Submitted.ALREADY_PENDING
    stored_photo = clean_ktp_photo(photo)
    registration = SelfRegistration(**values, name_key=normalize_name(values["full_name"]))
    registration.coordinator = route_to_coordinator(values["village"])
    registration.ktp_photo.save("ktp.jpg", stored_photo, save=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:
        # The same NIK submitted twice at the same moment: the first one waits.
        registration.ktp_photo.delete(save=False)
        return Submitted.ALREADY_PENDING
    return Submitted.CREATED


@dataclass(frozen=True)
class Duplicates:
    participants: list[Participant]
    registrations: list[SelfRegistration]
    elsewhere: int  # likely matches among participants the reviewer may not see


def likely_duplicates(registration: SelfRegistration, principal: access.Principal) -> Duplicates:
    """Registered participants and other waiting registrations with the same folded name
    and birth date (the participants app's likely-duplicate rule), or the same NIK."""
    same = Q(name_key=registration.name_key, birth_date=registration.birth_date) | Q(nik=registration.nik)
    matches = Participant.objects.filter(same).select_related("village", "district", "coordinator")
    visible = list(access.scope(principal, matches)[:10])
    elsewhere = matches.count() - len(visible)
    others = access.scope(
        principal,
        SelfRegistration.objects.filter(same, status=RegistrationStatus.PENDING).exclude(pk=registration.pk),
    ).select_related("village")
    return Duplicates(visible, list(others[:10]), elsewhere)


def _photo_upload(registration: SelfRegistration) -> SimpleUploadedFile:
    with registration.ktp_photo.open("rb") as handle:
        return SimpleUploadedFile("ktp.jpg", handle.read(), content_type="image/jpeg")


def _tell(phone: str, text: Text) -> None:
    transaction.on_commit(lambda: send_text(phone, text))


def _forget_photo(registration: SelfRegistration) -> None:
    # Decided: the KTP photo is the participant's document now (or, rejected, no longer
    # needed); the registration keeps no copy. The file goes once the decision commits.
    name = registration.ktp_photo.name
    storage = registration.ktp_photo.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    registration.ktp_photo = ""


@transaction.atomic
def registration_accept(*, actor: User, registration: SelfRegistration, sign_in_url: str) -> Participant:
    """Register the participant (participants service: checks, history, events, consent
    ledger), enrol the chosen programs, issue the card, and tell the worker."""
    principal = access.principal_of(actor)
    # Locked and checked first: a registration accepted meanwhile by someone else is
    # refused here with the state machine's message, before anything is registered.
    locked = SelfRegistration.objects.select_for_update().get(pk=registration.pk)
    registration_states.check(locked, registration_states.transitions["accept"], principal)
    data = {name: getattr(registration, name) for name in FIELDS if name not in ("programs", "contact_consent")}
    data.update(category=CATEGORY, contact_consent=registration.contact_consent)
    if registration.contact_consent:
        data["consent_method"] = ConsentMethod.SELF_SERVICE
    documents = {"ktp": _photo_upload(registration)} if registration.ktp_photo else {}
    result = participant_register(actor=actor, data=data, coordinator=registration.coordinator, documents=documents)
    participant = result.participant
    participant_programs_set(
        actor=actor, participant=participant, programs=registration.programs, on=participant.registration_date
    )
    card_issue(actor=actor, participant=participant)

    def save(row: SelfRegistration) -> None:
        row.participant = participant
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        _forget_photo(row)
        row.save(update_fields=["status", "participant", "reviewed_by", "reviewed_at", "ktp_photo", "updated_at"])

    registration_states.move(registration, "accept", actor=actor, save=save)
    with translation.override("id"):
        body = _(
            "Hello %(name)s, your Lindung registration was accepted. See your record by signing in with your NIK "
            "and date of birth at %(url)s"
        ) % {"name": registration.full_name, "url": sign_in_url}
    _tell(registration.phone, Text("lindung_registration_accepted", (registration.full_name, sign_in_url), body))
    return participant


@transaction.atomic
def registration_reject(*, actor: User, registration: SelfRegistration, reason: str) -> SelfRegistration:
    def save(row: SelfRegistration) -> None:
        row.reason = reason.strip()
        row.reviewed_by = actor
        row.reviewed_at = timezone.now()
        _forget_photo(row)
        row.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "ktp_photo", "updated_at"])

    registration_states.move(registration, "reject", actor=actor, reason=reason, save=save)
    with translation.override("id"):
        body = _("Hello %(name)s, your Lindung registration could not be accepted: %(reason)s") % {
            "name": registration.full_name,
            "reason": reason.strip(),
        }
    _tell(registration.phone, Text("lindung_registration_rejected", (registration.full_name, reason.strip()), body))
    return registration
