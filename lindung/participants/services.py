"""Every write to participants goes through here: the acting user is checked and
recorded (django-simple-history keeps field-level history with the actor)."""

import copy
import datetime
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_update_with_history

from lindung.accounts.models import Role, User
from lindung.core import access, events
from lindung.core.phones import normalize_mobile
from lindung.regions.models import Level, Region

from . import bulk_copy
from .documents import CheckedDocument, check_document
from .models import DocumentKind, FamilyMember, IdentityDocument, Participant, Status
from .names import normalize_name
from .nik import clean_nik, validate_nik
from .states import participant_states

# Fields a caller may set on a participant. Scoping fields (coordinator) and bookkeeping
# (registered_by, district, name_key, possible_duplicate) are the service's business.
EDITABLE_FIELDS = (
    "nik",
    "family_card_number",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "address",
    "village",
    "phone",
    "email",
    "occupation",
    "category",
    "declared_income",
    "community_group",
    "membership_number",
    "contact_consent",
    "consent_method",
    "status",
)

DUPLICATE_NIK_MESSAGE = gettext_noop(
    "A participant with this NIK is already registered. If this worker should be yours, "
    "ask an administrator to reassign them."
)


@dataclass
class RegistrationResult:
    participant: Participant
    likely_duplicates: int = 0
    documents: list[IdentityDocument] = field(default_factory=list)


def _require_staff(actor: User, action: str = "change") -> access.Principal:
    principal = access.principal_of(actor)
    access.require_may(
        principal, Participant, action, _("Only administrators and coordinators can change participants.")
    )
    return principal


def _check_coordinator(coordinator: User | None) -> None:
    if coordinator is not None and not (coordinator.is_active and coordinator.role == Role.COORDINATOR):
        raise ValidationError({"coordinator": _("Choose an active coordinator.")})


def _clean(data: Mapping[str, Any], *, current: Participant | None = None) -> dict[str, Any]:
    """Validate and normalise the domain rules every entry point shares (UI, API, import)."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    values = dict(data)
    errors: dict[str, list[str]] = {}

    def merged(name: str) -> Any:
        return values[name] if name in values else getattr(current, name, None)

    if "nik" in values or "birth_date" in values or "sex" in values:
        values["nik"] = clean_nik(str(merged("nik") or ""))
        try:
            validate_nik(values["nik"], birth_date=merged("birth_date"), sex=merged("sex"))
        except ValidationError as exc:
            errors.setdefault("nik", []).extend(exc.messages)
    if "phone" in values:
        try:
            values["phone"] = normalize_mobile(values["phone"] or "")
        except ValidationError as exc:
            errors.setdefault("phone", []).extend(exc.messages)
    if "full_name" in values:
        values["full_name"] = " ".join(str(values["full_name"] or "").split())
        if not values["full_name"]:
            errors.setdefault("full_name", []).append(_("Enter the full name as written on the KTP."))
    village = merged("village")
    if "village" in values and (not isinstance(village, Region) or village.level != Level.VILLAGE):
        errors.setdefault("village", []).append(_("Choose a village (desa/kelurahan)."))
    birth_date = merged("birth_date")
    if birth_date and birth_date > timezone.localdate():
        errors.setdefault("birth_date", []).append(_("The date of birth cannot be in the future."))
    if merged("contact_consent") and not merged("consent_method"):
        errors.setdefault("consent_method", []).append(_("Say how the worker agreed to be contacted."))
    if "membership_number" in values:
        values["membership_number"] = (values["membership_number"] or "").strip() or None
    if "family_card_number" in values:
        kk = clean_nik(values["family_card_number"] or "")
        if kk and (len(kk) != 16 or not kk.isdigit()):
            errors.setdefault("family_card_number", []).append(_("A family card number has exactly 16 digits."))
        values["family_card_number"] = kk
    if errors:
        raise ValidationError(errors)
    return values


# A new registration starts as a draft or submitted; activating it at once is the
# "activate" action's (administrators, membership officers).
INITIAL_STATUSES = {Status.DRAFT: "add", Status.SUBMITTED: "add", Status.ACTIVE: "activate"}
ONLY_ADMIN_STATUS = gettext_noop("Only an administrator can set this status.")


def _status_transition(principal: access.Principal, participant: Participant, target: str) -> str:
    """The name of the transition to ``target``, checked against the table and the
    principal's rights, whatever the entry point (form, API, import)."""
    try:
        transition = participant_states.resolve(participant, target)
        participant_states.check(participant, transition, principal, reason="-")
    except PermissionDenied as exc:
        raise ValidationError({"status": _(ONLY_ADMIN_STATUS)}) from exc
    except ValidationError as exc:
        raise ValidationError({"status": exc.messages}) from exc
    return transition.name


