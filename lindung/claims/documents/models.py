"""Claim documents (CLM-3): the checklist per benefit and case as effective-dated data,
the uploaded files with their review status and history, and mismatch overrides."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule
from lindung.core.storage import private_storage

from ..claim import ClaimProgram


class DocumentKind(models.TextChoices):
    KTP = "ktp", _("Identity card (KTP)")
    KK = "kk", _("Family card (KK)")
    MEMBERSHIP_CARD = "kpj", _("Membership card (KPJ)")
    BANK_BOOK = "bank_book", _("Bank book (first page)")
    LEAVING_LETTER = "leaving_letter", _("Resignation or termination letter, or employer recommendation")
    STOPPED_WORKING = "stopped_working", _("Statement of having stopped working")
    NPWP = "npwp", _("Tax number card (NPWP)")
    DISABILITY = "disability", _("Doctor's statement of permanent total disability")
    PASSPORT = "passport", _("Passport and statement of leaving Indonesia")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    HEIR_STATEMENT = "heir_statement", _("Statement of heirs")
    HEIR_KTP = "heir_ktp", _("Identity card (KTP) of the heir")
    CHRONOLOGY = "chronology", _("Chronology letter from the employer")
    WITNESS_KTP = "witness_ktp", _("Identity cards (KTP) of two witnesses")
    ATTENDANCE = "attendance", _("Attendance record")
    ACCIDENT_REPORT_1 = "accident_report_1", _("Accident report, stage I")
    ACCIDENT_REPORT_2 = "accident_report_2", _("Accident report, stage II")
    DOCTOR_STATEMENT = "doctor_statement", _("Doctor's statement and diagnosis")
    MEDICAL_RECEIPTS = "medical_receipts", _("Medical and transport receipts")
    DUTY_ORDER = "duty_order", _("Overtime or duty order")
    POLICE_REPORT = "police_report", _("Police report")
    OTHER = "other", _("Other document")


class Condition(models.TextChoices):
    """When a checklist row applies; anything that needs more than the claim's own facts."""

    ALWAYS = "always", _("Always")
    NPWP_NEEDED = "npwp", _("When the balance is above the tax number threshold")
    WHEN_APPLICABLE = "applicable", _("When it applies to the case")


class DocumentRequirement(models.Model):
    """One row of a checklist: for a program (and a JHT reason, or any when blank), which
    document, whether it is required, from when and under which basis."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    program = models.CharField(_("program"), max_length=5, choices=ClaimProgram.choices)
    jht_reason = models.CharField(_("JHT reason"), max_length=20, blank=True, help_text=_("Empty: every reason."))
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    condition = models.CharField(_("when"), max_length=12, choices=Condition.choices, default=Condition.ALWAYS)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        ordering = ["program", "position", "id"]
        indexes = [models.Index(fields=["program", "valid_from"], name="claim_doc_requirement")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="claim_doc_requirement_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} {self.jht_reason} {self.get_kind_display()}"

    def in_force(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class DocumentStatus(models.TextChoices):
    # "Missing" is not stored: it is a checklist row without a current document.
    MISSING = "missing", _("Missing")
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


def claim_document_path(instance: "ClaimDocument", filename: str) -> str:
    # The stored name carries no personal data; the original name is kept in a column.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"claims/{instance.claim_id}/{uuid.uuid4().hex}.{suffix}"


class ClaimDocument(models.Model):
    """An uploaded document of a claim. A replacement points the old row at the new one
    (``replaced_by``), so the history stays; the current documents have none."""

    ACCESS = Rule(
        coordinator="claim__coordinator",
        participant="claim__participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "add", "transcribe"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=claim_document_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.RECEIVED
    )
    status_reason = models.TextField(_("reason"), blank=True)
    # What the document says, typed by whoever uploads it, for the mismatch check.
    name_on_document = models.CharField(_("name on the document"), max_length=150, blank=True)
    nik_on_document = models.CharField(_("NIK on the document"), max_length=16, blank=True)
    birth_date_on_document = models.DateField(_("birth date on the document"), null=True, blank=True)
    account_holder_on_document = models.CharField(_("account holder on the document"), max_length=150, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces")

    class Meta:
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")
        ordering = ["kind", "-uploaded_at", "-id"]
        indexes = [models.Index(fields=["claim", "kind"], name="claim_document_current")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class MismatchOverride(models.Model):
    """Someone allowed to decided that a flagged mismatch is not a problem, and why. The
    key names the exact pair of values, so a new upload or a corrected value is checked
    afresh instead of staying waved through."""

    ACCESS = Rule(
        coordinator="claim__coordinator",
        participant="claim__participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})},
    )

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="mismatch_overrides")
    key = models.CharField(_("mismatch"), max_length=64)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mismatch override")
        verbose_name_plural = _("mismatch overrides")
        constraints = [models.UniqueConstraint(fields=["claim", "key"], name="claim_mismatch_override_once")]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.key}"
