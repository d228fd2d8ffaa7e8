"""State machines you can read: a status field, a table of transitions with guards, and
one service that moves a record along it.

``StateMachine.move`` locks the row, checks that the transition starts from the row's
current status, that the principal may take it (core/access.py: the transition's name is
the action), that a reason is given where one is needed and that the guard agrees, then
saves the new status inside a domain event ``<prefix>.status_changed`` carrying who, from,
to and why (so subscribers such as the tallies and billing react in the same
transaction). Anything else is refused with a message that says why.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import access, events

M = TypeVar("M", bound=models.Model)
Guard = Callable[[Any], str | None]  # the record -> None if allowed, else why not


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    label: str | Promise
    needs_reason: bool = False
    guard: Guard | None = None


class StateMachine(Generic[M]):
    def __init__(self, model: type[M], field: str, transitions: Iterable[Transition], event_prefix: str) -> None:
        self.model = model
        self.field = field
        self.transitions = {t.name: t for t in transitions}
        self.event_prefix = event_prefix

    def status_of(self, obj: M) -> str:
        return str(getattr(obj, self.field))

    def find(self, source: str, target: str) -> Transition | None:
        """The transition from ``source`` to ``target``, if the table has one."""
        for transition in self.transitions.values():
            if source in transition.sources and transition.target == target:
                return transition
        return None

    def available(self, obj: M, principal: access.Principal) -> list[Transition]:
        """What this principal could do next with this record (for buttons and menus)."""
        status = self.status_of(obj)
        return [
            t
            for t in self.transitions.values()
            if status in t.sources and access.permits(principal, obj, t.name) and not (t.guard and t.guard(obj))
        ]

    def check(self, obj: M, transition: Transition, principal: access.Principal, reason: str = "") -> None:
        status = self.status_of(obj)
        if status not in transition.sources:
            raise ValidationError(
                _("%(action)s is not possible from the status %(status)s.")
                % {"action": transition.label, "status": self._label(status)}
            )
        if not access.permits(principal, obj, transition.name):
            raise PermissionDenied(_("You may not do this: %(action)s.") % {"action": transition.label})
        if transition.needs_reason and not reason.strip():
            raise ValidationError({"reason": _("Say why (%(action)s).") % {"action": transition.label}})
        refusal = transition.guard(obj) if transition.guard else None
        if refusal:
            raise ValidationError(refusal)

    def _label(self, status: str) -> str:
        choices = getattr(self.model._meta.get_field(self.field), "flatchoices", ())
        return str(dict(choices).get(status, status))

    def resolve(self, obj: M, target: str) -> Transition:
        """The transition that leads from the record's status to ``target``, or a clear refusal."""
        transition = self.find(self.status_of(obj), target)
        if transition is None:
            raise ValidationError(
                _("The status cannot change from %(source)s to %(target)s.")
                % {"source": self._label(self.status_of(obj)), "target": self._label(target)}
            )
        return transition

    @transaction.atomic
    def move(
        self,
        obj: M,
        name: str,
        *,
        actor: Any,
        reason: str = "",
        save: Callable[[M], None] | None = None,
        unless_there: bool = False,
    ) -> M:
        """Take transition ``name`` on ``obj`` (locked first); ``actor`` None is the system.
        ``save`` writes the row (default: save the status field and updated_at).
        ``unless_there``: a row already at the target (moved meanwhile by someone else) is
        left as it is, for callers that state a wanted outcome rather than a move."""
        transition = self.transitions[name]
        principal = access.principal_of(actor)
        locked = self.model._default_manager.select_for_update().get(pk=obj.pk)
        if unless_there and self.status_of(locked) == transition.target:
            setattr(obj, self.field, transition.target)
            return obj
        self.check(locked, transition, principal, reason)
        source = self.status_of(locked)
        with events.change(
            f"{self.event_prefix}.status_changed",
            actor=actor,
            participant_ids=self._participants(locked),
            subject=locked,
            transition=transition.name,
            source=source,
            target=transition.target,
            reason=reason.strip(),
        ):
            setattr(obj, self.field, transition.target)
            if actor is not None:
                obj._history_user = actor  # type: ignore[attr-defined]
            obj._change_reason = reason.strip() or transition.name  # type: ignore[attr-defined]
            if save is not None:
                save(obj)
            else:
                fields = [self.field] + (["updated_at"] if hasattr(obj, "updated_at") else [])
                obj.save(update_fields=fields)
        return obj

    def _participants(self, obj: M) -> list[int]:
        rule = getattr(self.model, "ACCESS", None)
        path = getattr(rule, "participant", None)
        if path == "pk":
            return [int(obj.pk)]
        if path:
            # A nullable link names nobody: an inbound message from an unknown number,
            # a complaint from the public page.
            value = getattr(obj, f"{path}_id")
            return [int(value)] if value is not None else []
        return []
