"""The development provider's other half: an administrator plays the provider and the
participant, so `make run` shows the whole loop with no account. Each button builds the
body the WhatsApp Cloud API would POST (a status or a message) and hands it to the same
ingestion as the real webhook (webhooks.py), only without the signature, which these
pages replace with the admin door. Refused unless a channel uses the dev provider."""

import json
import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.core import access
from lindung.core.permissions import admin_required

from ..models import DevMessage
from ..webhooks import webhook_ingest

STATUSES = {"delivered", "read", "failed"}
# What a simulated "failed" says: the Cloud API's "message undeliverable" (permanent,
# so the SMS fallback shows too).
FAILED_ERROR = {"code": 131026, "title": "Message undeliverable"}


def dev_provider_in_use() -> bool:
    config = settings.LINDUNG_MESSAGING
    return "dev" in (config["WHATSAPP"]["provider"], config["SMS"]["provider"])


def _envelope(value: dict[str, Any]) -> bytes:
    change = {"field": "messages", "value": {"messaging_product": "whatsapp", **value}}
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "dev", "changes": [change]}]}).encode()


@admin_required
@require_POST
def simulate_status(request: HttpRequest, dev_pk: int) -> HttpResponse:
    if not dev_provider_in_use():
        raise Http404
    dev = access.get_or_404(access.principal_of(request.user), DevMessage.objects.all(), pk=dev_pk)
    status = request.POST.get("status", "")
    if status not in STATUSES:
        messages.error(request, _("Unknown status."))
        return redirect("messaging:dev_outbox")
    item: dict[str, Any] = {
        "id": dev.provider_message_id,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": dev.to_number.lstrip("+"),
        "biz_opaque_callback_data": str(dev.outbox_id or ""),
    }
    if status == "failed":
        item["errors"] = [FAILED_ERROR]
    webhook_ingest(_envelope({"statuses": [item]}))
    messages.success(request, _("Status “%(status)s” sent as a webhook.") % {"status": status})
    return redirect("messaging:dev_outbox")


@admin_required
@require_POST
def simulate_reply(request: HttpRequest) -> HttpResponse:
    if not dev_provider_in_use():
        raise Http404
    number = request.POST.get("from_number", "").strip()
    text = request.POST.get("text", "").strip()
    if not number or not text:
        messages.error(request, _("Give the number the reply comes from and its text."))
        return redirect("messaging:dev_outbox")
    message = {
        "from": number.lstrip("+"),
        "id": f"dev.in.{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text[:4096]},
    }
    webhook_ingest(_envelope({"contacts": [{"wa_id": message["from"]}], "messages": [message]}))
    messages.success(request, _("Reply “%(text)s” from %(number)s received.") % {"text": text[:40], "number": number})
    return redirect("messaging:dev_outbox")
