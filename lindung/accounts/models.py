from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    COORDINATOR = "coordinator", _("Coordinator")


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

    def __str__(self) -> str:
        return self.get_full_name() or self.username
