"""Bills and payments over REST (OPS-5). The same selectors (payments_visible_to,
payment_get_for_user, participant_get_for_user) and services (payment_record,
payment_reverse) as the pages: nothing here decides who sees or may record what.

POST /api/payments/ needs a client-chosen ``idempotency_key``: it becomes the payment's
submission key, so a request retried after a lost answer returns the payment already
recorded (200, same body) instead of recording it again (201 the first time)."""

from typing import Any

from django.core.validators import RegexValidator
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse as url_reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.accounts.models import Role, User
from lindung.billing.models import Bill, BillLine, CollectionAccount, Payment, PaymentMethod
from lindung.billing.payments import services as billing_payments
from lindung.billing.selectors import (
    bills_visible_to,
    collection_accounts_visible_to,
    payment_get_for_user,
    payments_search,
    payments_visible_to,
)
from lindung.core import access
from lindung.core.permissions import Door
from lindung.participants import selectors as participant_selectors
from lindung.participants.models import Participant

from .errors import service_errors
from .fields import IdField
from .permissions import IsAdminOrCoordinator

NOT_FOUND = OpenApiResponse(description="No such participant or payment, or not one of yours.")
INVALID = OpenApiResponse(description="Field errors, keyed by field name.")
FORBIDDEN = OpenApiResponse(description="Your role may not do this (e.g. a coordinator reversing a payment).")
IDEMPOTENCY_PREFIX = "api-"


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated ran first
    return user


# -- representations ----------------------------------------------------------------------


class BillLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BillLine
        fields = ["program", "basis", "rate", "flat_amount", "employer_share", "worker_share", "amount", "legal_basis"]
        read_only_fields = fields


class BillSerializer(serializers.ModelSerializer):
    # Plain text rather than an enum: "status" enums of other resources would collide by name.
    status = serializers.CharField(read_only=True, help_text="unpaid, partial, paid or late, on today's date.")
    outstanding = serializers.IntegerField(read_only=True)
    lines = BillLineSerializer(many=True, read_only=True)

    class Meta:
        model = Bill
        fields = [
            "id",
            "month",
            "category",
            "income_basis",
            "amount",
            "employer_amount",
            "worker_amount",
            "paid_amount",
            "outstanding",
            "due_date",
            "settled_on",
            "status",
            "lines",
        ]
        read_only_fields = fields


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj: Any) -> str:
        return str(obj)


class ParticipantRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    nik = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class PaymentSerializer(serializers.ModelSerializer):
    participant = ParticipantRefSerializer(read_only=True)
    method = RefSerializer(read_only=True)
    collected_by = RefSerializer(read_only=True, allow_null=True)
    collection_account = RefSerializer(read_only=True, allow_null=True)
    months_covered = serializers.IntegerField(read_only=True, help_text="Bills the payment went to.")
    reversed = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "receipt_number",
            "participant",
            "amount",
            "paid_on",
            "method",
            "reference",
            "collected_by",
            "collection_account",
            "prepaid_months",
            "months_covered",
            "note",
            "reversal_of",
            "reversed",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_reversed(self, payment: Payment) -> bool:
        return bool(getattr(payment, "reversed_count", 0))


class PaymentQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, help_text="Paid on or after.")
    date_to = serializers.DateField(required=False, help_text="Paid on or before.")
    method = IdField()
    collected_by = IdField()
    participant = IdField()
    coordinator = IdField(help_text="Administrators only; ignored for a coordinator.")
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Receipt number or reference (exact), NIK or its first digits (4 or more), or part of the name.",
    )


