import datetime
from typing import Any

from django.utils import timezone

from lindung.feedback.models import FeedbackCategory, Ticket


def category(code: str = "contribution") -> FeedbackCategory:
    return FeedbackCategory.objects.get(code=code)


def ticket_for(**fields: Any) -> Ticket:
    """A ticket made directly (services are tested on their own)."""
    cat = fields.pop("category", None) or category()
    values: dict[str, Any] = {
        "category": cat,
        "subject": "Iuran belum tercatat",
        "message": "Saya sudah bayar bulan lalu.",
        "phone": "081234567890",
        "answer_due": timezone.now() + datetime.timedelta(hours=cat.answer_within_hours),
    }
    values.update(fields)
    return Ticket.objects.create(**values)
