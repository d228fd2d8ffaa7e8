"""Keyword replies (MSG-9): the whole message is compared with the active
``ReplyKeyword`` words (any case, punctuation and extra spaces ignored), so "stop.",
"Berhenti!" and " saldo " match while "jangan stop dulu" does not (a person saying more
than a word goes to the inbox, where someone reads it)."""

import re
import string
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from lindung.billing.models import PaymentMethod
from lindung.billing.selectors import participant_standing
from lindung.core import events
from lindung.core.money import rupiah
from lindung.core.phones import format_national
from lindung.participants.models import ConsentMethod, Participant

from .models import REPLY_FIELDS, ReplyKeyword


def normalise_text(text: str) -> str:
    return " ".join(re.sub(r"[^\w ]", " ", text.upper()).split())


def keyword_for(text: str) -> ReplyKeyword | None:
    word = normalise_text(text)
    if not word or len(word) > 30:
        return None
    return ReplyKeyword.objects.filter(word=word, active=True).first()


def set_contact_consent(participant: Participant, *, given: bool, method: str, evidence: str) -> None:
    """The participant's own instruction (STOP/MULAI): the record's consent flag changes
    inside the consent event, whose synchronous subscriber adds the ledger row in the same
    transaction, so the form, the ledger and the dispatcher agree at commit."""
    kind = "participant.consent_given" if given else "participant.consent_withdrawn"
    with events.change(kind, participant_ids=[participant.pk], subject=participant, method=method, evidence=evidence):
        participant.contact_consent = given
        participant.consent_at = timezone.now() if given else None
        participant.consent_method = ConsentMethod.WHATSAPP if given else ""
        participant.save(update_fields=["contact_consent", "consent_at", "consent_method", "updated_at"])


def reply_facts(participant: Participant) -> dict[str, Any]:
    """What an answer may say about the participant (REPLY_FIELDS), read now."""
    standing = participant_standing(participant)
    coordinator = participant.coordinator
    methods = PaymentMethod.objects.filter(is_active=True).order_by("name").values_list("name", flat=True)
    facts = {
        "name": participant.full_name,
        "owed": rupiah(standing.owed),
        "late_months": standing.late_months,
        "late_amount": rupiah(standing.late_amount),
        "coordinator": coordinator.get_full_name() or coordinator.username if coordinator else "-",
        "coordinator_phone": format_national(getattr(coordinator, "phone", "") or "") or "-" if coordinator else "-",
        "payment_methods": ", ".join(methods) or "-",
    }
    assert set(facts) == REPLY_FIELDS
    return facts


def render_reply(template: str, facts: Mapping[str, Any]) -> str:
    """The answer with its fields filled; a field the row names but we do not know is left
    as written rather than failing a reply (the admin form refuses such rows anyway)."""
    known = {name: facts.get(name, "{" + name + "}") for _t, name, _s, _c in string.Formatter().parse(template) if name}
    return template.format_map(known)
