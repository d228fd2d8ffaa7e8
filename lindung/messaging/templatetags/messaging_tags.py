"""The participant page belongs to another app; this tag lets messaging show that
participant's messages (sent, delivered, read, failed, skipped and why) and replies,
read through core.access, without the page's view knowing messaging."""

from typing import Any

from django import template

from lindung.messaging.selectors import participant_messages as messages_of

register = template.Library()


@register.inclusion_tag("messaging/_participant_timeline.html", takes_context=True)
def participant_messages(context: template.Context, participant: Any) -> dict[str, Any]:
    request = context.get("request")
    return {"participant": participant, "outbox": messages_of(getattr(request, "user", None), participant)}
