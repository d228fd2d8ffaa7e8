"""Participants over REST. Same selectors (scope, filters, search) and same services
(validation, history) as the UI views; nothing here decides who sees what."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.accounts.models import User
from lindung.core.permissions import Door
from lindung.core.tables import search_page_ids
from lindung.participants import selectors, services

from .errors import service_errors
from .pagination import CountedPagination
from .permissions import IsAdminOrCoordinator
from .serializers import (
    ParticipantListSerializer,
    ParticipantQuerySerializer,
    ParticipantSerializer,
    ParticipantWriteSerializer,
    order_by_columns,
)

NOT_FOUND = OpenApiResponse(description="No such participant, or not one of yours.")
INVALID = OpenApiResponse(description="Field errors, keyed by field name.")


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated ran first
    return user


@extend_schema_view(
    list=extend_schema(
        summary="Search and filter participants",
        description="A coordinator's own participants, or every participant for an administrator; "
        "the same search and filters as the list page.",
        parameters=[ParticipantQuerySerializer],
    ),
    retrieve=extend_schema(summary="One participant", responses={200: ParticipantSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Register a participant",
        description="Checked like the registration form (NIK, phone, village, duplicates). "
        "A coordinator always becomes the participant's coordinator.",
        request=ParticipantWriteSerializer,
        responses={201: ParticipantSerializer, 400: INVALID},
    ),
    update=extend_schema(
        summary="Replace a participant's editable fields",
        request=ParticipantWriteSerializer,
        responses={200: ParticipantSerializer, 400: INVALID, 404: NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a participant",
        request=ParticipantWriteSerializer,
        responses={200: ParticipantSerializer, 400: INVALID, 404: NOT_FOUND},
    ),
)
class ParticipantViewSet(viewsets.GenericViewSet):
    # No destroy action: deleting stays a UI decision for now, so DELETE answers 405.
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    # JSON only: the browsable API's pages need inline scripts, which our CSP forbids.
    serializer_class = ParticipantSerializer
    lookup_value_converter = "int"
    pagination_class = CountedPagination
    paginator: CountedPagination

    def get_queryset(self) -> Any:
        return selectors.participants_visible_to(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return ParticipantListSerializer
        if self.action in ("create", "update", "partial_update"):
            return ParticipantWriteSerializer
        return ParticipantSerializer

    def _read(self, user: User, pk: int) -> dict[str, Any]:
        # Fetched again through the scoped selector: what the caller may see, with the
        # joins the representation needs and any flag the service set meanwhile.
        return ParticipantSerializer(selectors.participant_get_for_user(user, pk)).data

    def list(self, request: Request) -> Response:
        params = ParticipantQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        scoped = selectors.participants_filter(self.get_queryset(), filters)
        q = (filters.get("q") or "").strip()
        queryset = selectors.participants_search(scoped, q) if q else scoped
        ordering = filters["ordering"]
        queryset = selectors.participant_list_rows(queryset).order_by(*order_by_columns(ordering))
        if not selectors.searches_by_trigram(q):
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(ParticipantListSerializer(page, many=True).data)
        # A name search is counted and paged as the list page does: from its matches, and
        # sorted by name from the names that begin with it when more than COUNT_CAP do
        # (the answer says so).
        prefix = selectors.participants_name_prefix(scoped, q)
        row_count = selectors.participants_count(
            queryset, matches_first=True, subset=selectors.participants_search_subset(scoped, q)
        )
        # More matches than counted are ordered by name only (selectors.SORTS_OVER_CAP);
        # the answer names the ordering it did not apply (``ordering_refused``).
        refused = row_count.at_least and ordering.lstrip("-") != "full_name"
        if refused:
            queryset = queryset.order_by(*order_by_columns("full_name"))
            ordering = "full_name"

        def name_window(offset: int, limit: int) -> tuple[list[int], int] | None:
            if prefix is None or ordering.lstrip("-") != "full_name":
                return None
            return selectors.participants_name_window(
                prefix, descending=ordering.startswith("-"), offset=offset, limit=limit
            )

        rows = self.paginator.paginate_counted(
            queryset,
            request,
            row_count=row_count,
            ordering_refused=filters["ordering"] if refused else None,
            depth=selectors.PAGED_OVER_CAP,
            rows_from=selectors.participant_list_rows(scoped),
            page_ids=lambda offset, limit: search_page_ids(
                queryset,
                row_count=row_count,
                offset=offset,
                limit=limit,
                matches_first_below=selectors.MATCHES_FIRST_BELOW,
                capped_window=name_window,
            ),
        )
        return self.get_paginated_response(ParticipantListSerializer(rows, many=True).data)

    def retrieve(self, request: Request, pk: int) -> Response:
        return Response(self._read(_user(request), pk))

    def create(self, request: Request) -> Response:
        user = _user(request)
        serializer = ParticipantWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # Only an admin's serializer has the field; the service also forces a coordinator to themselves.
        coordinator = data.pop("coordinator", None)
        data.pop("reason", None)  # a new registration has no status change to explain
        with service_errors():
            result = services.participant_register(actor=user, data=data, coordinator=coordinator)
        pk = result.participant.pk
        location = reverse("api:participant-detail", args=[pk])
        return Response(self._read(user, pk), status=status.HTTP_201_CREATED, headers={"Location": location})

    def update(self, request: Request, pk: int, partial: bool = False) -> Response:
        user = _user(request)
        participant = selectors.participant_get_for_user(user, pk)
        serializer = ParticipantWriteSerializer(
            participant, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coordinator = data.pop("coordinator", None)
        data_reason = data.pop("reason", "")
        # One transaction: a refused reassignment must not leave the field changes behind.
        with transaction.atomic(), service_errors():
            services.participant_update(
                actor=user,
                participant=participant,
                data=data,
                reason=data_reason or _("changed through the API"),
                coordinator=coordinator,
            )
        return Response(self._read(user, participant.pk))

    def partial_update(self, request: Request, pk: int) -> Response:
        return self.update(request, pk, partial=True)
