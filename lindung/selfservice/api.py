"""The participant's own record over REST (issue 11, item 8), for a mobile app: sign in
with NIK + birth date + a one-time code, get a short-lived token, read the record.

Separate from the staff API on purpose: its own token (``Authorization: Bearer <key>``,
a ParticipantSession row of kind "api", revocable with DELETE), and no endpoint takes a
participant id: "me" is the token, every read goes through core.access with the
participant principal (selectors.py), so another participant's record has no address."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.cards.pdf import card_context, render_card_pdf
from lindung.core import access
from lindung.core.permissions import Door
from lindung.core.ratelimit import client_address

from . import corrections, selectors, signin
from .models import CorrectableField, ParticipantSession, SessionKind
from .principal import ParticipantUser

KEYWORD = "Bearer"


class ParticipantTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[ParticipantUser, ParticipantSession] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        session = signin.session_for_key(parts[1].decode("latin-1"), SessionKind.API)
        if session is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has expired. Sign in again."))
        return ParticipantUser(participant_id=session.participant_id, session_id=session.pk), session

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="participant"'


class ParticipantTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lindung.selfservice.api.ParticipantTokenAuthentication"
    name = "participantToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "From POST /api/me/token/ (one-time code)."}


class IsParticipant(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return access.principal_of(request.user).kind == access.Kind.PARTICIPANT


UNAUTHORIZED = OpenApiResponse(description="No participant token, or it expired or was revoked.")
THROTTLED = OpenApiResponse(description="Too many tries; see Retry-After.")


class Throttled(exceptions.APIException):
    status_code = 429
    default_code = "throttled"

    def __init__(self, error: signin.Throttled) -> None:
        super().__init__(error.message)
        self.wait = error.wait


class OwnView(APIView):
    access_door = Door.PARTICIPANT
    authentication_classes = (ParticipantTokenAuthentication,)
    permission_classes = (IsParticipant,)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personal data: no shared or browser cache keeps it.
        response["Cache-Control"] = "private, no-store"
        return response


# --- Sign-in ------------------------------------------------------------------------


class OwnCodeRequestSerializer(serializers.Serializer[Any]):
    nik = serializers.CharField(max_length=20)
    birth_date = serializers.DateField()


class OwnTokenRequestSerializer(OwnCodeRequestSerializer):
    code = serializers.CharField(max_length=10)


class OwnDetailSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class OwnTokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CodeRequestView(APIView):
    access_door = Door.PUBLIC
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="me_code_request",
        summary="Ask for a one-time sign-in code",
        description="Always answers 202 with the same text, whether or not the NIK and birth date match a "
        "participant (nothing is revealed); the code goes by WhatsApp, or SMS, to the phone on record.",
        request=OwnCodeRequestSerializer,
        responses={202: OwnDetailSerializer, 400: OpenApiResponse(description="Field errors."), 429: THROTTLED},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = OwnCodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            signin.code_request(address=client_address(request), **serializer.validated_data)
        except signin.Throttled as exc:
            raise Throttled(exc) from exc
        detail = _("If the details match a participant with a mobile number, a code was sent.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class TokenView(APIView):
    access_door = Door.PUBLIC
    authentication_classes = (ParticipantTokenAuthentication,)
    permission_classes = (AllowAny,)

    @extend_schema(
        operation_id="me_token_obtain",
        summary="Exchange the one-time code for a token",
        request=OwnTokenRequestSerializer,
        responses={
            200: OwnTokenSerializer,
            400: OpenApiResponse(description="Wrong or expired code (the same answer for an unknown NIK)."),
            429: THROTTLED,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = OwnTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            participant = signin.code_verify(address=client_address(request), **serializer.validated_data)
        except signin.Throttled as exc:
            raise Throttled(exc) from exc
        except ValidationError as exc:
            raise serializers.ValidationError({"code": exc.messages}) from exc
        opened = signin.session_open(participant=participant, kind=SessionKind.API)
        return Response(OwnTokenSerializer({"token": opened.key, "expires_at": opened.session.expires_at}).data)

    @extend_schema(
        operation_id="me_token_revoke",
        summary="Sign out: the token stops working at once",
        request=None,
        responses={204: None, 401: UNAUTHORIZED},
    )
    def delete(self, request: Request) -> Response:
        user = request.user
        if not isinstance(user, ParticipantUser):
            raise exceptions.NotAuthenticated
        signin.session_revoke(selectors.own_session(user, user.session_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The record ---------------------------------------------------------------------


class OwnPersonSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


class OwnRecordSerializer(serializers.Serializer[Any]):
    full_name = serializers.CharField()
    masked_nik = serializers.CharField()
    membership_number = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    programs = serializers.ListField(child=serializers.CharField())
    monthly_contribution = serializers.IntegerField(allow_null=True, help_text="Rupiah per month; null: no income.")
    owed = serializers.IntegerField(help_text="Rupiah open today, all bills.")
    late_months = serializers.IntegerField()
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    address = serializers.CharField()
    occupation = serializers.CharField(allow_blank=True)
    coordinator = OwnPersonSerializer(allow_null=True)
    card_url = serializers.CharField(allow_null=True)


class MeView(OwnView):
    @extend_schema(
        operation_id="me_retrieve", summary="My record", responses={200: OwnRecordSerializer, 401: UNAUTHORIZED}
    )
    def get(self, request: Request) -> Response:
        overview = selectors.own_overview(request.user)
        p = overview.participant
        coordinator = p.coordinator
        data = {
            "full_name": p.full_name,
            "masked_nik": p.masked_nik,
            "membership_number": p.membership_number,
            "status": p.status,
            "status_label": p.get_status_display(),
            "programs": overview.enrolment.programs,
            "monthly_contribution": overview.monthly.total if overview.monthly else None,
            "owed": overview.standing.owed,
            "late_months": overview.standing.late_months,
            "phone": p.phone,
            "email": p.email,
            "address": p.address,
            "occupation": p.occupation,
            "coordinator": {"name": str(coordinator), "phone": coordinator.phone} if coordinator else None,
            "card_url": request.build_absolute_uri(reverse("api:me:card")) if overview.has_card else None,
        }
        return Response(OwnRecordSerializer(data).data)


class OwnBillSerializer(serializers.Serializer[Any]):
    month = serializers.DateField()
    amount = serializers.IntegerField()
    paid_amount = serializers.IntegerField()
    due_date = serializers.DateField()
    settled_on = serializers.DateField(allow_null=True)


class OwnPaymentSerializer(serializers.Serializer[Any]):
    paid_on = serializers.DateField()
    amount = serializers.IntegerField()
    method = serializers.CharField(source="method.name")
    receipt_number = serializers.CharField()


class OwnClaimSerializer(serializers.Serializer[Any]):
    program = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()


class OwnMessageSerializer(serializers.Serializer[Any]):
    created_at = serializers.DateTimeField()
    channel = serializers.CharField()
    status = serializers.CharField()
    text = serializers.SerializerMethodField()

    def get_text(self, row: Any) -> str:
        return str(row.body or " · ".join(str(p) for p in row.params))


class OwnCorrectionSerializer(serializers.Serializer[Any]):
    field = serializers.ChoiceField(choices=CorrectableField.choices)
    new_value = serializers.CharField(max_length=500)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    old_value = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class BillsView(OwnView):
    @extend_schema(
        operation_id="me_bills",
        summary="My bills, newest first (24)",
        responses={200: OwnBillSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(OwnBillSerializer(selectors.own_bills(request.user), many=True).data)


class PaymentsView(OwnView):
    @extend_schema(
        operation_id="me_payments",
        summary="My payments, newest first (24)",
        responses={200: OwnPaymentSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(OwnPaymentSerializer(selectors.own_payments(request.user), many=True).data)


class ClaimsView(OwnView):
    @extend_schema(
        operation_id="me_claims",
        summary="My claims and their status",
        responses={200: OwnClaimSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(OwnClaimSerializer(selectors.own_claims(request.user), many=True).data)


class MessagesView(OwnView):
    @extend_schema(
        operation_id="me_messages",
        summary="Messages sent to me",
        responses={200: OwnMessageSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(OwnMessageSerializer(selectors.own_messages(request.user), many=True).data)


class CorrectionsView(OwnView):
    @extend_schema(
        operation_id="me_corrections",
        summary="My correction requests",
        responses={200: OwnCorrectionSerializer(many=True), 401: UNAUTHORIZED},
    )
    def get(self, request: Request) -> Response:
        return Response(OwnCorrectionSerializer(selectors.own_corrections(request.user), many=True).data)

    @extend_schema(
        operation_id="me_correction_create",
        summary="Ask my coordinator to correct a detail",
        request=OwnCorrectionSerializer,
        responses={201: OwnCorrectionSerializer, 400: OpenApiResponse(description="Field errors."), 401: UNAUTHORIZED},
    )
    def post(self, request: Request) -> Response:
        serializer = OwnCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, ParticipantUser)
        try:
            row = corrections.correction_request(actor=user, **serializer.validated_data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(OwnCorrectionSerializer(row).data, status=status.HTTP_201_CREATED)


class CardView(OwnView):
    @extend_schema(
        operation_id="me_card",
        summary="My membership card (PDF)",
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The card."),
            401: UNAUTHORIZED,
            404: OpenApiResponse(description="No card issued yet."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        live = selectors.own_live_card(request.user)
        if live is None:
            raise exceptions.NotFound(_("No card has been issued yet. Your coordinator can issue it."))
        participant = selectors.own_participant(request.user)
        verify_url = request.build_absolute_uri(reverse("cards:verify", args=[live.token]))
        pdf = render_card_pdf(card_context(participant=participant, card=live, verify_url=verify_url))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Cache-Control"] = "private, no-store"
        return response
