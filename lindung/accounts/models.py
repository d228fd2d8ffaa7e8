from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    COORDINATOR = "coordinator", _("Coordinator")
    OFFICER = "officer", _("Branch officer")


class Duty(models.Model):
    """A named duty of branch officers (membership, claims services, finance head, branch
    head...) and the actions it grants, as "<model>.<action>" strings read by
    core/access.py. A new role is a new row: no code changes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    grants = models.JSONField(_("actions granted"), default=list, blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. The role decides scope (see core/scoping.py)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COORDINATOR)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("working district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": 3},
    )

    duties = models.ManyToManyField(Duty, verbose_name=_("duties"), blank=True, related_name="officers")

    class Meta:
        verbose_name = _("user account")
        verbose_name_plural = _("user accounts")
        ordering = ["username"]

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == Role.COORDINATOR and not self.is_superuser

    @property
    def is_officer(self) -> bool:
        return self.is_active and self.role == Role.OFFICER and not self.is_superuser

    def access_kind(self) -> str:
        """The kind of principal this user acts as (core/access.py)."""
        if self.is_admin:
            return "admin"
        if self.is_coordinator:
            return "coordinator"
        if self.is_officer:
            return "officer"
        return "anonymous"

    def access_grants(self) -> frozenset[str]:
        return frozenset(grant for duty in self.duties.all() for grant in duty.grants)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
