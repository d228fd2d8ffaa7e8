"""Reminders over WhatsApp and SMS: the consent ledger, the outbox, its attempts, sender
limits and the raw webhooks. ARCHITECTURE.md, "Messaging design"; docs/messaging.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class Channel(models.TextChoices):
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class ConsentScope(models.TextChoices):
    ALL = "all", _("Every channel")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")


class ConsentRecord(models.Model):
    """One consent fact (MSG-8): given or withdrawn, for one channel or all, when, how,
    by whom and on what evidence. Rows are only added; the latest one that covers a
    channel decides (``participant_may_be_messaged``)."""

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "change", "withdraw"}),
            Kind.PARTICIPANT: frozenset({"view", "withdraw"}),
        },
    )

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        related_name="consent_records",
        verbose_name=_("participant"),
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentScope.choices, default=ConsentScope.ALL)
    given = models.BooleanField(_("consent given"))
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=30, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["participant", "-at", "-id"]
        indexes = [models.Index(fields=["participant", "-at", "-id"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.channel} {'given' if self.given else 'withdrawn'}"


class ConsentState(models.Model):
    """The latest consent fact per participant and channel, derived from the ledger:
    written by ``consent.ledger_add`` in the same transaction as the fact, so it always
    equals the ledger's latest row covering the channel. Segment filters read it (an
    indexed lookup instead of a "latest row per participant" subquery over the ledger);
    the ledger stays the record and the dispatcher's last check before a send."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="consent_states", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    given = models.BooleanField()
    at = models.DateTimeField()
    ledger_id = models.BigIntegerField(help_text="the ConsentRecord that decided")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "channel"], name="consent_state_one_per_channel")]
        indexes = [models.Index(fields=["channel", "given", "participant"], name="consent_state_filter")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.channel} {'given' if self.given else 'withdrawn'}"


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown, awaiting the provider")
    SKIPPED = "skipped", _("Skipped")


