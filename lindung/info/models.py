"""Plain-language pages (SELF-3) and service points (SELF-4): public reading, admin writing."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class Topic(models.TextChoices):
    """Which worked examples a page shows under its text (computed from the rules)."""

    JKK = "jkk", _("Work accident (JKK)")
    JKM = "jkm", _("Death (JKM)")
    JHT = "jht", _("Old-age savings (JHT)")
    JP = "jp", _("Pension (JP)")
    FAQ = "faq", _("Questions and answers")
    OTHER = "other", _("Other")


class InfoPage(models.Model):
    """The current text of a page; every saved text is also an InfoPageVersion."""

    ACCESS = Rule(shared=True, public=frozenset({"view"}), actions={Kind.ADMIN: ALL})

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    topic = models.CharField(_("worked examples"), max_length=10, choices=Topic.choices, default=Topic.OTHER)
    position = models.PositiveSmallIntegerField(_("position in the list"), default=0)
    title_id = models.CharField(_("title (Indonesian)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    body_id = models.TextField(_("text (Indonesian)"))
    body_en = models.TextField(_("text (English)"))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "id").startswith("en") else self.title_id

    @property
    def body(self) -> str:
        return self.body_en if (get_language() or "id").startswith("en") else self.body_id


class InfoPageVersion(models.Model):
    """One saved state of a page: who saved it, when and why; a revert saves a new one."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    page = models.ForeignKey(InfoPage, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title_id = models.CharField(_("title (Indonesian)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    body_id = models.TextField(_("text (Indonesian)"))
    body_en = models.TextField(_("text (English)"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("page version")
        verbose_name_plural = _("page versions")
        ordering = ["page", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="info_page_version_unique")]

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"


class PointKind(models.TextChoices):
    BRANCH = "branch", _("BPJS Ketenagakerjaan branch office")
    PAYMENT = "payment", _("Payment point")
    COORDINATOR = "coordinator", _("Coordinator")
    OTHER = "other", _("Other service place")


class ServicePoint(models.Model):
    """A place where workers get served: address, hours, phone and where it is."""

    ACCESS = Rule(shared=True, public=frozenset({"view"}), actions={Kind.ADMIN: ALL})

    code = models.CharField(
        _("reference"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Optional; an import row with a known reference updates that point."),
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("type"), max_length=12, choices=PointKind.choices)
    address = models.CharField(_("address"), max_length=300)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": 4},
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    active = models.BooleanField(_("shown to the public"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["name"]
        indexes = [models.Index(fields=["village", "active"], name="service_point_village")]
        constraints = [
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90), name="point_latitude"),
            models.CheckConstraint(condition=models.Q(longitude__gte=-180, longitude__lte=180), name="point_longitude"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def geo_uri(self) -> str:
        return f"geo:{self.latitude},{self.longitude}"

    @property
    def maps_url(self) -> str:
        return f"https://www.google.com/maps/search/?api=1&query={self.latitude},{self.longitude}"
