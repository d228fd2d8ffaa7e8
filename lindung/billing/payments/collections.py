"""Coordinator collections (CON-4): cash a coordinator collected against what they
deposited, per period, and the differences to reconcile.

Cash collected is a ledger sum: a reversal counts (negatively) in the period it was
recorded, so a closed period's figures never change afterwards."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from lindung.accounts.models import Role, User
from lindung.billing.bills.services import month_end
from lindung.billing.models import Deposit, Payment
from lindung.core import access
from lindung.core.scoping import scope_queryset


@dataclass(frozen=True)
class CollectionRow:
    coordinator: User
    collected: int
    deposited: int

    @property
    def difference(self) -> int:
        """Positive: cash still held by the coordinator; negative: more deposited than collected."""
        return self.collected - self.deposited


def _cash_payments_for(user: Any) -> QuerySet[Payment]:
    # The cash belongs to whoever collected it, who may no longer coordinate the
    # participant (reassignment): the Payment rule's "collector" scope.
    payments = Payment.objects.filter(method__is_cash=True, collected_by__isnull=False)
    return access.scope(access.principal_of(user), payments, "view", through="collector")


def collections_for_period(user: Any, start: datetime.date, end: datetime.date) -> list[CollectionRow]:
    """One row per coordinator (a coordinator sees only their own), ordered by name.
    One grouped query per side, whatever the number of coordinators."""
    collected = dict(
        _cash_payments_for(user)
        .filter(paid_on__range=(start, end))
        .order_by()
        .values_list("collected_by")
        .annotate(total=Sum("amount"))
    )
    deposited = dict(
        scope_queryset(user, Deposit.objects.all())
        .filter(deposited_on__range=(start, end), cancelled_at__isnull=True)
        .order_by()
        .values_list("coordinator")
        .annotate(total=Sum("amount"))
    )
    principal = access.principal_of(user)
    if not access.may(principal, Deposit, "view"):
        return []
    if access.acts_for_self(principal):
        people = User.objects.filter(pk=user.pk)
    else:
        people = User.objects.filter(
            Q(role=Role.COORDINATOR, is_active=True) | Q(pk__in=set(collected) | set(deposited))
        )
    return [
        CollectionRow(coordinator=person, collected=collected.get(person.pk, 0), deposited=deposited.get(person.pk, 0))
        for person in people.order_by("first_name", "last_name", "username")
    ]


def collections_for_month(user: Any, month: datetime.date) -> list[CollectionRow]:
    month = month.replace(day=1)
    return collections_for_period(user, month, month_end(month))
