"""Who may do what: the one access model.

A **principal** is who acts: an administrator, a coordinator, a branch officer with
named duties, a participant signed in to their own record, the system itself (nightly
jobs), or nobody (anonymous). Officers' duties are data (accounts.Duty rows listing the
actions they grant), so a new role is a row, not code.

Each scoped model declares once, as ``ACCESS = Rule(...)``:
- the path from a row to its responsible coordinator and to its participant, which
  builds a principal's scope as one indexed filter (a ``Q``), never a list of ids;
- which actions each kind of principal may take on rows within that scope.

Everything asks here: ``scope`` narrows a queryset (lists, choice lists, exports,
dashboards, the API), ``get_or_404`` fetches one row ("not yours" and "does not exist"
answer the same 404), ``require`` guards a service before it writes, ``may`` answers
a class-level question ("may this principal register participants?").
"""

import contextlib
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class Kind(enum.StrEnum):
    ANONYMOUS = "anonymous"
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    OFFICER = "officer"
    PARTICIPANT = "participant"
    SYSTEM = "system"


ALL = "*"


@dataclass(frozen=True)
class Principal:
    kind: Kind
    user_id: int | None = None
    participant_id: int | None = None
    # Officers: the actions their duties grant, as "<model label>.<action>" (or "*").
    grants: frozenset[str] = frozenset()

    @property
    def is_staff_member(self) -> bool:
        return self.kind in (Kind.ADMIN, Kind.COORDINATOR, Kind.OFFICER)


ANONYMOUS = Principal(Kind.ANONYMOUS)
SYSTEM = Principal(Kind.SYSTEM)


def principal_of(user: object) -> Principal:
    """The principal a signed-in user (or a participant session) acts as; cached on it."""
    if user is None:
        return SYSTEM
    if isinstance(user, Principal):
        return user
    cached = getattr(user, "_access_principal", None)
    if isinstance(cached, Principal):
        return cached
    principal = _build(user)
    with contextlib.suppress(AttributeError):  # AnonymousUser and other slotted objects
        setattr(user, "_access_principal", principal)  # noqa: B010 (a per-request cache on the user)
    return principal


def _build(user: Any) -> Principal:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ANONYMOUS
    kind = Kind(user.access_kind()) if hasattr(user, "access_kind") else Kind.ANONYMOUS
    if kind == Kind.PARTICIPANT:
        return Principal(kind, participant_id=getattr(user, "participant_id", None))
    grants = user.access_grants() if kind == Kind.OFFICER else frozenset()
    return Principal(kind, user_id=user.pk, grants=grants)


@dataclass(frozen=True)
class Rule:
    """How a model's rows are scoped and what each kind of principal may do with them.

    ``coordinator``: lookup path to the responsible user ("coordinator",
    "participant__coordinator", "created_by"); ``participant``: lookup path to the
    participant ("pk", "participant"). ``actions`` names, per kind, the actions allowed
    within scope (ALL for every action). Officers also get what their duties grant;
    they act across the installation (one branch per installation).
    """

    coordinator: str | None = None
    participant: str | None = None
    actions: Mapping[Kind, frozenset[str] | str] = field(default_factory=dict)
    # Actions anyone may take (none unless a page is public by design).
    public: frozenset[str] = frozenset()
    # Other coordinator paths a reader may name (e.g. a payment's collector).
    alternatives: Mapping[str, str] = field(default_factory=dict)
    # Rows that are someone's own work (jobs): every principal but an administrator
    # sees only the rows on the ``coordinator`` path that are theirs.
    personal: bool = False
    # Rows that belong to no one (payment methods, rules): every row is in scope; only
    # the actions are restricted.
    shared: bool = False


def rule_of(model: type[models.Model]) -> Rule:
    rule = getattr(model, "ACCESS", None)
    if not isinstance(rule, Rule):
        raise TypeError(f"{model.__name__} declares no ACCESS rule; refusing to guess its scope")
    return rule


