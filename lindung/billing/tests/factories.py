import datetime

from lindung.billing.models import CollectionAccount, PaymentMethod
from lindung.contributions.models import ContributionRule
from lindung.participants.models import Category, Status
from lindung.participants.tests.factories import ParticipantFactory


def informal_participant(**extra):
    values = {
        "category": Category.INFORMAL,
        "declared_income": 1_000_000,
        "status": Status.ACTIVE,
        "registration_date": datetime.date(2025, 1, 10),
    }
    values.update(extra)
    return ParticipantFactory(**values)


def cash_method():
    return PaymentMethod.objects.get_or_create(
        name="Tunai ke koordinator", defaults={"is_cash": True, "needs_reference": False}
    )[0]


def transfer_method():
    return PaymentMethod.objects.get_or_create(name="Transfer bank", defaults={"needs_reference": True})[0]


def account_of(coordinator):
    return CollectionAccount.objects.get_or_create(
        coordinator=coordinator,
        bank_name="BRI",
        account_number=f"0001-{coordinator.pk:06d}",
        defaults={"account_holder": str(coordinator)},
    )[0]


def amend_informal_jkm(amount: int, valid_from: datetime.date) -> ContributionRule:
    """The informal workers' JKM flat amount changed from ``valid_from`` on (a new version
    of the rule; the old one ends the day before)."""
    old = ContributionRule.objects.get(kind="program_rate", category="informal", program="jkm", valid_to=None)
    old.valid_to = valid_from - datetime.timedelta(days=1)
    old.save()
    return ContributionRule.objects.create(
        kind="program_rate", category="informal", program="jkm", amount=amount, payer="worker", mandatory=True,
        valid_from=valid_from, legal_basis="test amendment",
    )  # fmt: skip
