from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Who made a row and when; the acting user is passed to services, never guessed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class DomainEvent(models.Model):
    """Something that happened to a record, written in the writer's transaction
    (core/events.py). Append-only: the history of what the system did and why."""

    kind = models.CharField(max_length=60)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    # The one participant concerned, for their timeline; bulk events list theirs in the payload.
    participant_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    # PostgreSQL's transaction id (0 on SQLite): asynchronous readers pass an event only
    # once every older transaction has ended (core/events_async.py).
    txid = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["participant_id", "id"], name="event_by_participant"),
            models.Index(fields=["subject_type", "subject_id"], name="event_by_subject"),
            models.Index(fields=["txid", "id"], name="event_by_txid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class SubscriberCursor(models.Model):
    """How far an asynchronous subscriber has read the events: (txid, event id)."""

    name = models.CharField(max_length=100, unique=True)
    last_txid = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(default=0)
    delivered = models.BigIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
