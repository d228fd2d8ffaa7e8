"""The one access model (core/access.py): principals, scopes from each model's declared
rule, actions per kind, duties as data."""

import ast
import pathlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lindung.accounts.models import Duty, Role
from lindung.billing.models import Payment, PaymentMethod
from lindung.core import access
from lindung.core.tests.factories import UserFactory
from lindung.participants.models import Participant
from lindung.participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_principals_by_kind(admin, coord_a):
    assert access.principal_of(admin).kind == access.Kind.ADMIN
    assert access.principal_of(coord_a) == access.Principal(access.Kind.COORDINATOR, user_id=coord_a.pk)
    assert access.principal_of(AnonymousUser()) == access.ANONYMOUS
    assert access.principal_of(None) == access.SYSTEM
    assert access.principal_of(UserFactory(role=Role.COORDINATOR, is_active=False)) == access.ANONYMOUS
    officer = UserFactory(role=Role.OFFICER)
    officer.duties.add(Duty.objects.get(code="finance_head"))
    assert "payment.view" in access.principal_of(officer).grants


def test_a_participant_principal_sees_only_their_own_record(coord_a):
    mine, other = ParticipantFactory(coordinator=coord_a), ParticipantFactory(coordinator=coord_a)
    me = access.Principal(access.Kind.PARTICIPANT, participant_id=mine.pk)
    assert list(access.scope(me, Participant.objects.all())) == [mine]
    with pytest.raises(Http404):
        access.get_or_404(me, Participant.objects.all(), pk=other.pk)
    assert not access.may(me, Participant, "change")
    assert not access.permits(me, other, "view")
    sql = str(access.scope(me, Payment.objects.all()).query)
    assert '"participant_id" = ' in sql and " IN (" not in sql


def test_officers_act_installation_wide_only_within_their_grants(coord_a):
    participant = ParticipantFactory(coordinator=coord_a)
    plain = access.principal_of(UserFactory(role=Role.OFFICER))
    assert not access.scope(plain, Participant.objects.all()).exists()
    membership = UserFactory(role=Role.OFFICER)
    membership.duties.add(Duty.objects.get(code="membership"))
    officer = access.principal_of(membership)
    assert list(access.scope(officer, Participant.objects.all())) == [participant]
    assert access.permits(officer, participant, "activate")
    assert not access.permits(officer, participant, "delete")
    with pytest.raises(PermissionDenied):
        access.require(officer, participant, "reassign")


def test_shared_rows_are_in_everyones_scope_but_only_admins_change_them(admin, coord_a):
    method = PaymentMethod.objects.create(name="QRIS")
    coordinator = access.principal_of(coord_a)
    assert list(access.scope(coordinator, PaymentMethod.objects.all())) == [method]
    assert not access.may(coordinator, PaymentMethod, "change")
    assert access.may(access.principal_of(admin), PaymentMethod, "change")
    assert not access.scope(access.ANONYMOUS, PaymentMethod.objects.all()).exists()


def test_a_payment_collector_scope_is_declared_not_hand_written(coord_a):
    sql = str(access.scope(access.principal_of(coord_a), Payment.objects.all(), through="collector").query)
    assert '"collected_by_id" = ' in sql


# --- no writer does by hand what belongs to the access model or an event subscriber -----

ROOT = pathlib.Path(__file__).resolve().parents[2]
SIDE_EFFECTS = {"tracking", "added", "bills_added", "arrears_refresh", "arrears_refresh_if_late", "coverage_refresh"}
ALLOWED = {"lindung/tallies", "lindung/billing/subscribers.py", "lindung/billing/arrears/table.py"}


def _sources():
    for path in sorted((ROOT / "lindung").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        yield relative, ast.parse(path.read_text())


def test_side_effects_are_called_only_by_their_subscribers():
    offenders = []
    for relative, tree in _sources():
        if any(relative.startswith(allowed) for allowed in ALLOWED):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in SIDE_EFFECTS:
                    offenders.append(f"{relative}:{node.lineno} {name}()")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lindung.tallies.maintain"):
                offenders.append(f"{relative}:{node.lineno} imports tallies.maintain")
    assert not offenders, "call these from an event subscriber instead: " + ", ".join(offenders)


def test_ownership_is_decided_only_by_the_access_model():
    """No hand-written "is this row the actor's?" comparisons outside core/access.py."""
    offenders = []
    for relative, tree in _sources():
        if relative == "lindung/core/access.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                text = ast.unparse(node)
                if "coordinator_id" in text and ("actor" in text or "user" in text):
                    offenders.append(f"{relative}:{node.lineno} {text}")
    assert not offenders, "ask core.access instead: " + ", ".join(offenders)