class PaymentWriteSerializer(serializers.Serializer):
    idempotency_key = serializers.RegexField(
        r"^[A-Za-z0-9._:-]{8,60}$",
        help_text="Chosen by the client, one per payment (e.g. a UUID); sending it again returns the same payment.",
    )
    participant = serializers.PrimaryKeyRelatedField(queryset=Participant.objects.none())
    amount = serializers.IntegerField(min_value=1)
    paid_on = serializers.DateField()
    method = serializers.PrimaryKeyRelatedField(queryset=PaymentMethod.objects.all())
    reference = serializers.CharField(required=False, allow_blank=True, max_length=80, default="")
    collection_account = serializers.PrimaryKeyRelatedField(
        queryset=CollectionAccount.objects.none(), required=False, allow_null=True, default=None
    )
    collected_by = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COORDINATOR, is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Administrators only; a coordinator is always the collector.",
    )
    prepaid_months = serializers.IntegerField(required=False, min_value=0, max_value=120, default=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # the schema generator describes the fields without a request
            return
        user = request.user
        # Someone else's participant reads exactly like one that does not exist.
        self.fields["participant"].queryset = participant_selectors.participants_visible_to(user)  # type: ignore[attr-defined]
        self.fields["collection_account"].queryset = collection_accounts_visible_to(user)  # type: ignore[attr-defined]


class ReverseSerializer(serializers.Serializer):
    # The pattern tells the schema what the service requires: some text besides spaces.
    reason = serializers.CharField(
        min_length=1,
        max_length=200,
        validators=[RegexValidator(r"\S")],
        error_messages={"blank": gettext_lazy("Say why the payment is reversed.")},
    )


# -- reads ----------------------------------------------------------------------------------


def _payment_rows(queryset: QuerySet[Payment]) -> QuerySet[Payment]:
    return queryset.select_related("participant", "method", "collected_by", "collection_account").annotate(
        months_covered=Count("allocations", distinct=True), reversed_count=Count("reversed_by", distinct=True)
    )


def _payment_filter(user: User, queryset: QuerySet[Payment], params: dict[str, Any]) -> QuerySet[Payment]:
    simple = {
        "date_from": "paid_on__gte",
        "date_to": "paid_on__lte",
        "method": "method_id",
        "collected_by": "collected_by_id",
        "participant": "participant_id",
    }
    for name, lookup in simple.items():
        if params.get(name) is not None:
            queryset = queryset.filter(**{lookup: params[name]})
    if params.get("coordinator") and user.is_admin:
        queryset = queryset.filter(participant__coordinator_id=params["coordinator"])
    q = (params.get("q") or "").strip()
    if q:
        queryset = payments_search(queryset, q)
    return queryset


@extend_schema(
    summary="A participant's bills",
    description="Open and paid bills, newest month first, each with its lines per program.",
    responses={200: BillSerializer(many=True), 404: NOT_FOUND},
)
class ParticipantBillsView(generics.ListAPIView):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    serializer_class = BillSerializer

    def get_queryset(self) -> QuerySet[Bill]:
        if getattr(self, "swagger_fake_view", False):
            return Bill.objects.none()
        participant = participant_selectors.participant_get_for_user(self.request.user, self.kwargs["pk"])
        return (
            bills_visible_to(self.request.user)
            .filter(participant=participant)
            .prefetch_related(Prefetch("lines", queryset=BillLine.objects.order_by("id")))
            .order_by("-month")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Search and filter payments",
        description="Payments of a coordinator's own participants, or all for an administrator. "
        "Reversals are payments with a negative amount pointing at the payment they cancel.",
        parameters=[PaymentQuerySerializer],
    ),
    retrieve=extend_schema(summary="One payment", responses={200: PaymentSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Record a payment",
        description="Allocated to the oldest open bills, with a numbered receipt. Idempotent by idempotency_key: "
        "201 when recorded, 200 with the same body when the key was already used.",
        request=PaymentWriteSerializer,
        responses={201: PaymentSerializer, 200: PaymentSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
    reverse=extend_schema(
        summary="Reverse a payment (administrators)",
        description="Records a reversing payment with the negative amount and reopens the bills it paid.",
        request=ReverseSerializer,
        responses={201: PaymentSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class PaymentViewSet(viewsets.GenericViewSet):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    serializer_class = PaymentSerializer
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Payment]:
        return payments_visible_to(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return PaymentWriteSerializer
        if self.action == "reverse":
            return ReverseSerializer
        return PaymentSerializer

    def _read(self, user: User, pk: int) -> dict[str, Any]:
        payment = payment_get_for_user(user, pk)  # 404 for others' payments
        return PaymentSerializer(_payment_rows(Payment.objects.filter(pk=payment.pk)).get()).data

    def list(self, request: Request) -> Response:
        params = PaymentQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = _user(request)
        queryset = _payment_rows(_payment_filter(user, self.get_queryset(), params.validated_data))
        page = self.paginate_queryset(queryset.order_by("-paid_on", "-id"))
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(self._read(_user(request), pk))

    def create(self, request: Request) -> Response:
        user = _user(request)
        serializer = PaymentWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        key = IDEMPOTENCY_PREFIX + data.pop("idempotency_key")
        participant = data.pop("participant")
        replay = Payment.objects.filter(submission_key=key).exists()
        with service_errors():
            payment = billing_payments.payment_record(
                actor=user, participant=participant, data=billing_payments.PaymentInput(**data), submission_key=key
            )
        if replay:
            return Response(self._read(user, payment.pk), status=status.HTTP_200_OK)
        location = url_reverse("api:payment-detail", args=[payment.pk])
        return Response(self._read(user, payment.pk), status=status.HTTP_201_CREATED, headers={"Location": location})

    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: int) -> Response:
        user = _user(request)
        payment = payment_get_for_user(user, pk)  # 404 first: a coordinator B never learns it exists
        access.require(access.principal_of(user), payment, "reverse", _("Only administrators can reverse a payment."))
        serializer = ReverseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            reversal = billing_payments.payment_reverse(
                actor=user, payment=payment, reason=serializer.validated_data["reason"]
            )
        location = url_reverse("api:payment-detail", args=[reversal.pk])
        return Response(self._read(user, reversal.pk), status=status.HTTP_201_CREATED, headers={"Location": location})
