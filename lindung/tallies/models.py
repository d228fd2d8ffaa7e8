"""Summary tables for the dashboards (DSH-1..DSH-6): counts and sums per responsible
coordinator, district and community group, kept exact in the same transaction as every
write that moves them (lindung.tallies.maintain) and recounted from scratch nightly.

Keys are plain integers and codes, with 0 and "" for "none", because a unique index treats
NULLs as distinct and the upsert that keeps these rows exact needs one row per key.
``coordinator_id`` is the participant's coordinator (the scope of every figure).
"""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

# The participant filters that are tally keys: filter name -> the tallies' column. The one
# map: the dashboards and the arrears page ask tally_filter(); a filter outside it
# (village, status, category...) cannot be answered from the tallies.
FILTER_COLUMNS = {"district": "district_id", "group": "group_id", "coordinator": "coordinator_id"}


def tally_filter(filters: Mapping[str, Any]) -> dict[str, Any] | None:
    """The tallies' filter for these participant filters (values or model instances), or
    None when one of them is not a tally key."""
    if set(filters) - FILTER_COLUMNS.keys():
        return None
    return {FILTER_COLUMNS[key]: getattr(value, "pk", value) for key, value in filters.items()}


class TallyKey(models.Model):
    ACCESS = Rule(coordinator="coordinator", actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    coordinator_id = models.IntegerField()
    district_id = models.CharField(max_length=20)
    group_id = models.IntegerField()

    KEY = ("coordinator_id", "district_id", "group_id")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.coordinator_id}/{self.district_id}/{self.group_id}"


class ParticipantTally(TallyKey):
    """Participants by status and by who registered them."""

    registered_by_id = models.IntegerField()
    status = models.CharField(max_length=20)
    participants = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("participant tally")
        constraints = [
            models.UniqueConstraint(fields=[*TallyKey.KEY, "registered_by_id", "status"], name="tally_p_key")
        ]


class MonthTally(TallyKey):
    """Per month: registrations (by registration date), bills of that contribution month
    (billed and paid so far) and payments dated in it (records, received, net amount;
    reversals are negative payments dated the day they were made). One table, so the
    dashboard's monthly figures are one scan. Each source writes its own columns."""

    month = models.DateField()
    registrations = models.BigIntegerField(default=0, db_default=0)
    billed = models.BigIntegerField(default=0, db_default=0)
    paid = models.BigIntegerField(default=0, db_default=0)
    payment_records = models.BigIntegerField(default=0, db_default=0)
    payments_received = models.BigIntegerField(default=0, db_default=0)  # records with a positive amount
    payments_amount = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("monthly tally")
        constraints = [models.UniqueConstraint(fields=["month", *TallyKey.KEY], name="tally_month_key")]
        # One per dashboard filter, so a filtered dashboard reads its own rows only.
        indexes = [
            models.Index(fields=["coordinator_id", "month"], name="tally_month_coord"),
            models.Index(fields=["district_id", "month"], name="tally_month_district"),
            models.Index(fields=["group_id", "month"], name="tally_month_group"),
        ]


class PaymentTally(TallyKey):
    """Payments per month by who recorded and who collected them: the dashboards' "my
    contributions this month" figures, read for one user and one month."""

    month = models.DateField()
    recorded_by_id = models.IntegerField()
    collected_by_id = models.IntegerField()
    records = models.BigIntegerField(default=0, db_default=0)
    received = models.BigIntegerField(default=0, db_default=0)
    amount = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("payment tally")
        constraints = [
            models.UniqueConstraint(
                fields=["month", *TallyKey.KEY, "recorded_by_id", "collected_by_id"], name="tally_pay_key"
            )
        ]
        indexes = [
            models.Index(fields=["recorded_by_id", "month"], name="tally_pay_recorder"),
            models.Index(fields=["collected_by_id", "month"], name="tally_pay_collector"),
        ]


class ArrearsTally(TallyKey):
    """Late payers and what they owe per number of months owed, from the arrears table
    (billing.ParticipantArrears, valid for the day of its latest recount): the dashboard's
    ageing chart without summing every late payer per view."""

    months_owed = models.PositiveIntegerField()
    participants = models.BigIntegerField(default=0, db_default=0)
    amount = models.BigIntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("arrears tally")
        constraints = [models.UniqueConstraint(fields=[*TallyKey.KEY, "months_owed"], name="tally_arrears_key")]


class TallyRebuild(models.Model):
    """When the tables were last recounted from scratch, and what the recount corrected."""

    finished_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField()
    corrected = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tally recount")
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M} ({self.corrected} corrected)"
