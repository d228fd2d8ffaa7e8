"""Public information (pages, service points) and their administration."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.contributions.models import RuleCategory, RuleKind
from lindung.contributions.selectors import rules_in_force
from lindung.core import access
from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import admin_required, public
from lindung.regions.models import Region

from . import selectors, services
from .examples import examples_for
from .forms import ImportForm, IncomeForm, NearestForm, NewPageForm, PageForm, PointForm
from .markup import render as render_markup
from .models import InfoPage, ServicePoint

FALLBACK_EXAMPLE_INCOME = 2_000_000  # only when no minimum-income rule is in force


@public
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    may_edit = access.may(access.principal_of(request.user), InfoPage, "add")
    return render(request, "info/index.html", {"pages": selectors.page_list(), "may_edit": may_edit})


def _example_income(form: IncomeForm) -> int:
    if form.is_valid() and form.cleaned_data.get("income"):
        return int(form.cleaned_data["income"])
    # The example starts from the lowest income an informal worker may declare (a rule).
    minimum = rules_in_force(timezone.localdate().replace(day=1)).find(RuleKind.MIN_INCOME, RuleCategory.INFORMAL)
    return int(minimum.amount) if minimum and minimum.amount else FALLBACK_EXAMPLE_INCOME


@public
@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    info_page = selectors.page_get(slug)
    form = IncomeForm(request.GET or None)
    income = _example_income(form)
    examples, missing = examples_for(info_page.topic, income, timezone.localdate())
    return render(
        request,
        "info/page.html",
        {
            "page": info_page,
            "body": render_markup(info_page.body),
            "examples": examples,
            "missing_rule": missing,
            "income": income,
            "form": form,
            "pages": selectors.page_list(),
            "may_edit": access.may(access.principal_of(request.user), InfoPage, "change"),
        },
    )


@admin_required
@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    info_page = get_object_or_404(InfoPage, slug=slug)
    form = PageForm(request.POST or None, instance=InfoPage.objects.get(pk=info_page.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.page_save(
                actor=request.user, page=info_page, data=form.cleaned_data, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": info_page.version})
            return redirect("info:page", slug=slug)
    preview = render_markup(form["body_id"].value() or "")
    return render(request, "info/page_edit.html", {"page": info_page, "form": form, "preview": preview})


@admin_required
@require_http_methods(["GET", "POST"])
def page_create(request: HttpRequest) -> HttpResponse:
    form = NewPageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        page = services.page_create(actor=request.user, page=form.save(commit=False))
        messages.success(request, _("Page added."))
        return redirect("info:page", slug=page.slug)
    preview = render_markup(form["body_id"].value() or "")
    return render(request, "info/page_edit.html", {"page": None, "form": form, "preview": preview})


@admin_required
@require_GET
def page_history(request: HttpRequest, slug: str) -> HttpResponse:
    info_page = get_object_or_404(InfoPage, slug=slug)
    versions = list(selectors.page_versions(info_page))
    # Each version beside the one before it, so the list says which texts changed.
    for version, older in zip(versions, [*versions[1:], None], strict=True):
        version.changed = [  # type: ignore[attr-defined]
            label
            for name, label in (
                ("title_id", _("title (Indonesian)")),
                ("title_en", _("title (English)")),
                ("body_id", _("text (Indonesian)")),
                ("body_en", _("text (English)")),
            )
            if older is None or getattr(version, name) != getattr(older, name)
        ]
    return render(request, "info/page_history.html", {"page": info_page, "versions": versions})


@admin_required
@require_POST
def page_revert(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    info_page = get_object_or_404(InfoPage, slug=slug)
    version = get_object_or_404(info_page.versions, number=number)
    try:
        services.page_revert(actor=request.user, page=info_page, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(number)s is back, saved as a new version.") % {"number": number})
    return redirect("info:page_history", slug=slug)


# Service points -------------------------------------------------------------------------


def _position(form: NearestForm) -> tuple[tuple[float, float] | None, Any, list[Any]]:
    """Where to measure from: the browser's location, else a village typed by name."""
    data = form.cleaned_data
    if data.get("lat") is not None and data.get("lon") is not None:
        return (data["lat"], data["lon"]), None, []
    if code := (data.get("code") or "").strip():
        chosen = Region.objects.filter(level=4, code=code).first()
        if chosen is not None:
            return selectors.village_position(chosen), chosen, []
    name = (data.get("village") or "").strip()
    if not name:
        return None, None, []
    matches = selectors.villages_named(name)
    exact = [v for v in matches if v.name.lower() == name.lower()]
    if len(matches) == 1 or len(exact) == 1:
        village = matches[0] if len(matches) == 1 else exact[0]
        return selectors.village_position(village), village, []
    return None, None, matches


@public
@require_GET
def points(request: HttpRequest) -> HttpResponse:
    form = NearestForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "nearby": [], "choices": [], "village": None, "searched": False}
    if form.is_valid():
        position, village, choices = _position(form)
        context.update(village=village, choices=choices, searched=bool(request.GET))
        if position is not None:
            context["nearby"] = selectors.points_nearest(*position, kind=form.cleaned_data.get("kind") or "")
        elif village is not None:
            context["no_position"] = True
    response = render(request, "info/points.html", context)
    # The site forbids location everywhere (core/middleware.py); this page alone asks for it.
    response["Permissions-Policy"] = "camera=(self), geolocation=(self), microphone=()"
    return response


@admin_required
@require_GET
def point_list(request: HttpRequest) -> HttpResponse:
    queryset = access.scope(access.principal_of(request.user), ServicePoint.objects.select_related("village"))
    query = request.GET.get("q", "").strip()
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(address__icontains=query) | Q(code=query))
    page_obj = Paginator(queryset.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    return render(request, "info/point_list.html", {"page_obj": page_obj, "query": query})


def _point_form(request: HttpRequest, point: ServicePoint) -> HttpResponse:
    form = PointForm(request.POST or None, instance=point)
    if request.method == "POST" and form.is_valid():
        try:
            services.point_save(actor=request.user, point=form.save(commit=False))
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Service point saved."))
            return redirect("info:point_list")
    return render(request, "info/point_form.html", {"form": form, "point": point})


@admin_required
@require_http_methods(["GET", "POST"])
def point_create(request: HttpRequest) -> HttpResponse:
    return _point_form(request, ServicePoint())


@admin_required
@require_http_methods(["GET", "POST"])
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _point_form(request, access.get_or_404(access.principal_of(request.user), ServicePoint.objects.all(), pk=pk))


@admin_required
@require_POST
def point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    point = access.get_or_404(access.principal_of(request.user), ServicePoint.objects.all(), pk=pk)
    services.point_delete(actor=request.user, point=point)
    messages.success(request, _("Service point removed."))
    return redirect("info:point_list")


@admin_required
@require_http_methods(["GET", "POST"])
def point_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.points_import(actor=request.user, text=form.cleaned_data["content"])
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            # The refused rows go back into the box, with their reasons, to fix and resend.
            form = ImportForm(initial={"text": result.rejected_csv()} if result.rejected else None)
    return render(request, "info/point_import.html", {"form": form, "result": result})
