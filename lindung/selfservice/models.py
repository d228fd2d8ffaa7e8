"""Workers serving themselves (SELF-1, SELF-2): registrations waiting for verification,
one-time sign-in codes, participant sessions (web and API) and correction requests."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule
from lindung.core.storage import private_storage
from lindung.participants.models import Sex


def ktp_photo_path(instance: "SelfRegistration", filename: str) -> str:
    # No personal data in the stored name; the photo is always re-encoded as JPEG.
    return f"selfregistrations/{uuid.uuid4().hex}.jpg"


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class SelfRegistration(models.Model):
    """A worker's own registration (SELF-1), waiting for a coordinator of the village (or
    an administrator) to accept it, which registers the participant, or to reject it with
    a reason. ``coordinator`` is whom it was routed to: an active coordinator working in
    the village's district, or nobody (administrators only)."""

    ACCESS = Rule(
        coordinator="coordinator",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view", "accept", "reject"})},
    )

    nik = models.CharField(_("NIK"), max_length=16)
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False)
    birth_place = models.CharField(_("place of birth"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    address = models.TextField(_("address"))
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    phone = models.CharField(_("mobile phone"), max_length=16)
    email = models.EmailField(_("email"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=100)
    declared_income = models.PositiveBigIntegerField(_("declared monthly income (Rp)"))
    programs = models.JSONField(_("programs"), default=list)
    contact_consent = models.BooleanField(_("agrees to be contacted by WhatsApp/SMS"), default=False)
    ktp_photo = models.FileField(_("KTP photo"), upload_to=ktp_photo_path, storage=private_storage, max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("self-registration")
        verbose_name_plural = _("self-registrations")
        ordering = ["created_at", "id"]
        constraints = [
            # The same NIK twice is one pending registration.
            models.UniqueConstraint(fields=["nik"], condition=Q(status="pending"), name="selfreg_one_pending_per_nik")
        ]
        indexes = [
            # The queue: a coordinator's (or everyone's) pending rows, oldest first.
            models.Index(fields=["status", "coordinator", "created_at"], name="selfreg_queue"),
            # An administrator's queue: every waiting row, oldest first, read 50 at a time.
            models.Index(fields=["created_at", "id"], condition=Q(status="pending"), name="selfreg_pending_oldest"),
            models.Index(fields=["name_key", "birth_date"], name="selfreg_dup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_status_display()})"


class SignInCode(models.Model):
    """A one-time sign-in code (SELF-2): only its keyed hash is stored; single use,
    short-lived, void after a few wrong tries."""

    # Nobody reads codes through the pages; administrators may look in an audit.
    ACCESS = Rule(participant="participant", actions={Kind.ADMIN: frozenset({"view"})})

    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["participant", "-created_at"], name="signin_code_latest")]

    def __str__(self) -> str:
        return f"code #{self.pk} for {self.participant_id}"


class SessionKind(models.TextChoices):
    WEB = "web", _("Web page")
    API = "api", _("API token")


class ParticipantSession(models.Model):
    """A participant signed in with a one-time code: a browser session (its key in a
    cookie of its own, separate from staff sessions) or an API token. Short-lived and
    revocable; only the key's hash is stored."""

    ACCESS = Rule(
        participant="participant",
        actions={Kind.ADMIN: ALL, Kind.PARTICIPANT: frozenset({"view", "revoke"})},
    )

    participant = models.ForeignKey("participants.Participant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=SessionKind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["participant", "kind"], name="participant_session_owner")]

    def __str__(self) -> str:
        return f"{self.kind} session of {self.participant_id}"


class CorrectableField(models.TextChoices):
    PHONE = "phone", _("Mobile phone")
    EMAIL = "email", _("Email")
    ADDRESS = "address", _("Address")
    OCCUPATION = "occupation", _("Occupation")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the coordinator")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class CorrectionRequest(models.Model):
    """A participant asks for one detail to be corrected (SELF-2); their coordinator (or
    an administrator) approves it, which changes the record through the participants
    service (so it lands in the record's history, REG-3), or refuses it with a reason.
    Rows are kept: together they are the history of what was asked and decided."""

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "approve", "refuse"}),
            Kind.PARTICIPANT: frozenset({"view", "add"}),
        },
    )

    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    field = models.CharField(_("detail"), max_length=12, choices=CorrectableField.choices)
    old_value = models.TextField(_("was"), blank=True)
    new_value = models.TextField(_("asked for"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "field"], condition=Q(status="pending"), name="correction_one_pending_per_field"
            )
        ]
        indexes = [
            models.Index(fields=["participant", "-created_at"], name="correction_participant"),
            models.Index(fields=["status", "created_at"], name="correction_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.new_value}"
