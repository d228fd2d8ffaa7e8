"""Building blocks for the template, segment and campaign tests."""

import itertools
from typing import Any

from lindung.billing.arrears.table import arrears_rebuild
from lindung.billing.tests.arrears_data import bill, months_ago
from lindung.messaging.campaign_models import MessageTemplate
from lindung.messaging.campaigns.services import segment_save, template_save

from .helpers import consenting

LATE_TEXT = "Halo {name}, tunggakan {months_late} bulan, {amount_due}. Hubungi {coordinator_name} {coordinator_phone}."


def late_consenting(coordinator: Any, months: int = 2, **extra: Any) -> Any:
    participant = consenting(coordinator, **extra)
    for k in range(1, months + 1):
        bill(participant, months_ago(k))
    return participant


def rebuild() -> None:
    arrears_rebuild()


_titles = itertools.count(1)


def a_template(admin: Any, text: str = LATE_TEXT) -> MessageTemplate:
    return template_save(
        actor=admin,
        data={
            "title": f"Tunggakan {next(_titles)}",
            "text_id": text,
            "text_en": "",
            "whatsapp_name": "late",
            "approval": "approved",
        },
    )


def late_segment(user: Any, **criteria: Any) -> Any:
    return segment_save(actor=user, name="Telat", criteria={"standing": "late", **criteria})