def _label(model: type[models.Model]) -> str:
    return model._meta.model_name or model.__name__.lower()


def may(principal: Principal, model: type[models.Model], action: str) -> bool:
    """May this principal take ``action`` on some rows of ``model`` (ignoring which)?"""
    if principal.kind == Kind.SYSTEM:
        return True
    rule = rule_of(model)
    if action in rule.public:
        return True
    if (
        principal.kind == Kind.OFFICER
        and {ALL, f"{_label(model)}.{action}", f"{_label(model)}.{ALL}"} & principal.grants
    ):
        return True
    allowed = rule.actions.get(principal.kind, frozenset())
    return allowed == ALL or action in allowed


def scope_q(principal: Principal, model: type[models.Model], through: str | None = None) -> Q | None:
    """The filter narrowing ``model`` to this principal's rows; None means every row.
    ``through`` names one of the rule's alternative coordinator paths."""
    if principal.kind in (Kind.SYSTEM, Kind.ADMIN):
        return None
    rule = rule_of(model)
    if rule.shared:
        return None
    coordinator = rule.alternatives[through] if through else rule.coordinator
    if principal.kind == Kind.OFFICER and not rule.personal:
        return None
    if principal.kind in (Kind.COORDINATOR, Kind.OFFICER) and coordinator:
        return Q(**{f"{coordinator}_id": principal.user_id})
    if principal.kind == Kind.PARTICIPANT and rule.participant and principal.participant_id:
        path = "pk" if rule.participant == "pk" else f"{rule.participant}_id"
        return Q(**{path: principal.participant_id})
    return Q(pk__in=[])


def scope(
    principal: Principal, queryset: "models.QuerySet[M]", action: str = "view", through: str | None = None
) -> "models.QuerySet[M]":
    if not may(principal, queryset.model, action):
        return queryset.none()
    if action in rule_of(queryset.model).public:
        return queryset
    condition = scope_q(principal, queryset.model, through)
    return queryset if condition is None else queryset.filter(condition)


def get_or_404(principal: Principal, queryset: "models.QuerySet[M]", action: str = "view", **lookup: Any) -> M:
    try:
        return scope(principal, queryset, action).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _value(obj: models.Model, path: str) -> Any:
    """Follow a lookup path on an instance, reading the last hop's id column."""
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop)
        if target is None:
            return None
    return target.pk if last == "pk" else getattr(target, f"{last}_id")


def in_scope(principal: Principal, obj: models.Model) -> bool:
    if principal.kind in (Kind.SYSTEM, Kind.ADMIN):
        return True
    rule = rule_of(type(obj))
    if rule.shared or (principal.kind == Kind.OFFICER and not rule.personal):
        return True
    if principal.kind in (Kind.COORDINATOR, Kind.OFFICER) and rule.coordinator:
        return principal.user_id is not None and _value(obj, rule.coordinator) == principal.user_id
    if principal.kind == Kind.PARTICIPANT and rule.participant:
        return principal.participant_id is not None and _value(obj, rule.participant) == principal.participant_id
    return False


def permits(principal: Principal, obj: models.Model, action: str) -> bool:
    if action in rule_of(type(obj)).public:
        return True
    return may(principal, type(obj), action) and in_scope(principal, obj)


def require(principal: Principal, obj: models.Model, action: str, message: str | None = None) -> None:
    """Guard a write: PermissionDenied unless the principal may take ``action`` on ``obj``."""
    if not permits(principal, obj, action):
        raise PermissionDenied(message or _("You may not do this with this record."))


def require_may(principal: Principal, model: type[models.Model], action: str, message: str | None = None) -> None:
    if not may(principal, model, action):
        raise PermissionDenied(message or _("You may not do this."))


def acts_for_self(principal: Principal) -> bool:
    """True when new rows and records are the principal's own (a coordinator)."""
    return principal.kind == Kind.COORDINATOR
