"""Writes to user accounts. Admin-only services refuse anyone else with PermissionDenied;
an admin can never lock themselves out (demote or deactivate their own account), so the
acting admin always remains. Users are never deleted: their names stay on the records
they created, so an account that should stop working is deactivated instead."""

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lindung.core.phones import normalize_mobile
from lindung.regions.models import Level, Region

from .models import Role, User

# What an admin may change on another account through user_update.
EDITABLE_FIELDS = frozenset({"first_name", "last_name", "email", "phone", "role", "district", "is_active"})
# What anyone may change on their own account.
PROFILE_FIELDS = frozenset({"first_name", "last_name", "email", "phone"})


def _require_admin(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_admin", False):
        raise PermissionDenied(_("Only an administrator may manage user accounts."))


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": ValidationError(_("Choose a valid role."), code="invalid_role")})


def _check_district(district: Region | None) -> None:
    if district is not None and district.level != Level.DISTRICT:
        raise ValidationError({"district": ValidationError(_("Choose a district (kecamatan)."), code="not_a_district")})


def _normalize_phone(phone: str) -> str:
    try:
        return normalize_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.error_list}) from exc


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    role: str,
    district: Region | None,
    password: str,
) -> User:
    _require_admin(actor)
    _check_role(role)
    _check_district(district)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=_normalize_phone(phone),
        role=role,
        district=district,
    )
    validate_password(password, user=user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **fields: Any) -> User:
    _require_admin(actor)
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"user_update cannot change {sorted(unknown)}")
    # Compare with the stored row: a bound ModelForm has already copied its input onto ``user``.
    stored = User.objects.select_for_update().get(pk=user.pk)
    if stored.pk == actor.pk:
        if "role" in fields and fields["role"] != stored.role:
            raise ValidationError({"role": ValidationError(_("You cannot change your own role."), code="own_role")})
        if "is_active" in fields and not fields["is_active"]:
            raise ValidationError(
                {"is_active": ValidationError(_("You cannot deactivate your own account."), code="own_active")}
            )
    if "role" in fields:
        _check_role(fields["role"])
    if "district" in fields:
        _check_district(fields["district"])
    if "phone" in fields:
        fields["phone"] = _normalize_phone(fields["phone"])
    for name, value in fields.items():
        setattr(stored, name, value)
        setattr(user, name, value)
    stored.full_clean()
    stored.save(update_fields=list(fields))
    return stored


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    return user_update(actor=actor, user=user, is_active=False)


@transaction.atomic
def user_activate(*, actor: User, user: User) -> User:
    return user_update(actor=actor, user=user, is_active=True)


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Admin reset (ACC-4). The user's open sessions end: Django ties them to the hash."""
    _require_admin(actor)
    validate_password(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> int:
    """Clear failed-login counters for this username from every address; returns how many."""
    _require_admin(actor)
    return axes_reset(username=user.username)


@transaction.atomic
def profile_update(*, actor: User, first_name: str, last_name: str, email: str, phone: str) -> User:
    """A user's own details. Role and active flag are deliberately not parameters."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    actor.first_name = first_name
    actor.last_name = last_name
    actor.email = email
    actor.phone = _normalize_phone(phone)
    actor.full_clean()
    actor.save(update_fields=sorted(PROFILE_FIELDS))
    return actor


@transaction.atomic
def profile_set_password(*, actor: User, password: str) -> User:
    """The user's own new password; the view must keep the session with update_session_auth_hash."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    validate_password(password, user=actor)
    actor.set_password(password)
    actor.save(update_fields=["password"])
    return actor
