"""Reads for the account pages. User accounts are an admin-only area, so these are not
scoped per coordinator; the views refuse everyone else before calling them."""

from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from .models import Role, User


def lockout_threshold() -> datetime | None:
    """Failures older than this no longer count (None: they count for ever)."""
    cool_off = get_cool_off()
    return timezone.now() - cool_off if cool_off else None


def _locking_attempts() -> QuerySet[AccessAttempt]:
    """Attempts per (username, address) that add up to a lockout, the way axes counts them:
    one row per user agent, summed for the pair."""
    attempts = AccessAttempt.objects.all()
    threshold = lockout_threshold()
    if threshold is not None:
        attempts = attempts.filter(attempt_time__gte=threshold)
    return (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )


def user_list() -> QuerySet[User]:
    locked = _locking_attempts().filter(username=OuterRef("username"))
    return User.objects.select_related("district").annotate(is_locked_out=Exists(locked))


def user_search(queryset: QuerySet[User], q: str) -> QuerySet[User]:
    return queryset.filter(
        Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
    )


def user_is_locked_out(user: User) -> bool:
    return _locking_attempts().filter(username=user.username).exists()


def coordinator_choices(current: User | None = None) -> QuerySet[User]:
    """Active coordinators, plus the group's current one so editing never silently drops them."""
    wanted = Q(role=Role.COORDINATOR, is_active=True, is_superuser=False)
    if current is not None:
        wanted |= Q(pk=current.pk)
    return User.objects.filter(wanted).order_by("first_name", "last_name", "username")
