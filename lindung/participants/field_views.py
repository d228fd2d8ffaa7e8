"""Field mode: the registration form keeps working without signal (issue 11, item 7).

The page script (static/lindung/field_mode.js) queues entries on the phone and sends
them here when the connection returns; the service worker served below keeps the form
and its assets in the phone's cache. Without JavaScript none of this is used and the
form posts to ``participants:create`` as it always did.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lindung.accounts.models import User
from lindung.core.permissions import public, staff_required

from . import field_mode, services
from .forms import ParticipantForm

# What the form page loads, cached by the service worker when it installs.
FORM_ASSETS = (
    "vendor/pico/pico.min.css",
    "lindung/lindung.css",
    "vendor/htmx/htmx.min.js",
    "lindung/lindung.js",
    "lindung/field_mode.js",
    "lindung/icons/icon-192.png",
)
ICONS = (("lindung/icons/icon-192.png", "192x192", "any"), ("lindung/icons/icon-512.png", "512x512", "any"))
MASKABLE_ICON = ("lindung/icons/icon-maskable-512.png", "512x512", "maskable")
SW_TEMPLATE = "participants/field_sw.js"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@lru_cache(maxsize=1)
def _cache_version(asset_urls: tuple[str, ...]) -> str:
    """Changes whenever the worker script or any cached asset changes, so a deploy
    installs a new worker, which drops the old cache. The hashed URLs of production's
    manifest storage already change with their files; the file contents are hashed too
    so development (plain URLs) behaves the same. Cached per process (a deploy restarts it)."""
    digest = hashlib.sha256()
    template = get_template(SW_TEMPLATE)
    digest.update(template.template.source.encode())  # type: ignore[attr-defined]
    for path, url in zip(FORM_ASSETS, asset_urls, strict=True):
        digest.update(url.encode())
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served by the app, not from /static/: a worker's script must keep one address and
    must not be cached for a year, and its scope reaches only as far as the header below
    allows (the script lives under /participants/field/, the form is /participants/new/)."""
    asset_urls = tuple(static(path) for path in FORM_ASSETS)
    if settings.DEBUG:
        _cache_version.cache_clear()
    context = {
        "version": _cache_version(asset_urls),
        "form_url": reverse("participants:create"),
        "assets_json": json.dumps(list(asset_urls)),
        "options_prefix": reverse("regions:village_options"),
    }
    response = HttpResponse(render_to_string(SW_TEMPLATE, context), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("participants:create")
    response["Cache-Control"] = "no-cache"
    return response


@public
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static(path), "sizes": size, "type": "image/png", "purpose": purpose}
        for path, size, purpose in (*ICONS, MASKABLE_ICON)
    ]
    body = {
        "name": _("Lindung field registration"),
        "short_name": "Lindung",
        "description": _("Register workers, also without signal."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("participants:create"),
        "scope": reverse("participants:create"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": icons,
    }
    response = JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-cache"
    return response


@staff_required
@require_GET
@never_cache
def csrf_token(request: HttpRequest) -> JsonResponse:
    """A fresh token just before the queue is sent: the page may have been cached hours
    ago, and signing in again since then rotated the token."""
    return JsonResponse({"csrfToken": get_token(request)})


def _errors(form_errors: dict[str, list[str]], form: ParticipantForm) -> JsonResponse:
    labelled = [
        {"field": name, "label": str(form.fields[name].label) if name in form.fields else "", "messages": texts}
        for name, texts in form_errors.items()
    ]
    return JsonResponse(
        {"message": _("Please correct the fields marked below."), "errors": labelled},
        status=400,
    )


@staff_required
@require_POST
def submit(request: HttpRequest) -> JsonResponse:
    """One queued entry. 201 when it registered the worker, 200 with the same body when
    the key was seen before, 400 with the reasons when it is refused (nothing is kept, so
    the corrected entry can be sent again under its key)."""
    user = _user(request)
    key = field_mode.parse_key(request.POST.get("idempotency_key"))
    if key is None:
        return JsonResponse({"message": _("The entry has no valid idempotency key."), "errors": []}, status=400)
    # Before validating: once registered, the same data would now fail the NIK check.
    answer = field_mode.earlier_answer(user, key)
    form = ParticipantForm(request.POST, request.FILES, user=user)
    if answer is None and not form.is_valid():
        # A concurrent send of this key may have registered the worker since the check
        # above, which is why the form now finds the NIK taken: that send's answer is ours.
        answer = field_mode.earlier_answer(user, key)
        if answer is None:
            return _errors({name: [str(e) for e in errors] for name, errors in form.errors.items()}, form)
    if answer is None:
        try:
            answer = field_mode.register_once(
                actor=user,
                key=key,
                register=lambda: services.participant_register(
                    actor=user,
                    data=form.domain_data(),
                    coordinator=form.cleaned_data.get("coordinator"),
                    documents=form.documents(),
                ),
            )
        except ValidationError as error:
            refused = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            return _errors({name: [str(e) for e in errors] for name, errors in refused.items()}, form)
    if request.headers.get("X-Field-Immediate") == "1":
        # The page goes on to the participant, as after the ordinary form: say it there.
        messages.success(request, answer.result["message"])
        if answer.result.get("warning"):
            messages.warning(request, answer.result["warning"])
    return JsonResponse({**answer.result, "repeated": answer.repeated}, status=200 if answer.repeated else 201)


def page_texts() -> dict[str, str]:
    """What the page script says, translated here so the script holds no language."""
    return {
        "title_waiting": _("Saved on this phone, waiting to be sent: %(count)s"),
        "nothing_waiting": _("Nothing is waiting to be sent."),
        "saved_offline": _("Saved on this phone. It will be sent when there is signal."),
        "offline": _("No signal. The entries stay on this phone and are sent when the connection returns."),
        "sending": _("Sending…"),
        "sent": _("%(name)s has been registered."),
        "signed_out": _("Your session has ended. Sign in again to send the entries; they stay on this phone."),
        "sign_in": _("Sign in"),
        "other_user": _("Saved by another account on this phone: sign in as that user to send it."),
        "server_busy": _("The server could not take the entries now. They stay on this phone; try again later."),
        "rejected": _("Not accepted:"),
        "waiting": _("Waiting to be sent"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "confirm_delete": _("Delete this entry from the phone? It has not been registered."),
        "editing": _("You are correcting an entry saved on this phone. Register sends it again."),
        "storage_failed": _("This phone could not save the entry. Nothing was sent; the form is unchanged."),
    }
