"""Templates, segments, the reminder policy and campaigns (MSG-1..4), in their own module
so the delivery core's models.py stays small. docs/messaging.md, "Campaigns"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

from .models import Channel


class Approval(models.TextChoices):
    DRAFT = "draft", _("Draft (not submitted to WhatsApp)")
    SUBMITTED = "submitted", _("Submitted, waiting for WhatsApp")
    APPROVED = "approved", _("Approved by WhatsApp")
    REJECTED = "rejected", _("Rejected by WhatsApp")


class MessageTemplate(models.Model):
    """A reminder text in Indonesian and English with ``{variables}`` (templating.py), and
    the WhatsApp template it is registered as. The body parameters sent to WhatsApp are
    the variables in the order they appear in the text of the chosen language."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    title = models.CharField(_("title"), max_length=100, unique=True)
    text_id = models.TextField(_("text in Indonesian"))
    text_en = models.TextField(_("text in English"), blank=True)
    whatsapp_name = models.CharField(_("WhatsApp template name"), max_length=100)
    approval = models.CharField(_("WhatsApp approval"), max_length=10, choices=Approval.choices, default=Approval.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_id


class Segment(models.Model):
    """A saved filter over the registry and the ledger (segments.py reads ``criteria``).
    A coordinator's segments are their own and only ever count their own participants."""

    ACCESS = Rule(
        coordinator="created_by",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view", "add", "change", "delete"})},
    )

    name = models.CharField(_("name"), max_length=100)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ReminderStage(models.Model):
    """One stage of the reminder policy (MSG-3): ``offset_days`` from a bill's due date
    (negative: before it), for one participant category or all, effective-dated
    (``valid_to`` inclusive) with the basis it rests on. Seeded by migration 0005."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    key = models.CharField(_("stage"), max_length=20)
    category = models.CharField(_("category"), max_length=20, blank=True, help_text=_("Empty: every category."))
    offset_days = models.SmallIntegerField(_("days from the due date"))
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WHATSAPP)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300)

    class Meta:
        verbose_name = _("reminder stage")
        verbose_name_plural = _("reminder stages")
        ordering = ["category", "offset_days", "valid_from"]

    def __str__(self) -> str:
        return f"{self.key} ({self.offset_days:+d})"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """A send of one template: to a segment (one-off or scheduled) or, for the policy
    run, to the unpaid bills of one stage and due date. Its outbox rows carry
    ``source = "campaign:<id>"`` (pausing is a SourcePause on it); the status moves through
    campaigns/states.py."""

    ACCESS = Rule(
        coordinator="created_by",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset(
                {"view", "add", "change", "launch", "schedule", "pause", "resume", "cancel", "test_send"}
            ),
        },
    )

    name = models.CharField(_("name"), max_length=120)
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("template")
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("segment")
    )
    stage = models.ForeignKey(ReminderStage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WHATSAPP)
    language = models.CharField(
        _("language"), max_length=2, choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id"
    )
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    planned = models.PositiveIntegerField(_("messages planned"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The background job that writes its outbox rows (campaigns/launching.py): the page
    # shows its progress, and the campaign is not "completed" while it still plans.
    launch_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-id"]
        constraints = [
            # The policy run makes one campaign per stage and due date, however often it runs.
            models.UniqueConstraint(fields=["stage", "due_date"], name="campaign_one_per_stage_day")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def source(self) -> str:
        return f"campaign:{self.pk}"
