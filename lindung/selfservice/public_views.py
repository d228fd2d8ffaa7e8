"""Public pages: self-registration (SELF-1) with its live checks, and participant
sign-in by one-time code (SELF-2). All work without JavaScript; htmx only makes the NIK
check, the village list and the contribution appear while typing."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import public
from lindung.core.ratelimit import client_address
from lindung.participants.models import Sex
from lindung.participants.nik import clean_nik, validate_nik

from . import registration, signin
from .doors import COOKIE_NAME, COOKIE_PATH, participant_of, set_session_cookie
from .forms import CodeForm, RegistrationForm, SignInForm, village_label, village_matches
from .models import SessionKind

PENDING_KEY = "selfservice_pending_sign_in"


def _preview(data: Any) -> Any:
    """The contribution for what was typed so far, or None (the fragment says why)."""
    try:
        income = int(str(data.get("declared_income", "")).replace(".", "").strip())
    except ValueError:
        return None
    try:
        return registration.contribution_preview(income=income, programs=data.getlist("programs"))
    except ValidationError as exc:
        return exc


@public
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = RegistrationForm(request.POST or None, request.FILES or None, on=today)
    status = 200
    if request.method == "POST":
        if request.POST.get("website"):
            # A bot filled the hidden field: answer as if it worked, store nothing.
            return redirect("selfservice:registered")
        if form.is_valid():
            try:
                outcome = registration.registration_submit(
                    data=form.registration_data(),
                    photo=form.cleaned_data["ktp_photo"],
                    address=client_address(request),
                )
            except signin.Throttled as exc:
                form.add_error(None, exc.message)
                status = 429
            except ValidationError as exc:
                show_service_errors(form, exc)
            else:
                if outcome == registration.Submitted.CREATED:
                    return redirect("selfservice:registered")
                return render(request, "selfservice/register_known.html", {"outcome": outcome.value})
        status = 429 if status == 429 else 400
    context = {"form": form, "preview": _preview(request.POST) if request.method == "POST" else None}
    return render(request, "selfservice/register.html", context, status=status)


@public
@require_GET
def registered(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/registered.html")


@public
@require_GET
def nik_check(request: HttpRequest) -> HttpResponse:
    """The NIK against the birth date and sex typed with it: a format check that reads no
    record, so it tells nothing about who is registered."""
    nik = clean_nik(request.GET.get("nik", ""))
    message, ok = "", False
    if len(nik) >= 16:
        try:
            birth = datetime.date.fromisoformat(request.GET.get("birth_date", ""))
        except ValueError:
            birth = None
        sex = request.GET.get("sex") if request.GET.get("sex") in Sex.values else None
        try:
            validate_nik(nik, birth_date=birth, sex=sex)
            ok = True
            message = _("The NIK matches the date of birth and sex.") if birth and sex else _("The NIK looks right.")
        except ValidationError as exc:
            message = " ".join(exc.messages)
    return render(request, "selfservice/_nik_check.html", {"message": message, "ok": ok})


@public
@require_GET
def village_options(request: HttpRequest) -> HttpResponse:
    matches = village_matches(request.GET.get("village_query", ""))
    options = [(v.code, village_label(v)) for v in matches]
    return render(request, "selfservice/_village_options.html", {"options": options})


@public
@require_GET
def contribution(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/_contribution.html", {"preview": _preview(request.GET)})


# --- Sign-in ------------------------------------------------------------------------


@public
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if participant_of(request) is not None:
        return redirect("selfservice:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        nik = clean_nik(form.cleaned_data["nik"])
        birth_date = form.cleaned_data["birth_date"]
        try:
            signin.code_request(nik=nik, birth_date=birth_date, address=client_address(request))
        except signin.Throttled as exc:
            form.add_error(None, exc.message)
            return render(request, "selfservice/sign_in.html", {"form": form}, status=429)
        request.session[PENDING_KEY] = {"nik": nik, "birth_date": birth_date.isoformat()}
        return redirect(_with_next(reverse("selfservice:sign_in_code"), request))
    return render(request, "selfservice/sign_in.html", {"form": form}, status=400 if form.errors else 200)


def _with_next(url: str, request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    return f"{url}?next={target}" if target.startswith("/saya/") else url


def _next_page(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    ok = target.startswith("/saya/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if ok else reverse("selfservice:home")


@public
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("selfservice:sign_in")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            participant = signin.code_verify(
                nik=pending["nik"],
                birth_date=datetime.date.fromisoformat(pending["birth_date"]),
                code=form.cleaned_data["code"],
                address=client_address(request),
            )
        except signin.Throttled as exc:
            form.add_error(None, exc.message)
            status = 429
        except ValidationError as exc:
            show_service_errors(form, exc)
        else:
            del request.session[PENDING_KEY]
            opened = signin.session_open(participant=participant, kind=SessionKind.WEB)
            response = HttpResponseRedirect(_next_page(request))
            set_session_cookie(response, opened.key, secure=request.is_secure() or settings.SESSION_COOKIE_SECURE)
            return response
    if form.errors and status == 200:
        status = 400
    return render(request, "selfservice/sign_in_code.html", {"form": form}, status=status)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    key = request.COOKIES.get(COOKIE_NAME, "")
    session = signin.session_for_key(key, SessionKind.WEB)
    if session is not None:
        signin.session_revoke(session)
    response = redirect("selfservice:sign_in")
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)
    return response
