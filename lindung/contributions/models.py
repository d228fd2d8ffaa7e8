"""Contribution rules as effective-dated rows (CON-1) and the programs each participant chose.

A rule is one figure with its validity and legal basis. Rows sharing a *key* (kind,
category, program, risk tier) are versions of the same figure; their validity must not
overlap. ``valid_to`` is INCLUSIVE: the last day the row is in force (``None`` = until
further notice). A new version starting on D closes the previous one on D - 1 day.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lindung.core.access import ALL, Kind, Rule


class Program(models.TextChoices):
    WORK_ACCIDENT = "jkk", _("Work accident (JKK)")
    DEATH = "jkm", _("Death (JKM)")
    OLD_AGE = "jht", _("Old-age savings (JHT)")
    PENSION = "jp", _("Pension (JP)")
    JOB_LOSS = "jkp", _("Job loss (JKP)")


# The order programs are listed in on bills, pages and the API.
PROGRAM_ORDER = [p.value for p in Program]


class RuleCategory(models.TextChoices):
    """The participant categories rules exist for (values match participants.Category)."""

    INFORMAL = "informal", _("Informal worker (BPU)")
    WAGE_EARNER = "wage_earner", _("Wage earner (PU)")


class RuleKind(models.TextChoices):
    PROGRAM_RATE = "program_rate", _("Program contribution")
    JP_CEILING = "jp_ceiling", _("Pension (JP) wage ceiling")
    MIN_INCOME = "min_income", _("Lowest declared income")
    DUE_DATE = "due_date", _("Due date")
    LATE_FINE = "late_fine", _("Late payment fine")
    LAPSE = "lapse", _("Non-active after unpaid months")
    PREPAY = "prepay", _("Prepayment options")


class Payer(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    WORKER = "worker", _("Worker")
    SHARED = "shared", _("Employer and worker")
    # JKP: funded by the government and recomposed from JKK/JKM; nobody pays extra.
    NO_EXTRA_COST = "no_extra_cost", _("No extra cost (government and recomposition)")


class ContributionRule(models.Model):
    """One effective-dated figure. Which value columns a row needs depends on its kind
    (see ``REQUIRED_FIELDS``); the others stay empty."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})})

    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    # Empty string rather than NULL, so the key columns compare equal in constraints.
    category = models.CharField(_("category"), max_length=20, choices=RuleCategory.choices, blank=True)
    program = models.CharField(_("program"), max_length=5, choices=Program.choices, blank=True)
    risk_tier = models.PositiveSmallIntegerField(
        _("workplace risk tier"),
        default=0,
        validators=[MaxValueValidator(5)],
        help_text=_("1 (very low) to 5 (very high) for wage earners' JKK; 0 when not tiered."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to (inclusive)"), null=True, blank=True, help_text=_("Last day in force; empty = until replaced.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    rate = models.DecimalField(
        _("rate (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Percent of the basis, e.g. 0.24 for 0.24 %. For a fine: percent per month late."),
    )
    worker_rate = models.DecimalField(
        _("worker's part of the rate (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Only when employer and worker share the rate; the employer pays the rest."),
    )
    amount = models.PositiveBigIntegerField(
        _("amount (Rp)"), null=True, blank=True, help_text=_("A flat contribution, a wage ceiling or a minimum.")
    )
    payer = models.CharField(_("who pays"), max_length=20, choices=Payer.choices, blank=True)
    mandatory = models.BooleanField(_("mandatory program"), default=False)
    day = models.PositiveSmallIntegerField(
        _("due day of month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    month_offset = models.PositiveSmallIntegerField(
        _("months after the contribution month"), null=True, blank=True, validators=[MaxValueValidator(12)]
    )
    next_working_day = models.BooleanField(_("moves to the next working day on a holiday"), default=False)
    months = models.PositiveSmallIntegerField(
        _("number of months"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    options = models.CharField(
        _("month options"), max_length=50, blank=True, help_text=_("Comma-separated numbers of months, e.g. 1,3,6,12.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    KEY_FIELDS = ("kind", "category", "program", "risk_tier")
    REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
        RuleKind.PROGRAM_RATE: ("category", "program", "payer"),
        RuleKind.JP_CEILING: ("amount",),
        RuleKind.MIN_INCOME: ("category", "amount"),
        RuleKind.DUE_DATE: ("category", "day", "month_offset"),
        RuleKind.LATE_FINE: ("category", "rate"),
        RuleKind.LAPSE: ("category", "months"),
        RuleKind.PREPAY: ("category", "options"),
    }

    class Meta:
        verbose_name = _("contribution rule")
        verbose_name_plural = _("contribution rules")
        ordering = ["kind", "category", "program", "risk_tier", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="contribution_rule_valid_range",
            ),
            # At most one open-ended version per key; full overlap checks are in
            # services.rule_check_overlap (and an exclusion constraint on PostgreSQL).
            models.UniqueConstraint(
                fields=["kind", "category", "program", "risk_tier"],
                condition=Q(valid_to__isnull=True),
                name="contribution_rule_one_open_version",
            ),
            models.UniqueConstraint(
                fields=["kind", "category", "program", "risk_tier", "valid_from"],
                name="contribution_rule_one_start",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="contribution_rule_validity")]

    def __str__(self) -> str:
        parts = [str(self.get_kind_display())]
        if self.program:
            parts.append(str(self.get_program_display()))
        if self.risk_tier:
            parts.append(str(_("tier %(tier)s") % {"tier": self.risk_tier}))
        if self.category:
            parts.append(str(self.get_category_display()))
        return " · ".join(parts) + f" ({self.valid_from:%Y-%m-%d}–{self.valid_to or ''})"

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.kind, self.category, self.program, self.risk_tier)

    @property
    def employer_rate(self) -> Decimal:
        if self.rate is None or self.payer in (Payer.WORKER, Payer.NO_EXTRA_COST):
            return Decimal(0)
        if self.payer == Payer.SHARED:
            return self.rate - (self.worker_rate or Decimal(0))
        return self.rate

    @property
    def worker_part(self) -> Decimal:
        if self.rate is None:
            return Decimal(0)
        if self.payer == Payer.WORKER:
            return self.rate
        if self.payer == Payer.SHARED:
            return self.worker_rate or Decimal(0)
        return Decimal(0)

    @property
    def month_options(self) -> list[int]:
        return [int(p) for p in self.options.split(",") if p.strip().isdigit()]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in self.REQUIRED_FIELDS.get(self.kind, ()):
            if getattr(self, name) in (None, ""):
                errors.setdefault(name, []).append(str(_("This kind of rule needs this value.")))
        if self.kind == RuleKind.PROGRAM_RATE and (self.rate is None) == (self.amount is None):
            errors.setdefault("rate", []).append(str(_("Give either a rate or a flat amount, not both.")))
        if self.payer == Payer.SHARED and (
            self.worker_rate is None or self.rate is None or self.worker_rate > self.rate
        ):
            errors.setdefault("worker_rate", []).append(
                str(_("A shared rate needs the worker's part, at most the rate."))
            )
        if self.options:
            parts = [p.strip() for p in self.options.split(",")]
            if not all(p.isdigit() and 0 < int(p) <= 60 for p in parts):
                errors.setdefault("options", []).append(str(_("Write whole numbers of months separated by commas.")))
        if self.valid_to is not None and self.valid_to < self.valid_from:
            errors.setdefault("valid_to", []).append(str(_("The end date cannot be before the start date.")))
        if errors:
            raise ValidationError(errors)


class Holiday(models.Model):
    """Public holidays (and joint leave days) that move a wage earner's due date; admins
    keep the table filled a year ahead from the government's decree."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class ParticipantProgram(models.Model):
    """A program a participant is enrolled in, from ``since`` to ``until`` (inclusive).

    A participant with no rows at all is treated as enrolled in the mandatory programs of
    their category, so participants registered before this table existed need no backfill.
    """

    ACCESS = Rule(
        coordinator="participant__coordinator",
        participant="participant",
        actions={
            Kind.ADMIN: ALL,
            Kind.COORDINATOR: frozenset({"view", "change"}),
            Kind.PARTICIPANT: frozenset({"view"}),
        },
    )

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="program_rows", verbose_name=_("participant")
    )
    program = models.CharField(_("program"), max_length=5, choices=Program.choices)
    risk_tier = models.PositiveSmallIntegerField(
        _("workplace risk tier"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until (inclusive)"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant program")
        verbose_name_plural = _("participant programs")
        ordering = ["participant", "program", "since"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program"], condition=Q(until__isnull=True), name="participant_program_one_open"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="participant_program_valid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_program_display()} ({self.since:%Y-%m-%d}–{self.until or ''})"
