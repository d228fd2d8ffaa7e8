"""Reminder templates, segments (with their count) and campaigns (with progress, launch,
pause, resume, cancel) over REST, and a participant's message history (MSG-1..5). The
same services and core.access scopes as the pages: nothing here decides who may what."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.accounts.models import User
from lindung.core import access
from lindung.core.permissions import Door
from lindung.messaging.campaign_models import Campaign, MessageTemplate, Segment
from lindung.messaging.campaigns import services
from lindung.messaging.campaigns.launching import campaign_launch_start
from lindung.messaging.campaigns.segments import KEYS, segment_count, segment_sample
from lindung.messaging.campaigns.states import campaign_states
from lindung.messaging.models import OutboxMessage
from lindung.messaging.selectors import participant_messages
from lindung.participants import selectors as participant_selectors

from .errors import service_errors
from .permissions import IsAdminOrCoordinator

NOT_FOUND = OpenApiResponse(description="No such record, or not one of yours.")
INVALID = OpenApiResponse(description="Field errors, keyed by field name.")
FORBIDDEN = OpenApiResponse(description="Your role may not do this (e.g. a coordinator writing a template).")
REFUSED = OpenApiResponse(description="Not possible from the campaign's status (the message says why).")


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class MessageTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MessageTemplate
        fields = ["id", "title", "text_id", "text_en", "whatsapp_name", "approval", "updated_at"]
        read_only_fields = ["id", "updated_at"]


@extend_schema_view(
    list=extend_schema(summary="Reminder templates"),
    retrieve=extend_schema(summary="One template", responses={200: MessageTemplateSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        summary="Write a template (administrators)",
        description="A text naming an unknown {variable} is refused (400) and nothing is saved.",
        responses={201: MessageTemplateSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
    partial_update=extend_schema(
        summary="Change a template (administrators)",
        responses={200: MessageTemplateSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    ),
)
class MessageTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    serializer_class = MessageTemplateSerializer
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[MessageTemplate]:
        return access.scope(access.principal_of(self.request.user), MessageTemplate.objects.all())

    def perform_create(self, serializer: Any) -> None:
        with service_errors():
            serializer.instance = services.template_save(actor=_user(self.request), data=serializer.validated_data)

    def partial_update(self, request: Request, pk: int) -> Response:
        template = self.get_object()
        serializer = MessageTemplateSerializer(template, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**MessageTemplateSerializer(template).data, **serializer.validated_data}
        with service_errors():
            saved = services.template_save(actor=_user(request), data=data, template=template)
        return Response(MessageTemplateSerializer(saved).data)


class SegmentSerializer(serializers.ModelSerializer):
    criteria = serializers.DictField(help_text="Keys: " + ", ".join(KEYS) + ". Unknown keys are ignored.")

    class Meta:
        model = Segment
        fields = ["id", "name", "criteria", "created_at"]
        read_only_fields = ["id", "created_at"]


SegmentCount = inline_serializer(
    "SegmentCount",
    {
        "count": serializers.IntegerField(),
        "sample": serializers.ListField(child=serializers.DictField(), help_text="The first members: id and name."),
    },
)


@extend_schema_view(
    list=extend_schema(summary="Saved segments (a coordinator's own)"),
    retrieve=extend_schema(summary="One segment", responses={200: SegmentSerializer, 404: NOT_FOUND}),
    create=extend_schema(summary="Save a segment", responses={201: SegmentSerializer, 400: INVALID, 403: FORBIDDEN}),
)
class SegmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    serializer_class = SegmentSerializer
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Segment]:
        return access.scope(access.principal_of(self.request.user), Segment.objects.all())

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        with service_errors():
            serializer.instance = services.segment_save(
                actor=_user(self.request), name=data["name"], criteria=data["criteria"]
            )

    @extend_schema(
        summary="How many participants the segment names now, and a sample",
        responses={200: SegmentCount, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def count(self, request: Request, pk: int) -> Response:
        segment = self.get_object()
        principal = access.principal_of(request.user)
        sample = segment_sample(principal, segment.criteria)
        return Response(
            {
                "count": segment_count(principal, segment.criteria),
                "sample": [{"id": p.pk, "name": p.full_name} for p in sample],
            }
        )


class CampaignSerializer(serializers.ModelSerializer):
    template = serializers.PrimaryKeyRelatedField(queryset=MessageTemplate.objects.all())
    segment = serializers.PrimaryKeyRelatedField(queryset=Segment.objects.all())
    progress = serializers.SerializerMethodField()
    # Plain text rather than an enum: "status" enums of other resources would collide by name.
    status = serializers.CharField(
        read_only=True, help_text="draft, scheduled, running, paused, completed or cancelled."
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "template",
            "segment",
            "channel",
            "language",
            "status",
            "scheduled_for",
            "planned",
            "launch_job",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
        ]
        read_only_fields = [
            "id",
            "status",
            "planned",
            "launch_job",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
        ]

    def get_progress(self, campaign: Campaign) -> dict[str, Any]:
        p = services.campaign_progress(campaign)
        return {
            "by_status": p.by_status,
            "skipped": p.skipped,
            "done": p.done,
            "remaining": p.remaining,
            "percent": p.percent,
            "eta_minutes": p.eta_minutes,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            principal = access.principal_of(request.user)
            template = self.fields["template"]
            segment = self.fields["segment"]
            assert isinstance(template, serializers.PrimaryKeyRelatedField)
            assert isinstance(segment, serializers.PrimaryKeyRelatedField)
            template.queryset = access.scope(principal, MessageTemplate.objects.all())
            segment.queryset = access.scope(principal, Segment.objects.all())


STEERED: dict[int, Any] = {200: CampaignSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND}


@extend_schema_view(
    list=extend_schema(summary="Campaigns (a coordinator's own)"),
    retrieve=extend_schema(
        summary="One campaign with its progress", responses={200: CampaignSerializer, 404: NOT_FOUND}
    ),
    create=extend_schema(
        summary="Create a campaign (draft, or scheduled when scheduled_for is given)",
        responses={201: CampaignSerializer, 400: INVALID, 403: FORBIDDEN},
    ),
)
class CampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    serializer_class = CampaignSerializer
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Campaign]:
        return access.scope(
            access.principal_of(self.request.user), Campaign.objects.select_related("template", "segment")
        )

    def perform_create(self, serializer: Any) -> None:
        with service_errors():
            serializer.instance = services.campaign_create(actor=_user(self.request), **serializer.validated_data)

    def _move(self, request: Request, name: str) -> Response:
        campaign = self.get_object()
        steps = {
            "launch": campaign_launch_start,
            "pause": services.campaign_pause,
            "resume": services.campaign_resume,
            "cancel": services.campaign_cancel,
        }
        assert name in campaign_states.transitions
        with service_errors():
            steps[name](actor=_user(request), campaign=campaign)
        campaign.refresh_from_db()
        return Response(CampaignSerializer(campaign, context={"request": request}).data)

    @extend_schema(
        summary="Start sending: the outbox rows are written by a background job (launch_job, see /jobs/)",
        request=None,
        responses=STEERED,
    )
    @action(detail=True, methods=["post"])
    def launch(self, request: Request, pk: int) -> Response:
        return self._move(request, "launch")

    @extend_schema(summary="Hold the campaign's queued messages", request=None, responses=STEERED)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: int) -> Response:
        return self._move(request, "pause")

    @extend_schema(summary="Send the held messages again", request=None, responses=STEERED)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: int) -> Response:
        return self._move(request, "resume")

    @extend_schema(summary="Cancel: unsent messages are skipped", request=None, responses=STEERED)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: int) -> Response:
        return self._move(request, "cancel")


class OutboxMessageSerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True, help_text="queued, sending, sent, delivered, read, failed, unknown or skipped."
    )

    class Meta:
        model = OutboxMessage
        fields = [
            "id",
            "channel",
            "stage",
            "template",
            "body",
            "status",
            "skip_reason",
            "error_code",
            "created_at",
            "sent_at",
            "delivered_at",
            "read_at",
        ]
        read_only_fields = fields


@extend_schema(
    summary="A participant's messages, newest first (the last 50)",
    responses={200: OutboxMessageSerializer(many=True), 404: NOT_FOUND},
)
class ParticipantMessagesView(generics.GenericAPIView):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)
    serializer_class = OutboxMessageSerializer
    pagination_class = None

    def get(self, request: Request, pk: int) -> Response:
        participant = participant_selectors.participant_get_for_user(request.user, pk)
        rows = participant_messages(request.user, participant)
        return Response(OutboxMessageSerializer(rows, many=True).data, status=status.HTTP_200_OK)
