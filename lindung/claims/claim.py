"""A benefit claim (CLM-1) and its workflow statuses (CLM-5)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule
from lindung.core.models import TimeStampedModel

from .facts import PARTIAL_REASONS, ClaimFacts, JhtReason, ScholarshipChild


class ClaimProgram(models.TextChoices):
    """The programs with claims (values match contributions.Program)."""

    OLD_AGE = "jht", _("Old-age savings (JHT)")
    WORK_ACCIDENT = "jkk", _("Work accident (JKK)")
    DEATH = "jkm", _("Death (JKM)")
    PENSION = "jp", _("Pension (JP)")


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_DOCUMENTS = "needs_documents", _("Needs documents")
    VERIFIED = "verified", _("Verified")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    VOUCHER_PRINTED = "voucher_printed", _("Voucher printed")
    SIGNING = "signing", _("Being signed off")
    SIGNED = "signed", _("Signed off")
    ARCHIVED = "archived", _("Archived")


# Claims that count as "made" (a partial JHT claim can be made only once).
LIVE_STATUSES = frozenset(set(ClaimStatus.values) - {ClaimStatus.DRAFT, ClaimStatus.REJECTED})


class Claim(TimeStampedModel):
    """A claim for one participant. Facts common to several programs are columns; which
    ones a program needs is ``REQUIRED`` (checked before submission)."""

    ACCESS = Rule(
        # The claim's own copy of the participant's coordinator (kept current by
        # claims/participant_moves.py), so a coordinator's queue needs no join.
        coordinator="coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "add", "change", "submit"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    participant = models.ForeignKey(
        "participants.Participant", verbose_name=_("participant"), on_delete=models.PROTECT, related_name="claims"
    )
    program = models.CharField(_("program"), max_length=5, choices=ClaimProgram.choices)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    # Never empty: the work queue pages by (status_changed_at, id) (claims/paging.py).
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)

    # JHT
    jht_reason = models.CharField(_("reason for the JHT claim"), max_length=20, choices=JhtReason.choices, blank=True)
    balance = models.PositiveBigIntegerField(_("JHT balance (Rp)"), null=True, blank=True)
    # The day of the event: leaving work, the accident, the death.
    event_date = models.DateField(
        _("event date"), null=True, blank=True, help_text=_("Leaving work, the accident or the death.")
    )
    # JKK
    accident_place = models.CharField(_("accident place"), max_length=200, blank=True)
    stage1_report_date = models.DateField(_("stage I report date"), null=True, blank=True)
    stage2_report_date = models.DateField(_("stage II report date"), null=True, blank=True)
    wage = models.PositiveBigIntegerField(_("monthly wage (Rp)"), null=True, blank=True)
    incapacity_days = models.PositiveIntegerField(_("days unable to work"), default=0)
    medical_bills = models.PositiveBigIntegerField(_("medical bills (Rp)"), default=0)
    accident_death = models.BooleanField(_("died from the accident"), default=False)
    # JKM
    death_cause = models.CharField(_("cause of death"), max_length=200, blank=True)
    heirs = models.ManyToManyField(
        "participants.FamilyMember", verbose_name=_("heirs"), blank=True, related_name="claims_as_heir"
    )
    # [{"member": <family member id>, "level": <SchoolLevel>}]: children for the scholarship.
    scholarship_children = models.JSONField(_("children for the scholarship"), default=list, blank=True)
    # JP (and the JKM scholarship)
    contribution_months = models.PositiveIntegerField(_("contribution months"), default=0)
    jp_balance = models.PositiveBigIntegerField(_("JP contributions plus returns (Rp)"), null=True, blank=True)
    average_annual_wage = models.PositiveBigIntegerField(_("average indexed annual wage (Rp)"), null=True, blank=True)

    bank_account_holder = models.CharField(_("bank account holder"), max_length=150, blank=True)
    bank_account_number = models.CharField(_("bank account number"), max_length=30, blank=True)

    transaction_code = models.CharField(_("transaction code"), max_length=40, blank=True)
    services_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    services_signed_at = models.DateTimeField(_("signed by the head of services at"), null=True, blank=True)
    finance_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finance_signed_at = models.DateTimeField(_("signed by the head of finance at"), null=True, blank=True)
    branch_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    branch_signed_at = models.DateTimeField(_("signed by the branch head at"), null=True, blank=True)
    # The branch officer handling the claim: who drafted it or first acted on it
    # (claims/dashboard/subscribers.py); the dashboard counts work per officer by it.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copies of the participant's coordinator and district, written when the claim is
    # drafted and rewritten when the participant is reassigned or moves village
    # (participant_moves.py): the coordinator's scope and queue and the dashboard's
    # per-area figures read them without joining 200,000 claims to participants.
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    archive_box = models.CharField(_("archive box"), max_length=40, blank=True)
    archive_position = models.CharField(_("position in the box"), max_length=20, blank=True)

    REQUIRED: dict[str, tuple[str, ...]] = {
        ClaimProgram.OLD_AGE: ("jht_reason", "balance"),
        ClaimProgram.WORK_ACCIDENT: ("event_date", "accident_place", "wage"),
        ClaimProgram.DEATH: ("event_date", "death_cause"),
        ClaimProgram.PENSION: ("contribution_months",),
    }
    REQUIRED_ALWAYS = ("bank_account_holder", "bank_account_number")

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="claim_queue"),
            # The unfiltered queue's order (oldest in status first), read from the index
            # instead of sorting 200,000 claims per page (BENCHMARKS.md, claims).
            models.Index(fields=["status_changed_at", "id"], name="claim_ageing"),
            # With the status, the age outreach's "has a live claim" probe of each candidate
            # is answered from the index alone (no heap visit per candidate).
            models.Index(fields=["participant", "program", "status"], name="claim_participant_status"),
            # A coordinator's queue, oldest in status first, read in order from their own range.
            models.Index(fields=["coordinator", "status_changed_at", "id"], name="claim_coordinator_queue"),
            # The dashboard's claims in progress per area and officer, from the index alone.
            models.Index(
                fields=["status", "district", "officer", "submitted_on"],
                name="claim_area_officer",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["transaction_code"], condition=~Q(transaction_code=""), name="claim_transaction_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new claim starts with its participant's coordinator and district, whoever
        # creates it (the drafting service reads them under a lock; fixtures do not).
        if self._state.adding and self.participant_id is not None and self.district_id is None:
            self.coordinator_id = self.participant.coordinator_id
            self.district_id = self.participant.district_id
        super().save(*args, **kwargs)

    def missing_facts(self) -> list[str]:
        """Labels of the facts this claim's program needs and that are still empty."""
        missing = []
        for name in self.REQUIRED.get(self.program, ()) + self.REQUIRED_ALWAYS:
            value: Any = getattr(self, name)
            if value in (None, "", 0):
                missing.append(self._label(name))
        if self.program == ClaimProgram.DEATH and self.pk and not self.heirs.exists():
            missing.append(str(_("heirs")))
        leaving = self.jht_reason in (JhtReason.RESIGNATION, JhtReason.TERMINATION)
        if self.program == ClaimProgram.OLD_AGE and leaving and self.event_date is None:
            missing.append(self._label("event_date"))
        return missing

    @classmethod
    def _label(cls, name: str) -> str:
        return str(getattr(cls._meta.get_field(name), "verbose_name", name))

    def facts(self) -> ClaimFacts:
        children: tuple[ScholarshipChild, ...] = ()
        if self.scholarship_children:
            names = dict(self.participant.family_members.values_list("pk", "full_name"))
            children = tuple(
                ScholarshipChild(names.get(entry["member"], ""), entry["level"]) for entry in self.scholarship_children
            )
        partial_before = (
            self.program == ClaimProgram.OLD_AGE
            and self.jht_reason in PARTIAL_REASONS
            and Claim.objects.filter(
                participant_id=self.participant_id,
                program=ClaimProgram.OLD_AGE,
                jht_reason__in=list(PARTIAL_REASONS),
                status__in=LIVE_STATUSES,
            )
            .exclude(pk=self.pk)
            .exists()
        )
        return ClaimFacts(
            program=self.program,
            jht_reason=self.jht_reason,
            event_date=self.event_date,
            balance=self.balance,
            wage=self.wage,
            incapacity_days=self.incapacity_days,
            medical_bills=self.medical_bills,
            accident_death=self.accident_death,
            contribution_months=self.contribution_months,
            jp_balance=self.jp_balance,
            average_annual_wage=self.average_annual_wage,
            children=children,
            partial_claimed_before=partial_before,
        )
