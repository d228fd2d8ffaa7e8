"""Demo contributions: payment methods, coordinators' accounts, six months of bills and a
realistic payment pattern (most pay, some pay late, some stop), through the services."""

import datetime
import random
import uuid

from django.utils import timezone

from lindung.accounts.models import User
from lindung.billing.arrears.table import arrears_rebuild
from lindung.billing.bills.services import bills_generate
from lindung.billing.models import Bill, CollectionAccount, PaymentMethod
from lindung.billing.payments.services import PaymentInput, payment_record
from lindung.contributions.calculator import add_months, month_start
from lindung.participants.models import Participant, Status

METHODS = [
    ("Tunai ke koordinator", True, False),
    ("Transfer Bank BRI", False, True),
    ("Transfer Bank Riau Kepri Syariah", False, True),
    ("Dompet digital (DANA/OVO)", False, True),
    ("Kantor Pos", False, True),
]
MONTHS = 6


def load_money(coordinators: list[User], rng: random.Random) -> None:
    methods = [
        PaymentMethod.objects.get_or_create(name=name, defaults={"is_cash": cash, "needs_reference": ref})[0]
        for name, cash, ref in METHODS
    ]
    cash = methods[0]
    for index, coordinator in enumerate(coordinators):
        CollectionAccount.objects.get_or_create(
            coordinator=coordinator,
            bank_name="Bank Riau Kepri Syariah",
            account_number=f"701-00{index + 1}-4455",
            defaults={"account_holder": str(coordinator)},
        )
    this_month = month_start(timezone.localdate())
    for offset in range(MONTHS - 1, -1, -1):
        bills_generate(month=add_months(this_month, -offset))
    for participant in Participant.objects.filter(status=Status.ACTIVE).select_related("coordinator"):
        _pay(participant, rng, cash, methods[1:])
    arrears_rebuild()  # the nightly recount, so the arrears page reads today's table


def _pay(participant: Participant, rng: random.Random, cash: PaymentMethod, others: list[PaymentMethod]) -> None:
    bills = list(Bill.objects.filter(participant=participant).order_by("month"))
    if not bills or participant.coordinator is None:
        return
    roll = rng.random()
    unpaid_tail = 0 if roll < 0.72 else (rng.randint(1, 2) if roll < 0.88 else rng.randint(3, max(3, len(bills))))
    today = timezone.localdate()
    for bill in bills[: max(0, len(bills) - unpaid_tail)]:
        method = cash if rng.random() < 0.6 else rng.choice(others)
        paid_on = min(today, bill.due_date - datetime.timedelta(days=rng.randint(0, 10)))
        payment_record(
            actor=participant.coordinator,
            participant=participant,
            data=PaymentInput(
                amount=bill.amount,
                paid_on=paid_on,
                method=method,
                reference="" if method.is_cash else f"DEMO{uuid.uuid4().hex[:10].upper()}",
            ),
            submission_key=uuid.uuid4().hex,
        )
