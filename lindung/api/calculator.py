"""The public contribution calculator over HTTP (SELF-3): the same calculator service as
the page, no sign-in, throttled per client address."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from lindung.contributions.calculator import Calculation, contribution_calculate_period, month_start
from lindung.contributions.models import Program, RuleCategory
from lindung.core.permissions import Door

from .errors import service_errors


class CalculatorThrottle(AnonRateThrottle):
    # Settings define no anonymous rate; the calculator carries its own.
    scope = "calculator"
    rate = "60/min"


_PROGRAM = "(" + "|".join(Program.values) + ")"


# Stated in the schema so that a client (and the fuzz test) knows "0" or "x,y" is not a
# list of programs; the serializer still reads upper case and spaces kindly.
@extend_schema_field({"type": "string", "pattern": f"^ *{_PROGRAM}( *, *{_PROGRAM})* *$"})
class ProgramsField(serializers.CharField):
    pass


class CalculatorQuerySerializer(serializers.Serializer):
    income = serializers.IntegerField(min_value=1, help_text=_("Monthly income (or wage) in whole rupiah."))
    programs = ProgramsField(
        help_text=_("Comma-separated programs: jkk, jkm, jht, jp, jkp. The category's mandatory ones are required.")
    )
    months = serializers.IntegerField(
        default=1, min_value=1, help_text=_("Months paid at once (informal: 1, 3, 6, 12).")
    )
    category = serializers.ChoiceField(choices=RuleCategory.choices, default=RuleCategory.INFORMAL)
    risk_tier = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text=_("Workplace risk tier 1-5; wage earners' JKK needs it.")
    )
    month = serializers.DateField(required=False, help_text=_("Any day of the first month; default: this month."))

    def validate_programs(self, value: str) -> list[str]:
        programs = [p.strip().lower() for p in value.split(",") if p.strip()]
        unknown = sorted(set(programs) - set(Program.values))
        if unknown:
            raise serializers.ValidationError(_("Unknown programs: %(programs)s.") % {"programs": ", ".join(unknown)})
        return programs


class LineSerializer(serializers.Serializer):
    program = serializers.CharField()
    basis = serializers.IntegerField(help_text=_("Rupiah the rate applies to, after caps."))
    rate = serializers.DecimalField(max_digits=7, decimal_places=4, allow_null=True, help_text=_("Percent."))
    flat_amount = serializers.IntegerField(allow_null=True)
    employer_share = serializers.IntegerField()
    worker_share = serializers.IntegerField()
    amount = serializers.IntegerField(help_text=_("What is paid: employer plus worker share."))
    no_extra_cost = serializers.BooleanField(help_text=_("Funded without extra payment (JKP)."))
    legal_basis = serializers.CharField()


class MonthSerializer(serializers.Serializer):
    month = serializers.DateField()
    lines = LineSerializer(many=True)
    employer_total = serializers.IntegerField()
    worker_total = serializers.IntegerField()
    total = serializers.IntegerField()


class CalculatorResultSerializer(serializers.Serializer):
    category = serializers.CharField()
    income = serializers.IntegerField()
    months = MonthSerializer(many=True)
    total = serializers.IntegerField(help_text=_("Sum over all months, in rupiah."))
    rounding = serializers.CharField()


ROUNDING = "Each employer and worker share is rounded half-up to the whole rupiah."


class CalculatorView(APIView):
    access_door = Door.PUBLIC
    permission_classes = (AllowAny,)
    authentication_classes = ()
    throttle_classes = (CalculatorThrottle,)

    @extend_schema(
        summary="Contribution calculator",
        description="Per-program lines for each month and the total, from the rules in force in each month. "
        "Public; limited to 60 requests a minute per address.",
        parameters=[CalculatorQuerySerializer],
        responses={
            200: CalculatorResultSerializer,
            400: OpenApiResponse(description="Field errors, keyed by parameter name."),
            429: OpenApiResponse(description="Too many requests."),
        },
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = CalculatorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data: dict[str, Any] = query.validated_data
        with service_errors():
            months = contribution_calculate_period(
                category=data["category"],
                income=data["income"],
                programs=data["programs"],
                start=month_start(data.get("month") or timezone.localdate()),
                months=data["months"],
                risk_tier=data.get("risk_tier"),
            )
        result = {
            "category": data["category"],
            "income": data["income"],
            "months": [_month(calc) for calc in months],
            "total": sum(calc.total for calc in months),
            "rounding": ROUNDING,
        }
        return Response(CalculatorResultSerializer(result).data)


def _month(calc: Calculation) -> dict[str, Any]:
    return {
        "month": calc.month,
        "lines": [
            {
                "program": line.program,
                "basis": line.basis,
                "rate": line.rate,
                "flat_amount": line.flat_amount,
                "employer_share": line.employer_share,
                "worker_share": line.worker_share,
                "amount": line.amount,
                "no_extra_cost": line.no_extra_cost,
                "legal_basis": line.legal_basis,
            }
            for line in calc.lines
        ],
        "employer_total": calc.employer_total,
        "worker_total": calc.worker_total,
        "total": calc.total,
    }
