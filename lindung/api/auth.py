"""Token sign-in for API clients. It is a sign-in like the login page: django-axes counts
the failures and locks the same username + address pair, and a success is logged and
clears the failures."""

from typing import Any

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.accounts.models import User
from lindung.core.permissions import Door

from .serializers import TokenResponseSerializer
from .services import token_issue


class LockedOut(exceptions.APIException):
    status_code = axes_settings.AXES_HTTP_RESPONSE_CODE
    default_detail = _(
        "Too many failed sign-in attempts: this account is locked for now. "
        "Try again later or ask an administrator to unlock it."
    )
    default_code = "locked_out"

    def __init__(self, wait: float | None = None) -> None:
        super().__init__()
        # DRF's exception handler turns ``wait`` into a Retry-After header.
        self.wait = wait


class TokenRequestSerializer(AuthTokenSerializer):
    regenerate = serializers.BooleanField(
        required=False, default=False, write_only=True, help_text=_("Replace the current token with a new one.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request = self.context["request"]
        # The request must reach authenticate(): axes' backend refuses to judge without it.
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        if user is None:
            # Set by axes on this request when the pair is (or has just become) locked.
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                raise LockedOut(wait=cool_off.total_seconds() if cool_off else None)
            raise serializers.ValidationError(_("The username or password is wrong."), code="authorization")
        attrs["user"] = user
        return attrs


class TokenObtainView(APIView):
    """Like DRF's ``obtain_auth_token`` (whose serializer this reuses), plus the lockout
    answer, token regeneration and a sign-in record."""

    access_door = Door.PUBLIC
    permission_classes = (AllowAny,)
    # Credentials are the only proof here: a stale Authorization header must not turn
    # a sign-in into a 401.
    authentication_classes = ()
    serializer_class = TokenRequestSerializer

    @extend_schema(
        operation_id="auth_token_obtain",
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Locked after too many failures; see Retry-After."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user: User = serializer.validated_data["user"]
        token = token_issue(user=user, regenerate=serializer.validated_data["regenerate"])
        # What login() announces: axes logs the sign-in (audit trail) and clears the failures.
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(TokenResponseSerializer({"token": token.key}).data)
