"""Inbound SMS from the gateway (MSG-9). Gateways differ, so the field names are settings
(LINDUNG_MESSAGING["SMS"]["inbound_fields"]); the gateway proves itself with a shared
token (header ``X-Lindung-Token`` or ``?token=``), compared in constant time. Form-encoded
and JSON bodies are both read."""

import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lindung.core.permissions import public

from ..models import Channel
from .receive import inbound_receive

logger = logging.getLogger(__name__)


@public
@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    config = settings.LINDUNG_MESSAGING["SMS"]
    token = str(config.get("inbound_token") or "")
    given = request.headers.get("X-Lindung-Token") or request.GET.get("token") or ""
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponseForbidden()
    if len(request.body) > int(settings.LINDUNG_MESSAGING["WEBHOOK_MAX_BYTES"]):
        return HttpResponse(status=413)
    fields = {"from": "from", "text": "text", "id": "id", **(config.get("inbound_fields") or {})}
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            return HttpResponse("a JSON object is expected", status=400, content_type="text/plain")
    else:
        data = request.POST.dict()
    number, message_id = str(data.get(fields["from"]) or ""), str(data.get(fields["id"]) or "")
    if not number or not message_id:
        logger.warning("inbound SMS without a number or an id")
        return HttpResponse("from and id are required", status=400, content_type="text/plain")
    inbound_receive(
        channel=Channel.SMS,
        message_id=f"sms:{message_id}",
        from_number=number,
        text=str(data.get(fields["text"]) or ""),
        payload=data,
    )
    return HttpResponse("ok", content_type="text/plain")
