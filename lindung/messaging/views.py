from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lindung.core.permissions import admin_required

from .selectors import dev_messages_for


@admin_required
def dev_outbox(request: HttpRequest) -> HttpResponse:
    """The development provider's messages: `make run` shows the whole loop here."""
    return render(request, "messaging/dev_outbox.html", {"messages_sent": dev_messages_for(request.user)})
