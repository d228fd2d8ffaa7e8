"""The payment voucher of a paid claim (CLM-8): what was paid, frozen when the payment is
recorded, with a random token for the QR code's verification page."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


def new_token() -> str:
    # 16 random bytes: unguessable, and short enough for a small QR code.
    return secrets.token_urlsafe(16)


class ClaimVoucher(models.Model):
    ACCESS = Rule(
        coordinator="claim__coordinator",
        participant="claim__participant",
        actions={Kind.ADMIN: ALL, Kind.COORDINATOR: frozenset({"view"})},
    )

    claim = models.OneToOneField("claims.Claim", on_delete=models.PROTECT, related_name="voucher")
    # "V-<year>-<claim id>": unique by construction, so two payments recorded at the same
    # moment never race for a running number.
    number = models.CharField(_("voucher number"), max_length=30, unique=True)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    monthly = models.BooleanField(_("monthly pension"), default=False)
    # The amount's lines as computed on the day (label, amount, legal basis), so a later
    # change of the rules never changes a voucher already issued.
    lines = models.JSONField(_("how the amount was computed"), default=list)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("claim voucher")
        verbose_name_plural = _("claim vouchers")

    def __str__(self) -> str:
        return self.number
