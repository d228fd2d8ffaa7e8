"""Writes to community groups (REG-6). Admins manage every group and choose its
coordinator; a coordinator manages only their own groups and is always their coordinator."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lindung.accounts.models import Role, User
from lindung.communities.models import CommunityGroup
from lindung.core import access
from lindung.core.phones import normalize_mobile
from lindung.regions.models import Level, Region


def _check_may_manage(actor: User, group: CommunityGroup | None = None) -> None:
    principal = access.principal_of(actor)
    if group is None:
        access.require_may(principal, CommunityGroup, "add")
    else:
        access.require(principal, group, "change")


def _resolve_coordinator(actor: User, requested: User | None, current: User | None) -> User | None:
    # Whatever a coordinator's form posts, their groups stay theirs.
    if access.acts_for_self(access.principal_of(actor)):
        return actor
    if requested is None:
        return None
    keeps_current = current is not None and requested.pk == current.pk
    if not keeps_current and not (requested.is_active and requested.role == Role.COORDINATOR):
        raise ValidationError(
            {"coordinator": ValidationError(_("Choose an active coordinator."), code="coordinator_invalid")}
        )
    return requested


def _clean_fields(*, name: str, village: Region, leader_phone: str, exclude_pk: int | None) -> tuple[str, str]:
    name = " ".join(name.split())
    errors: dict[str, list[ValidationError]] = {}
    if not name:
        errors["name"] = [ValidationError(_("Enter the group's name."), code="required")]
    if village.level != Level.VILLAGE:
        errors["village"] = [ValidationError(_("Choose a village (desa/kelurahan)."), code="village_level")]
    try:
        leader_phone = normalize_mobile(leader_phone)
    except ValidationError as exc:
        errors["leader_phone"] = [exc]
    if name and "village" not in errors:
        clash = CommunityGroup.objects.filter(village=village, name__iexact=name)
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            errors["name"] = [_name_taken_error(village)]
    if errors:
        raise ValidationError(errors)
    return name, leader_phone


def _name_taken_error(village: Region) -> ValidationError:
    return ValidationError(
        _("A group with this name already exists in %(village)s."), code="name_taken", params={"village": village.name}
    )


def _save(group: CommunityGroup, actor: User) -> None:
    group._history_user = actor  # type: ignore[attr-defined]  # simple_history reads it
    try:
        # A savepoint, so a lost race on the unique constraint leaves the outer transaction usable.
        with transaction.atomic():
            group.save()
    except IntegrityError as exc:
        raise ValidationError({"name": [_name_taken_error(group.village)]}) from exc


@transaction.atomic
def community_group_create(
    *,
    actor: User,
    name: str,
    group_type: str,
    village: Region,
    coordinator: User | None = None,
    leader_name: str = "",
    leader_phone: str = "",
    notes: str = "",
) -> CommunityGroup:
    _check_may_manage(actor)
    name, leader_phone = _clean_fields(name=name, village=village, leader_phone=leader_phone, exclude_pk=None)
    group = CommunityGroup(
        name=name,
        group_type=group_type,
        village=village,
        coordinator=_resolve_coordinator(actor, coordinator, None),
        leader_name=leader_name.strip(),
        leader_phone=leader_phone,
        notes=notes.strip(),
        created_by=actor,
    )
    _save(group, actor)
    return group


@transaction.atomic
def community_group_update(
    *,
    actor: User,
    group: CommunityGroup,
    name: str,
    group_type: str,
    village: Region,
    coordinator: User | None = None,
    leader_name: str = "",
    leader_phone: str = "",
    notes: str = "",
) -> CommunityGroup:
    """``coordinator`` is used only when an admin acts; a coordinator cannot hand a group away."""
    _check_may_manage(actor, group)
    name, leader_phone = _clean_fields(name=name, village=village, leader_phone=leader_phone, exclude_pk=group.pk)
    group.name = name
    group.group_type = group_type
    group.village = village
    group.coordinator = _resolve_coordinator(actor, coordinator, group.coordinator)
    group.leader_name = leader_name.strip()
    group.leader_phone = leader_phone
    group.notes = notes.strip()
    _save(group, actor)
    return group


def _in_use_error(count: int) -> ValidationError:
    message = ngettext(
        "This group cannot be deleted: %(count)s participant belongs to it. Move them to another group first.",
        "This group cannot be deleted: %(count)s participants belong to it. Move them to another group first.",
        count,
    )
    return ValidationError(message, code="group_in_use", params={"count": count})


@transaction.atomic
def community_group_delete(*, actor: User, group: CommunityGroup) -> None:
    """Refuses (ValidationError ``group_in_use``) while participants still belong to the group."""
    _check_may_manage(actor, group)
    count = group.participants.count()
    if count:
        raise _in_use_error(count)
    group._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            group.delete()
    except ProtectedError as exc:
        # A participant was added between the count and the delete.
        raise _in_use_error(len(exc.protected_objects)) from exc
