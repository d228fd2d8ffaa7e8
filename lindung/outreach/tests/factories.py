import datetime
from typing import Any

from django.utils import timezone

from lindung.core.tests.factories import bengkalis_village
from lindung.outreach.models import OutreachEvent, Question


def outreach_event(**fields: Any) -> OutreachEvent:
    values: dict[str, Any] = {
        "title": "Sosialisasi di balai desa",
        "village": bengkalis_village(),
        "place": "Balai desa",
        "starts_at": timezone.make_aware(datetime.datetime(2026, 1, 3, 9, 0)),
    }
    values.update(fields)
    event = OutreachEvent.objects.create(**values)
    event.questions.set(Question.objects.filter(active=True))
    return event
