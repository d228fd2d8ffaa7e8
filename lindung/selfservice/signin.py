"""Participant sign-in (SELF-2): NIK + birth date, then a one-time code sent to the
phone on record. Answers never say whether a NIK exists: an unknown NIK, a wrong birth
date and a participant without a phone all get the same "if the details match, a code
was sent", and later the same "the code is wrong or has expired". Tries count per NIK
and per address (throttle.py); too many wrong codes lock sign-in for a while.

Sessions (browser or API token) are rows holding a hash of a random key, short-lived
and revocable; the key itself lives only in the participant's cookie or app."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.participants.models import Participant, Status
from lindung.participants.nik import clean_nik

from . import throttle
from .limits import limit
from .models import ParticipantSession, SessionKind, SignInCode
from .sending import Text, send_text, show_in_development

# Who may sign in: a registration still being prepared (draft) or a deceased
# participant's record is not opened to whoever holds the phone.
SIGN_IN_STATUSES = (Status.SUBMITTED, Status.ACTIVE, Status.NON_ACTIVE, Status.EXITED)
CODE_DIGITS = 6


class Throttled(Exception):
    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait

    @property
    def message(self) -> str:
        minutes = max(1, (self.wait + 59) // 60)
        return _("Too many tries. Wait %(minutes)s minutes and try again.") % {"minutes": minutes}


def _hash(secret: str, purpose: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{purpose}:{secret}".encode(), hashlib.sha256).hexdigest()


def _participant(nik: str, birth_date: datetime.date) -> Participant | None:
    return (
        Participant.objects.filter(nik=nik, birth_date=birth_date, status__in=SIGN_IN_STATUSES)
        .only("pk", "phone", "full_name")
        .first()
    )


def _check_lock(nik: str, address: str) -> None:
    wait = max(throttle.locked_for(f"nik:{throttle.nik_key(nik)}"), throttle.locked_for(f"ip:{address}"))
    if wait:
        raise Throttled(wait)


def code_request(*, nik: str, birth_date: datetime.date, address: str) -> None:
    """Send a code if the details match a participant with a phone; the same silence
    otherwise. Raises Throttled when this NIK or address asked too often."""
    nik = clean_nik(nik)
    _check_lock(nik, address)
    window = limit("CODE_WINDOW_SECONDS")
    per_nik = throttle.hit(f"codes:nik:{throttle.nik_key(nik)}", window)
    per_address = throttle.hit(f"codes:ip:{address}", window)
    if per_nik > limit("CODES_PER_NIK") or per_address > limit("CODES_PER_ADDRESS"):
        raise Throttled(window)
    participant = _participant(nik, birth_date)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    if participant is None or not participant.phone:
        return
    with transaction.atomic():
        # A new code replaces any earlier one still waiting.
        SignInCode.objects.filter(participant=participant, used_at__isnull=True).update(used_at=timezone.now())
        row = SignInCode.objects.create(
            participant=participant,
            code_hash=_hash(code, "code"),
            expires_at=timezone.now() + datetime.timedelta(seconds=limit("CODE_SECONDS")),
        )
    minutes = limit("CODE_SECONDS") // 60
    body = _("Your Lindung sign-in code is %(code)s. It is valid for %(minutes)s minutes. Never share it.") % {
        "code": code,
        "minutes": minutes,
    }
    channel = send_text(participant.phone, Text("lindung_sign_in_code", (code,), body))
    SignInCode.objects.filter(pk=row.pk).update(channel=channel)
    show_in_development(f"sign-in code for participant {participant.pk}", code)


def _fail(nik: str, address: str) -> None:
    window = limit("LOCKOUT_SECONDS")
    if throttle.hit(f"fail:nik:{throttle.nik_key(nik)}", window) >= limit("FAILURES_PER_NIK"):
        throttle.lock(f"nik:{throttle.nik_key(nik)}", window)
    if throttle.hit(f"fail:ip:{address}", window) >= limit("FAILURES_PER_ADDRESS"):
        throttle.lock(f"ip:{address}", window)


WRONG_CODE = "The code is wrong or has expired. Ask for a new code."


def code_verify(*, nik: str, birth_date: datetime.date, code: str, address: str) -> Participant:
    """The participant whose latest code this is; ValidationError otherwise (the same
    one whether the NIK exists or not), Throttled when sign-in is locked."""
    nik = clean_nik(nik)
    _check_lock(nik, address)
    code = "".join(ch for ch in code if ch.isdigit())
    participant = _participant(nik, birth_date)
    now = timezone.now()
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update()
            .filter(participant=participant, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-id")
            .first()
            if participant is not None
            else None
        )
        if row is not None and hmac.compare_digest(row.code_hash, _hash(code, "code")):
            row.used_at = now
            row.save(update_fields=["used_at"])
            assert participant is not None
            return participant
        if row is not None:
            row.wrong_tries += 1
            if row.wrong_tries >= limit("CODE_WRONG_TRIES"):
                row.used_at = now  # void: the next try needs a new code
            row.save(update_fields=["wrong_tries", "used_at"])
    _fail(nik, address)
    raise ValidationError(_(WRONG_CODE), code="wrong_code")


@dataclass(frozen=True)
class OpenedSession:
    key: str
    session: ParticipantSession


def session_open(*, participant: Participant, kind: str) -> OpenedSession:
    key = secrets.token_urlsafe(32)
    seconds = limit("WEB_IDLE_SECONDS") if kind == SessionKind.WEB else limit("API_TOKEN_SECONDS")
    now = timezone.now()
    session = ParticipantSession.objects.create(
        participant=participant,
        kind=kind,
        key_hash=_hash(key, "session"),
        expires_at=now + datetime.timedelta(seconds=seconds),
        last_seen_at=now,
    )
    return OpenedSession(key, session)


def session_for_key(key: str, kind: str) -> ParticipantSession | None:
    """The live session of this key; a browser session's idle timeout moves on (at most
    one write a minute), never past its absolute end."""
    if not key or len(key) > 100:
        return None
    now = timezone.now()
    session = (
        ParticipantSession.objects.filter(
            key_hash=_hash(key, "session"), kind=kind, revoked_at__isnull=True, expires_at__gt=now
        )
        .select_related("participant")
        .only("pk", "participant_id", "kind", "created_at", "expires_at", "last_seen_at", "participant__status")
        .first()
    )
    if session is None or session.participant.status not in SIGN_IN_STATUSES:
        return None
    if kind == SessionKind.WEB and (session.last_seen_at is None or (now - session.last_seen_at).total_seconds() >= 60):
        hard_end = session.created_at + datetime.timedelta(seconds=limit("WEB_MAX_SECONDS"))
        session.expires_at = min(hard_end, now + datetime.timedelta(seconds=limit("WEB_IDLE_SECONDS")))
        session.last_seen_at = now
        ParticipantSession.objects.filter(pk=session.pk).update(expires_at=session.expires_at, last_seen_at=now)
    return session


def session_revoke(session: ParticipantSession) -> None:
    ParticipantSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
