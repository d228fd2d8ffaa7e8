"""The claim archive (CLM-8): each archived dossier gets a file number and a date it may
be destroyed, from the archive policy in force for its program on the day.

DOMAIN.md says dossiers are "archived per program (JHT/JKK/JKM/JP), sorted by
transaction code, in monthly boxes" but gives no retention period and no numbering
rule. Both are therefore data an administrator enters (django-admin) with the legal
basis they follow; nothing is assumed. Without a policy the file number uses the
program's code and no destruction date is set (the archive list says so).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule

from ..claim import ClaimProgram


class ArchivePolicy(models.Model):
    """How one program's dossiers are numbered and how long they are kept, from a day on
    (``valid_to`` inclusive, like the benefit rules)."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    program = models.CharField(_("program"), max_length=5, choices=ClaimProgram.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    file_prefix = models.CharField(
        _("file number prefix"),
        max_length=20,
        help_text=_("Starts every file number, e.g. the program and branch code."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep for (years)"), help_text=_("Years after archiving before the dossier may be destroyed.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200)

    class Meta:
        verbose_name = _("archive policy")
        verbose_name_plural = _("archive policies")
        ordering = ["program", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="archive_policy_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} {self.valid_from}"

    def clean(self) -> None:
        overlapping = ArchivePolicy.objects.filter(program=self.program).exclude(pk=self.pk)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        if overlapping.exists():
            raise ValidationError(
                _("Another policy for this program is in force in these dates: end it the day before this one starts.")
            )

    @classmethod
    def on(cls, program: str, day: datetime.date) -> "ArchivePolicy | None":
        return (
            cls.objects.filter(program=program, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )


class ArchiveFile(models.Model):
    """One archived dossier: its number, box and place, and when it may be destroyed.
    Program, box and day are copied from the claim so the archive search reads one table."""

    ACCESS = Rule(
        coordinator="claim__coordinator",
        participant="claim__participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})},
    )

    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="archive_file")
    number = models.CharField(_("file number"), max_length=60, unique=True)
    program = models.CharField(_("program"), max_length=5, choices=ClaimProgram.choices)
    box = models.CharField(_("archive box"), max_length=40)
    position = models.CharField(_("position in the box"), max_length=20)
    archived_on = models.DateField(_("archived on"))
    keep_until = models.DateField(_("keep until"), null=True, blank=True)
    policy = models.ForeignKey(ArchivePolicy, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # A copy of the participant's folded name (Participant.name_key), so a search by name
    # reads the 100,000 archived dossiers and not the 1,000,000 participants (trigram index
    # archive_name_key_trgm on PostgreSQL, migration claims 0015). Written when the dossier
    # is archived and rewritten with the name (claims/participant_moves.py).
    name_key = models.CharField(max_length=150, default="", editable=False)

    class Meta:
        verbose_name = _("archived dossier")
        verbose_name_plural = _("archived dossiers")
        ordering = ["-archived_on", "box", "number"]
        indexes = [
            # The archive list's order, so a page is read from the index, not sorted.
            models.Index(fields=["-archived_on", "box", "number"], name="archive_list"),
            models.Index(fields=["box", "position"], name="archive_box"),
            models.Index(fields=["program", "archived_on"], name="archive_program_day"),
        ]

    def __str__(self) -> str:
        return self.number
