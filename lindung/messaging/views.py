import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lindung.core.permissions import admin_required, public

from .devsim.views import dev_provider_in_use
from .selectors import dev_messages_for, outbox_statuses
from .webhooks import webhook_post

logger = logging.getLogger(__name__)


@admin_required
def dev_outbox(request: HttpRequest) -> HttpResponse:
    """The development provider's messages: `make run` shows the whole loop here."""
    sent = list(dev_messages_for(request.user))
    rows = outbox_statuses(sent)
    return render(
        request,
        "messaging/dev_outbox.html",
        {
            "messages_sent": [(m, rows.get(m.outbox_id or 0)) for m in sent],
            "simulate": dev_provider_in_use(),
        },
    )


@public
@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    """Meta's webhook: the verification handshake (GET) and signed callbacks (POST)."""
    config = settings.LINDUNG_MESSAGING["WHATSAPP"]
    if request.method == "GET":
        token = str(config["verify_token"])
        given = request.GET.get("hub.verify_token", "")
        if request.GET.get("hub.mode") == "subscribe" and token and hmac.compare_digest(given.encode(), token.encode()):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden()
    status = webhook_post(
        request.META.get("CONTENT_LENGTH"), lambda _length: request.body, request.headers.get("X-Hub-Signature-256")
    )
    if status == 403:
        return HttpResponseForbidden()
    if status != 200:
        return HttpResponse(status=status)
    return HttpResponse("ok", content_type="text/plain")
