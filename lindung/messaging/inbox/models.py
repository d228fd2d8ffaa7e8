"""Keywords a participant may send (STOP, MULAI, SALDO...), as data: administrators add
words and change the answers in the admin without a release."""

import string

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.access import ALL, Kind, Rule


class KeywordAction(models.TextChoices):
    OPT_OUT = "opt_out", _("Stop messages (consent withdrawn on every channel)")
    OPT_IN = "opt_in", _("Start messages again (consent given)")
    BALANCE = "balance", _("Answer with what is owed")
    HOW_TO_PAY = "how_to_pay", _("Answer with how to pay")
    COORDINATOR = "coordinator", _("Answer with the coordinator's name and phone")


# The facts an answer may name, filled in by inbox/keywords.py for the participant.
REPLY_FIELDS = frozenset(
    {"name", "owed", "late_months", "late_amount", "coordinator", "coordinator_phone", "payment_methods"}
)


class ReplyKeyword(models.Model):
    """One word (matched on the whole message, any case, punctuation ignored), what it
    does and the answer sent back in the same conversation."""

    ACCESS = Rule(shared=True, actions={Kind.ADMIN: ALL})

    word = models.CharField(_("word"), max_length=30, unique=True, help_text=_("Upper case, e.g. BERHENTI."))
    action = models.CharField(_("action"), max_length=20, choices=KeywordAction.choices)
    reply = models.TextField(
        _("answer"),
        blank=True,
        help_text=_(
            "May name {name}, {owed}, {late_months}, {late_amount}, {coordinator}, "
            "{coordinator_phone}, {payment_methods}. Empty: no answer."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reply keyword")
        verbose_name_plural = _("reply keywords")
        ordering = ["action", "word"]

    def __str__(self) -> str:
        return self.word

    def clean(self) -> None:
        self.word = " ".join(self.word.upper().split())
        unknown = {name for _text, name, _spec, _conv in string.Formatter().parse(self.reply) if name} - REPLY_FIELDS
        if unknown:
            raise ValidationError({"reply": _("Unknown field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}})
