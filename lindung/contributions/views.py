from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lindung.accounts.models import User
from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import admin_required, public, staff_required

from . import selectors, services
from .calculator import contribution_calculate_period, month_start, participant_contribution
from .forms import CalculatorForm, ProgramsForm, RuleVersionForm
from .models import ContributionRule, Program, RuleCategory, RuleKind


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _program_basis(book: selectors.RuleBook, category: str) -> dict[str, str]:
    return {
        program: rule.legal_basis
        for program in book.programs(category)
        if (rule := book.find(RuleKind.PROGRAM_RATE, category, program=program, risk_tier=0)) is not None
    }


@public
@require_GET
def calculator(request: HttpRequest) -> HttpResponse:
    """Public (no login): what an informal worker pays, for 1, 3, 6 or 12 months."""
    start = month_start(timezone.localdate())
    book = selectors.rules_in_force(start)
    prepay = book.find(RuleKind.PREPAY, RuleCategory.INFORMAL)
    form = CalculatorForm(request.GET or None, month_options=prepay.month_options if prepay else [1])
    periods = []
    if form.is_valid():
        try:
            periods = contribution_calculate_period(
                category=RuleCategory.INFORMAL,
                income=form.cleaned_data["income"],
                programs=form.programs(),
                start=start,
                months=form.cleaned_data["months"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
    minimum = book.find(RuleKind.MIN_INCOME, RuleCategory.INFORMAL)
    context: dict[str, Any] = {
        "form": form,
        "periods": periods,
        "first": periods[0] if periods else None,
        "period_total": sum(p.total for p in periods),
        "same_every_month": len({p.total for p in periods}) <= 1,
        "minimum": minimum.amount if minimum else None,
        "legal_basis": _program_basis(book, RuleCategory.INFORMAL),
        "start": start,
    }
    return render(request, "contributions/calculator.html", context)


@staff_required
def participant_programs(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    participant = selectors.participant_for_programs(user, pk)
    today = timezone.localdate()
    month = month_start(today)
    book = selectors.rules_in_force(month)
    enrolment = selectors.participant_programs_on(participant, month, book)
    initial = {
        "programs": enrolment.programs,
        "risk_tier": enrolment.risk_tier,
        "declared_income": participant.declared_income,
        "since": month,
    }
    form = ProgramsForm(request.POST or None, initial=initial, participant=participant, book=book)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_contribution_setup(
                actor=user,
                participant=participant,
                programs=form.cleaned_data["programs"],
                on=form.cleaned_data["since"],
                risk_tier=form.cleaned_data.get("risk_tier"),
                declared_income=form.cleaned_data["declared_income"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Programs and declared income saved."))
            return redirect("contributions:participant_programs", pk=participant.pk)
    calculation, problems = None, []
    try:
        calculation = participant_contribution(participant, month)
    except ValidationError as error:
        problems = error.messages
    context = {
        "participant": participant,
        "enrolment": enrolment,
        "program_labels": [Program(p).label for p in enrolment.programs],
        "calculation": calculation,
        "problems": problems,
        "month": month,
        "form": form,
        "history": selectors.participant_program_history(participant),
    }
    return render(request, "contributions/participant_programs.html", context)


@admin_required
def rule_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "contributions/rules.html", {"groups": selectors.rules_grouped(), "today": today})


@admin_required
def rule_version_add(request: HttpRequest, pk: int) -> HttpResponse:
    base = get_object_or_404(ContributionRule, pk=pk)
    form = RuleVersionForm(request.POST or None, base=base)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.rule_version_add(actor=_user(request), base=base, data=form.version_data())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("New version of “%(rule)s” saved, in force from %(date)s.")
                % {"rule": base.get_kind_display(), "date": new.valid_from.strftime("%d-%m-%Y")},
            )
            return redirect("contributions:rules")
    versions = selectors.rule_versions(base)
    return render(request, "contributions/rule_version_form.html", {"base": base, "form": form, "versions": versions})
