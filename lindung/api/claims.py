"""Claims in the API: the eligibility check a coordinator runs before the trip (CLM-2,
CLM-4, CLM-6), for a participant in their scope, from the rules in force on the day."""

import dataclasses
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.claims.claim import ClaimProgram
from lindung.claims.facts import ClaimFacts, JhtReason
from lindung.claims.rules_engine import benefit, eligibility, route
from lindung.core.permissions import Door
from lindung.participants import selectors as participant_selectors

from .errors import service_errors
from .permissions import IsAdminOrCoordinator


class ClaimCheckQuerySerializer(serializers.Serializer[Any]):
    program = serializers.ChoiceField(choices=ClaimProgram.choices)
    jht_reason = serializers.ChoiceField(choices=JhtReason.choices, required=False, default="")
    event_date = serializers.DateField(
        required=False, default=None, help_text="Leaving work, the accident or the death."
    )
    balance = serializers.IntegerField(required=False, default=None, min_value=0)
    wage = serializers.IntegerField(required=False, default=None, min_value=0)
    contribution_months = serializers.IntegerField(required=False, default=0, min_value=0)
    on = serializers.DateField(required=False, default=None, help_text="The day to judge on; default today.")


class FindingSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    legal_basis = serializers.CharField()


class BenefitLineSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    amount = serializers.IntegerField()
    legal_basis = serializers.CharField()


class ClaimCheckSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    allowed = serializers.BooleanField()
    findings = FindingSerializer(many=True)
    channel = serializers.CharField()
    route_findings = FindingSerializer(many=True)
    bring = serializers.ListField(child=serializers.CharField())
    npwp_required = serializers.BooleanField()
    amount = serializers.IntegerField()
    monthly = serializers.BooleanField()
    lines = BenefitLineSerializer(many=True)


class ClaimCheckView(APIView):
    access_door = Door.STAFF
    permission_classes = (IsAuthenticated, IsAdminOrCoordinator)

    @extend_schema(
        summary="Check a claim before drafting it",
        description="Eligibility with its reasons (each citing its legal basis), the channel and what to bring, "
        "and the benefit with how it is computed, from the rules in force on the day.",
        parameters=[ClaimCheckQuerySerializer],
        responses={200: ClaimCheckSerializer, 400: OpenApiResponse(description="Field errors."), 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        participant = participant_selectors.participant_get_for_user(request.user, pk)
        query = ClaimCheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(query.validated_data)
        on = data.pop("on") or timezone.localdate()
        facts = ClaimFacts(**data)
        with service_errors():
            answer = eligibility(participant, facts, on)
            channel = route(participant, facts, on)
            amount = benefit(participant, facts, on)
        return Response(
            {
                "on": on,
                "allowed": answer.allowed,
                "findings": [dataclasses.asdict(f) for f in answer.findings],
                "channel": channel.channel,
                "route_findings": [dataclasses.asdict(f) for f in channel.findings],
                "bring": list(channel.bring),
                "npwp_required": channel.npwp_required,
                "amount": amount.amount,
                "monthly": amount.monthly,
                "lines": [
                    {"description": line.label, "amount": line.amount, "legal_basis": line.legal_basis}
                    for line in amount.lines
                ],
            }
        )