class OutboxMessage(models.Model):
    """One message to one participant for one (bill, stage, channel), written before
    anything is queued; ``dedupe_key`` makes a second one impossible (MSG-6). The task and
    the provider carry only the id. Status changes are conditional UPDATEs (outbox.py)."""

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"}), Kind.PARTICIPANT: frozenset({"view"})},
    )

    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        verbose_name=_("participant"),
        db_index=False,
    )
    bill = models.ForeignKey(
        "billing.Bill",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bill"),
        db_index=False,
    )
    stage = models.CharField(_("stage"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # "<participant>:<bill or ->:<stage>:<channel>": NULL bills would slip through a
    # multi-column UNIQUE (NULLs are distinct), a non-null key cannot.
    dedupe_key = models.CharField(max_length=120, unique=True)
    # What groups the rows until campaigns exist (a policy run, a one-off send).
    source = models.CharField(_("source"), max_length=80, blank=True, db_index=True)
    template = models.CharField(_("template"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, default="id")
    params = models.JSONField(default=list, blank=True)
    body = models.TextField(_("text"), blank=True)
    sender = models.CharField(_("sender"), max_length=40, blank=True)
    to_number = models.CharField(_("to"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    not_before = models.DateTimeField(null=True, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    provider_message_id = models.CharField(max_length=128, blank=True, db_index=True)
    error_code = models.CharField(max_length=20, blank=True)
    error_detail = models.TextField(blank=True)
    skip_reason = models.CharField(max_length=30, blank=True)
    fallback_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="fallbacks")
    created_at = models.DateTimeField(auto_now_add=True)
    status_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-id"]
        indexes = [
            # The dispatcher's claim: queued rows in id order.
            models.Index(fields=["id"], name="outbox_queued", condition=models.Q(status="queued")),
            # The reaper: leases of rows being sent.
            models.Index(fields=["leased_until"], name="outbox_sending", condition=models.Q(status="sending")),
            models.Index(fields=["participant", "-id"], name="outbox_participant"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} {self.status}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("In flight")
    ACCEPTED = "accepted", _("Accepted")
    RETRY = "retry", _("Temporary error")
    PERMANENT = "permanent", _("Permanent error")
    PAUSE = "pause", _("Quality signal: paused")
    UNKNOWN = "unknown", _("No answer")


class OutboxAttempt(models.Model):
    """One try at handing a message to a provider, written (``pending``) before the HTTP
    call: a worker that dies mid-call leaves a pending attempt, which the reaper turns
    into an "unknown" message rather than a blind resend."""

    ACCESS = Rule(
        coordinator="message__participant__coordinator",
        participant="message__participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})},
    )

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    provider = models.CharField(max_length=30)
    worker = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=20, blank=True)
    detail = models.TextField(blank=True)
    provider_message_id = models.CharField(max_length=128, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "number"]
        constraints = [models.UniqueConstraint(fields=["message", "number"], name="attempt_one_per_number")]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.number} {self.outcome}"


class Sender(models.Model):
    """A sending number (WhatsApp phone-number id, or an SMS gateway's sender): its token
    bucket and daily budget live here so they hold across every worker (MSG-7)."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    key = models.CharField(max_length=40, unique=True)
    rate_per_second = models.PositiveIntegerField(default=80)
    tokens = models.FloatField(default=0)
    refilled_at = models.DateTimeField(null=True, blank=True)
    # The messaging tier: unique recipients reached in a moving 24 hours (limits.py).
    daily_budget = models.PositiveIntegerField(null=True, blank=True, help_text="None: unlimited")
    # How many SenderReach rows this sender has inside the window (kept under the row
    # lock by limits.take, so no count over the reaches is needed per chunk).
    reached = models.PositiveIntegerField(default=0)
    paused = models.BooleanField(default=False)
    paused_reason = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.key


class SenderReach(models.Model):
    """A recipient this sender reached, and when it last did: while that is within the
    budget window the recipient costs nothing more; rows older than the window are
    pruned by limits.take. One row per (sender, recipient)."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    sender = models.ForeignKey(Sender, on_delete=models.CASCADE, related_name="reaches")
    recipient = models.CharField(max_length=20)
    reached_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sender", "recipient"], name="sender_reach_once")]
        indexes = [models.Index(fields=["sender", "reached_at"], name="sender_reach_window")]

    def __str__(self) -> str:
        return f"{self.sender_id} -> {self.recipient}"


class SourcePause(models.Model):
    """A group of rows (a ``source``) paused by a quality signal (131048/131049) until an
    administrator resumes it; its queued rows wait."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    source = models.CharField(max_length=80, unique=True)
    paused_reason = models.TextField()
    paused_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.source


class WebhookEvent(models.Model):
    """A status callback as received (raw), unique per (message, status, timestamp), so a
    duplicate delivery is stored once and applied once."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    provider_message_id = models.CharField(max_length=128)
    status = models.CharField(max_length=20)
    timestamp = models.BigIntegerField()
    callback_data = models.CharField(max_length=512, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider_message_id", "status", "timestamp"], name="webhook_once")
        ]
        indexes = [
            models.Index(
                fields=["processed_at"], name="webhook_unprocessed", condition=models.Q(processed_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider_message_id} {self.status}"


class InboxState(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    DONE = "done", _("Done")


class InboundMessage(models.Model):
    """A reply from a participant (WhatsApp or SMS), matched to participants by number.
    Keywords (inbox/keywords.py) act on it; the rest waits in the staff inbox
    (messaging/inbox/), where it is answered, assigned and marked done."""

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view", "reply", "assign", "done", "reopen"})},
    )

    provider_message_id = models.CharField(max_length=128, unique=True)
    from_number = models.CharField(_("from"), max_length=20)
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WHATSAPP)
    text = models.TextField(_("text"), blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    # What the keywords did: opt_out, opt_in, answered (an automatic reply), stored.
    action = models.CharField(_("action"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=InboxState.choices, default=InboxState.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        indexes = [
            # The inbox: open conversations newest first; a number's thread.
            models.Index(fields=["state", "-id"], name="inbound_state"),
            models.Index(fields=["from_number", "-id"], name="inbound_number"),
        ]

    def __str__(self) -> str:
        return f"{self.from_number}: {self.text[:30]}"


class DevMessage(models.Model):
    """What the development provider "sent": an administrator reads them in the app."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    channel = models.CharField(max_length=10, choices=Channel.choices)
    to_number = models.CharField(max_length=20)
    template = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    outbox_id = models.BigIntegerField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.to_number} {self.template}"


# Models of the inbox and of the effect measurement live in their packages; imported
# here so Django registers them with the app.
# Templates, segments, the policy and campaigns live in their own module.
from .campaign_models import (  # noqa: E402, F401
    Approval,
    Campaign,
    CampaignStatus,
    MessageTemplate,
    ReminderStage,
    Segment,
)
from .effect.models import ControlShare  # noqa: E402, F401
from .inbox.models import ReplyKeyword  # noqa: E402, F401