def _check_limits(principal: access.Principal, values: Mapping[str, Any], current: Participant | None) -> None:
    """Activation and KPJ numbers are decisions some principals may not take, whatever
    the entry point: they may keep what is there, not change it."""
    errors: dict[str, list[str]] = {}
    status = values.get("status")
    if current is None and status:
        action = INITIAL_STATUSES.get(status)
        if action is None:
            errors["status"] = [_("A new registration starts as a draft, submitted or active.")]
        elif not access.may(principal, Participant, action):
            errors["status"] = [_(ONLY_ADMIN_STATUS)]
    kpj = values.get("membership_number")
    kpj_changes = "membership_number" in values and kpj != getattr(current, "membership_number", None)
    if kpj_changes and not access.may(principal, Participant, "set_membership_number"):
        errors["membership_number"] = [_("Only an administrator can enter the membership number (KPJ).")]
    if errors:
        raise ValidationError(errors)


def _apply(participant: Participant, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(participant, name, value)
    participant.name_key = normalize_name(participant.full_name)
    district_code = participant.village.parent_id
    assert district_code is not None, "a village always has a district"
    participant.district_id = district_code
    if participant.contact_consent and participant.consent_at is None:
        participant.consent_at = timezone.now()
    if not participant.contact_consent:
        participant.consent_at = None
        participant.consent_method = ""


def _save(participant: Participant, actor: User) -> None:
    participant._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError as exc:
        # The unique constraints are the real guard (two coordinators can register the
        # same NIK at the same moment); the message names no other coordinator.
        text = str(exc).lower()
        if "membership_number" in text:
            raise ValidationError({"membership_number": _("This membership number (KPJ) is already in use.")}) from exc
        raise ValidationError({"nik": _(DUPLICATE_NIK_MESSAGE)}) from exc


def _flag_likely_duplicates(participant: Participant) -> int:
    """Same folded name and birth date: probably one person registered twice."""
    others = Participant.objects.filter(name_key=participant.name_key, birth_date=participant.birth_date).exclude(
        pk=participant.pk
    )
    count = others.count()
    if count:
        # Flag both sides so whoever looks first sees it; no history row for a flag.
        others.filter(possible_duplicate=False).update(possible_duplicate=True)
        if not participant.possible_duplicate:
            Participant.objects.filter(pk=participant.pk).update(possible_duplicate=True)
            participant.possible_duplicate = True
    return count


@transaction.atomic
def participant_register(
    *,
    actor: User,
    data: Mapping[str, Any],
    coordinator: User | None = None,
    documents: Mapping[str, UploadedFile | None] | None = None,
    registration_date: datetime.date | None = None,
) -> RegistrationResult:
    """Register a worker. A coordinator always registers for themselves; an admin may
    name the coordinator (or none). ``documents`` maps a DocumentKind to an upload."""
    principal = _require_staff(actor, "add")
    if access.acts_for_self(principal):
        coordinator = actor
    _check_coordinator(coordinator)
    required = ("nik", "full_name", "birth_place", "birth_date", "sex", "address", "village")
    missing = {name: [_("This field is required.")] for name in required if not data.get(name)}
    if missing:
        raise ValidationError(missing)
    checked_documents = _check_documents(documents or {})
    values = _clean(data)
    values.setdefault("status", Status.SUBMITTED)
    _check_limits(principal, values, None)
    if Participant.objects.filter(nik=values["nik"]).exists():
        raise ValidationError({"nik": _(DUPLICATE_NIK_MESSAGE)})
    participant = Participant(
        coordinator=coordinator,
        registered_by=actor,
        created_by=actor,
        registration_date=registration_date or timezone.localdate(),
    )
    _apply(participant, values)
    with events.change("participant.registered", actor=actor) as event:
        _save(participant, actor)
        event.about(participant)
        event.participant_ids = [participant.pk]
        event.facts.update(status=participant.status, consent=participant.contact_consent)
    if participant.contact_consent:
        _consent_event(actor, participant, given=True)
    result = RegistrationResult(participant=participant, likely_duplicates=_flag_likely_duplicates(participant))
    for item in checked_documents:
        result.documents.append(_store_document(actor=actor, participant=participant, item=item))
    return result


@transaction.atomic
def participant_update(
    *,
    actor: User,
    participant: Participant,
    data: Mapping[str, Any],
    reason: str = "",
    coordinator: User | None = None,
) -> Participant:
    """Change a participant's details; a new status moves through the state machine
    (participants/states.py), with ``reason`` where the transition asks for one. A
    ``coordinator`` other than the current one reassigns the participant in the same
    transaction (the form and the API are one workflow)."""
    principal = _require_staff(actor)
    _check_may_change(actor, participant)
    values = _clean(data, current=participant)
    _check_limits(principal, values, participant)
    changed = {k: v for k, v in values.items() if getattr(participant, k) != v}
    if "nik" in changed and Participant.objects.filter(nik=changed["nik"]).exclude(pk=participant.pk).exists():
        raise ValidationError({"nik": _(DUPLICATE_NIK_MESSAGE)})
    target = changed.pop("status", None)
    transition = _status_transition(principal, participant, target) if target else None
    if changed:
        with events.change(
            "participant.changed",
            actor=actor,
            participant_ids=[participant.pk],
            subject=participant,
            fields=sorted(changed),
        ):
            _apply(participant, changed)
            _save(participant, actor)
        if "contact_consent" in changed:
            _consent_event(actor, participant, given=participant.contact_consent)
    if transition:
        participant_states.move(participant, transition, actor=actor, reason=reason, save=lambda p: _save(p, actor))
    if {"full_name", "birth_date"} & changed.keys():
        _flag_likely_duplicates(participant)
    if coordinator is not None and coordinator.pk != participant.coordinator_id:
        participants_reassign(
            actor=actor,
            participants=Participant.objects.filter(pk=participant.pk),
            to_coordinator=coordinator,
            reason=reason or _("changed on the participant form"),
        )
        participant.refresh_from_db(fields=["coordinator"])
    return participant


def participant_transition(
    *, actor: User | None, participant: Participant, transition: str, reason: str = ""
) -> Participant:
    """Take a named status transition (submit, activate, exit, decease...)."""
    return participant_states.move(participant, transition, actor=actor, reason=reason)


def _consent_event(actor: User, participant: Participant, *, given: bool) -> None:
    events.emit(
        "participant.consent_given" if given else "participant.consent_withdrawn",
        actor=actor,
        participant_ids=[participant.pk],
        subject=participant,
        method=participant.consent_method,
    )


def _check_may_change(actor: User, participant: Participant, action: str = "change") -> None:
    # Views already answer 404 for other coordinators' participants; this guards the
    # service for every other caller (API, imports, tasks).
    access.require(access.principal_of(actor), participant, action, _("This participant is not assigned to you."))


@transaction.atomic
def participant_delete(*, actor: User, participant: Participant) -> None:
    """Only registrations made by mistake: once a worker is active (or has a KPJ) they
    leave the registry by status (exited, deceased), never by deletion."""
    _require_staff(actor, "delete")
    _check_may_change(actor, participant, "delete")
    if participant.membership_number or participant.status not in (Status.DRAFT, Status.SUBMITTED):
        raise ValidationError(
            _("Only draft or submitted registrations without a KPJ can be deleted; change the status instead.")
        )
    for document in participant.documents.all():
        document.file.delete(save=False)
    participant._history_user = actor  # type: ignore[attr-defined]
    with events.change("participant.deleted", actor=actor, participant_ids=[participant.pk], subject=participant):
        participant.delete()


@transaction.atomic
def participants_reassign(
    *, actor: User, participants: QuerySet[Participant], to_coordinator: User, reason: str = ""
) -> int:
    """Hand participants to another coordinator (ACC-5). Admin only. History records the
    change per participant, so the audit trail shows who moved whom."""
    access.require_may(
        access.principal_of(actor), Participant, "reassign", _("Only administrators can reassign participants.")
    )
    _check_coordinator(to_coordinator)
    rows = list(participants.exclude(coordinator=to_coordinator).select_for_update())
    for row in rows:
        row.coordinator = to_coordinator
        row._change_reason = reason or "reassigned"  # type: ignore[attr-defined]
    if not rows:
        return 0
    with events.change(
        "participants.reassigned",
        actor=actor,
        participant_ids=[row.pk for row in rows],
        to_coordinator=to_coordinator.pk,
        reason=reason,
    ):
        bulk_update_with_history(rows, Participant, ["coordinator"], batch_size=1000, default_user=actor)
    return len(rows)


CheckedUpload = tuple[str, UploadedFile, CheckedDocument]


def _check_documents(documents: Mapping[str, UploadedFile | None]) -> list[CheckedUpload]:
    errors: dict[str, list[str]] = {}
    checked: list[CheckedUpload] = []
    for kind, upload in documents.items():
        if upload is None:
            continue
        if kind not in DocumentKind.values:
            raise ValueError(f"unknown document kind {kind!r}")
        try:
            checked.append((kind, upload, check_document(upload)))
        except ValidationError as exc:
            errors.setdefault(f"document_{kind}", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


def _store_document(*, actor: User, participant: Participant, item: CheckedUpload) -> IdentityDocument:
    kind, upload, checked = item
    document = IdentityDocument(
        participant=participant,
        kind=kind,
        original_name=(upload.name or "document")[-200:],
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    # The file is written before the row; should the surrounding transaction roll back
    # after this point the file stays unreferenced (harmless, unreachable through any URL).
    document.file.save(f"upload.{checked.extension}", upload, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def document_add(*, actor: User, participant: Participant, kind: str, upload: UploadedFile) -> IdentityDocument:
    _require_staff(actor)
    _check_may_change(actor, participant)
    (item,) = _check_documents({kind: upload})
    return _store_document(actor=actor, participant=participant, item=item)


@transaction.atomic
def document_delete(*, actor: User, document: IdentityDocument) -> None:
    _require_staff(actor)
    access.require(access.principal_of(actor), document, "delete", _("This participant is not assigned to you."))
    stored = document.file.name
    document.delete()
    # Remove the file only once the row is gone for good.
    transaction.on_commit(lambda: document.file.storage.delete(stored))


@transaction.atomic
def family_member_add(*, actor: User, participant: Participant, data: Mapping[str, Any]) -> FamilyMember:
    """Family members and heirs (ahli waris): claims on death need them recorded."""
    _require_staff(actor)
    _check_may_change(actor, participant)
    values = dict(data)
    errors: dict[str, list[str]] = {}
    nik = clean_nik(values.get("nik") or "")
    if nik:
        try:
            validate_nik(nik, birth_date=values.get("birth_date"))
        except ValidationError as exc:
            errors["nik"] = exc.messages
        if nik == participant.nik:
            errors.setdefault("nik", []).append(_("This is the participant's own NIK."))
    values["nik"] = nik
    try:
        values["phone"] = normalize_mobile(values.get("phone") or "")
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    member = FamilyMember(participant=participant, **values)
    member._history_user = actor  # type: ignore[attr-defined]
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def family_member_delete(*, actor: User, member: FamilyMember) -> None:
    _require_staff(actor)
    access.require(access.principal_of(actor), member, "delete", _("This participant is not assigned to you."))
    member._history_user = actor  # type: ignore[attr-defined]
    member.delete()


# -- bulk writes (imports) ------------------------------------------------------------------

BULK_BATCH = 5000  # new rows a chunk: the queries a chunk costs are fixed
UPDATE_BATCH = 1000  # bulk_update's CASE WHEN grows with the rows
KPJ_TAKEN_MESSAGE = gettext_noop("This membership number (KPJ) is already in use.")


class BulkRowError(ValidationError):
    """A row of a bulk write is refused; ``index`` is its position in ``rows``."""

    def __init__(self, index: int, error: ValidationError) -> None:
        super().__init__(error)
        self.index = index


def _bulk_clean(
    principal: access.Principal, index: int, data: Mapping[str, Any], current: Participant | None
) -> dict[str, Any]:
    try:
        return participant_values_check(principal=principal, data=data, current=current)
    except ValidationError as exc:
        raise BulkRowError(index, exc) from exc


REQUIRED_FOR_REGISTRATION = ("nik", "full_name", "birth_place", "birth_date", "sex", "address", "village")


def participant_values_check(
    *, principal: access.Principal, data: Mapping[str, Any], current: Participant | None
) -> dict[str, Any]:
    """The cleaned values of a new participant (``current`` None) or of a change, with
    every rule the form, the API and the import share; ValidationError keyed by field."""
    if current is None:
        missing = {name: [_("This field is required.")] for name in REQUIRED_FOR_REGISTRATION if not data.get(name)}
        if missing:
            raise ValidationError(missing)
    values = _clean(data, current=current)
    if current is None:
        values.setdefault("status", Status.SUBMITTED)
    _check_limits(principal, values, current)
    target = values.get("status")
    if current is not None and target and target != current.status:
        _status_transition(principal, current, target)
    return values


def _bulk_check_unique(index_of: Mapping[str, int], field_name: str, exclude: set[int] | None = None) -> None:
    """One query for a chunk: does any of these NIKs (or KPJs) belong to someone else?"""
    if not index_of:
        return
    taken = Participant.objects.filter(**{f"{field_name}__in": list(index_of)})
    if exclude:
        taken = taken.exclude(pk__in=exclude)
    # No ORDER BY: .first() would sort by the model's ordering (full_name), and with a
    # thousand values PostgreSQL then walks the whole name index (a second a chunk).
    clash = next(iter(taken.order_by().values_list(field_name, flat=True)[:1]), None)
    if clash is not None:
        message = _(DUPLICATE_NIK_MESSAGE) if field_name == "nik" else _(KPJ_TAKEN_MESSAGE)
        raise BulkRowError(index_of[clash], ValidationError({field_name: message}))


def _bulk_flag_likely_duplicates(participants: list[Participant]) -> int:
    """Same folded name and birth date as anyone else (in this chunk or already stored):
    one query to find them, one to flag them. Returns how many rows were newly flagged."""
    keys = {(p.name_key, p.birth_date) for p in participants}
    if not keys:
        return 0
    candidates = bulk_copy.participants_with_keys(keys)
    groups: dict[tuple[str, datetime.date], list[tuple[int, bool]]] = {}
    for pk, name_key, birth_date, flagged in candidates:
        if (name_key, birth_date) in keys:
            groups.setdefault((name_key, birth_date), []).append((pk, flagged))
    to_flag = [pk for members in groups.values() if len(members) > 1 for pk, flagged in members if not flagged]
    if to_flag:
        Participant.objects.filter(pk__in=to_flag).update(possible_duplicate=True)
        flagged_now = set(to_flag)
        for participant in participants:
            if participant.pk in flagged_now:
                participant.possible_duplicate = True
    return len(to_flag)


def _bulk_integrity(exc: IntegrityError, index_of: Mapping[str, Mapping[str, int]] | None = None) -> ValidationError:
    """The unique constraint's refusal, for the row it names where the database says
    (``index_of``: column -> value -> row index)."""
    if "membership_number" in str(exc).lower():
        error = ValidationError({"membership_number": _(KPJ_TAKEN_MESSAGE)})
    else:
        error = ValidationError({"nik": _(DUPLICATE_NIK_MESSAGE)})
    key = bulk_copy.violated_key(exc)
    index = (index_of or {}).get(key[0], {}).get(key[1]) if key else None
    return error if index is None else BulkRowError(index, error)


def _bulk_new_participants(
    actor: User,
    coordinator: User | None,
    registered_on: datetime.date,
    rows: list[Mapping[str, Any]],
    start: int,
    index_of: dict[str, dict[str, int]],
) -> Iterator[Participant]:
    """The checked, unsaved participant of each row, in order; BulkRowError for the first
    refused row. Records each row's NIK and KPJ in ``index_of`` (column -> value -> index)."""
    niks, kpjs = index_of.setdefault("nik", {}), index_of.setdefault("membership_number", {})
    # Every row starts as a copy of one blank participant: a third of the cost of
    # Participant(...) with its keyword arguments, which adds up over 100,000 rows.
    blank = Participant(coordinator=coordinator, registered_by=actor, created_by=actor, registration_date=registered_on)
    principal = access.principal_of(actor)
    for index, data in enumerate(rows, start=start):
        values = _bulk_clean(principal, index, data, None)
        if values["nik"] in niks:
            raise BulkRowError(index, ValidationError({"nik": _(DUPLICATE_NIK_MESSAGE)}))
        niks[values["nik"]] = index
        if values.get("membership_number"):
            kpjs[values["membership_number"]] = index
        participant = copy.copy(blank)
        _apply(participant, values)
        yield participant


@transaction.atomic
def participants_register_bulk(
    *,
    actor: User,
    rows: list[Mapping[str, Any]],
    coordinator: User | None = None,
    registration_date: datetime.date | None = None,
    batch_size: int = BULK_BATCH,
) -> list[Participant]:
    """Register many workers at once (imports): the same checks as participant_register,
    written with a few queries per ``batch_size`` rows and a history row each with the
    actor. All or nothing: a refused row raises BulkRowError and nothing is kept."""
    principal = _require_staff(actor, "add")
    if access.acts_for_self(principal):
        coordinator = actor
    _check_coordinator(coordinator)
    registered_on = registration_date or timezone.localdate()
    created: list[Participant] = []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        index_of: dict[str, dict[str, int]] = {}
        checked: Iterable[Participant] = _bulk_new_participants(
            actor, coordinator, registered_on, batch, start, index_of
        )
        if not bulk_copy.streams():
            # Every row checked, and NIKs and KPJs against the table, before any write.
            # (PostgreSQL writes rows as they are checked; its unique constraints name
            # a NIK or KPJ already taken, and _bulk_integrity finds the row.)
            checked = list(checked)
            _bulk_check_unique(index_of["nik"], "nik")
            _bulk_check_unique(index_of["membership_number"], "membership_number")
        try:
            with transaction.atomic():
                chunk = bulk_copy.participants_insert_with_history(checked, count=len(batch), actor=actor)
        except IntegrityError as exc:  # the NIK or KPJ is taken (maybe by a concurrent registration)
            error = _bulk_integrity(exc, index_of)
            if not isinstance(error, BulkRowError):  # the database did not say which: look it up
                _bulk_check_unique(index_of.get("nik", {}), "nik")
                _bulk_check_unique(index_of.get("membership_number", {}), "membership_number")
            raise error from exc
        events.emit("participants.registered", actor=actor, participant_ids=[participant.pk for participant in chunk])
        _bulk_flag_likely_duplicates(chunk)
        created.extend(chunk)
    return created


@transaction.atomic
def participants_update_bulk(
    *, actor: User, changes: list[tuple[Participant, Mapping[str, Any]]], batch_size: int = UPDATE_BATCH
) -> list[Participant]:
    """Change many participants at once (imports): per row the same checks as
    participant_update, written with bulk_update and one history row each."""
    principal = _require_staff(actor)
    updated: list[Participant] = []
    for start in range(0, len(changes), batch_size):
        chunk: list[Participant] = []
        fields: set[str] = set()
        niks: dict[str, int] = {}
        recheck_duplicates: list[Participant] = []
        status_changes: list[tuple[int, str, str]] = []
        for index, (participant, data) in enumerate(changes[start : start + batch_size], start=start):
            try:
                _check_may_change(actor, participant)
            except PermissionDenied as exc:
                raise BulkRowError(index, ValidationError({"nik": _(DUPLICATE_NIK_MESSAGE)})) from exc
            values = _bulk_clean(principal, index, data, participant)
            changed = {k: v for k, v in values.items() if getattr(participant, k) != v}
            if not changed:
                continue
            if "nik" in changed:
                niks[changed["nik"]] = index
            if "status" in changed:
                status_changes.append((participant.pk, participant.status, changed["status"]))
            _apply(participant, changed)
            participant.updated_at = timezone.now()
            fields |= {*changed, "name_key", "district", "consent_at", "consent_method", "updated_at"}
            chunk.append(participant)
            if {"full_name", "birth_date"} & changed.keys():
                recheck_duplicates.append(participant)
        _bulk_check_unique(niks, "nik", exclude={p.pk for p in chunk})
        if not chunk:
            continue
        with events.change(
            "participants.updated",
            actor=actor,
            participant_ids=[participant.pk for participant in chunk],
            fields=sorted(fields),
            status_changes=status_changes,
            activated=[pk for pk, _old, new in status_changes if new == Status.ACTIVE],
        ):
            try:
                with transaction.atomic():
                    bulk_update_with_history(
                        chunk, Participant, sorted(fields), batch_size=batch_size, default_user=actor
                    )
            except IntegrityError as exc:
                raise _bulk_integrity(exc) from exc
        _bulk_flag_likely_duplicates(recheck_duplicates)
        updated.extend(chunk)
    return updated
