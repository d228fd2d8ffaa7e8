"""Admin pages for the region tree (FR-06 districts, FR-07 villages) and the option lists
that other forms' cascading selects load with htmx."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lindung.core.permissions import admin_required, signed_in
from lindung.core.tables import Column, build_table

from . import selectors, services
from .codes import level_of, parent_of
from .forms import DistrictForm, RegionFilterForm, RegionRenameForm, VillageForm
from .models import Level, Region

# Which filter parameter narrows the list to a region's children, per level of that region.
_FILTER_PARAM = {Level.PROVINCE: "province", Level.REGENCY: "regency", Level.DISTRICT: "district"}


def _columns() -> list[Column]:
    # Built per request so the labels follow the request's language.
    return [
        Column("code", _("Code"), sort="code"),
        Column("name", _("Name"), sort="name"),
        Column("level", _("Level"), sort="level", css="hide-sm"),
        Column("parent", _("Part of"), sort="parent__name", css="hide-sm"),
        Column("children", _("Sub-regions"), sort="child_count"),
    ]


def _children_url(region: Region | None) -> str:
    """A list URL showing the region's direct children, through the cascade filters."""
    if region is None:
        return ""
    params = {"level": str(region.level + 1)}
    code: str | None = region.code
    while code:
        params[_FILTER_PARAM[Level(len(code.split(".")))]] = code
        code = parent_of(code)
    return "?" + urlencode(params)


@admin_required
@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    filter_form = RegionFilterForm(request.GET)
    level = filter_form.cleaned_data.get("level") if filter_form.is_valid() else None
    qs = selectors.region_table_queryset(level=level, within=filter_form.within)
    table = build_table(
        request,
        qs,
        columns=_columns(),
        default_sort="code",
        search=selectors.region_filter_search,
        filters=filter_form.cleaned_data if filter_form.is_valid() else {},
        tiebreak="code",
    )
    for region in table.page:
        region.children_url = _children_url(region) if region.level < Level.VILLAGE else ""
    return render(request, "regions/region_list.html", {"table": table, "filter_form": filter_form})


def _create(request: HttpRequest, form_class: type[DistrictForm | VillageForm], title: str) -> HttpResponse:
    if request.method == "POST" and "_refresh" not in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            try:
                region = services.region_create(
                    actor=request.user, code=form.cleaned_data["code"], name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("%(region)s was added.") % {"region": region})
                return redirect(reverse("regions:list") + _children_url(region.parent))
    elif request.method == "POST":
        # "Show districts" without JavaScript: redisplay with the chosen regency, no errors.
        form = form_class(initial=request.POST.dict())
    else:
        form = form_class(initial=request.GET.dict())
    return render(request, "regions/region_form.html", {"form": form, "title": title})


@admin_required
@require_http_methods(["GET", "POST"])
def district_create(request: HttpRequest) -> HttpResponse:
    return _create(request, DistrictForm, _("New district"))


@admin_required
@require_http_methods(["GET", "POST"])
def village_create(request: HttpRequest) -> HttpResponse:
    return _create(request, VillageForm, _("New village"))


@admin_required
@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(code)
    form = RegionRenameForm(request.POST or None, initial={"name": region.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.region_rename(actor=request.user, region=region, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc.message_dict.get("name", exc.messages))
        else:
            messages.success(request, _("%(region)s was saved.") % {"region": region})
            return redirect("regions:list")
    return render(request, "regions/region_edit.html", {"form": form, "region": region})


@admin_required
@require_http_methods(["GET", "POST"])
def region_delete(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(code)
    if request.method == "POST":
        label = str(region)
        try:
            services.region_delete(actor=request.user, region=region)
        except services.RegionInUse as exc:
            messages.error(request, str(exc))
            return redirect("regions:edit", code=region.code)
        messages.success(request, _("%(region)s was deleted.") % {"region": label})
        return redirect("regions:list")
    return render(request, "regions/region_confirm_delete.html", {"region": region})


def _options(request: HttpRequest, regions: Any) -> HttpResponse:
    context = {"regions": regions.only("code", "name"), "selected": request.GET.get("selected", "")}
    return render(request, "regions/_options.html", context)


@signed_in
@require_GET
def district_options(request: HttpRequest) -> HttpResponse:
    """`<option>`s of one regency's districts (``?regency=14.03``) for cascading selects."""
    regency = request.GET.get("regency", "")
    ok = level_of(regency) == Level.REGENCY
    return _options(request, selectors.district_list(regency_code=regency) if ok else Region.objects.none())


@signed_in
@require_GET
def village_options(request: HttpRequest) -> HttpResponse:
    """`<option>`s of one district's villages (``?district=14.03.01``) for cascading selects."""
    district = request.GET.get("district", "")
    ok = level_of(district) == Level.DISTRICT
    return _options(request, selectors.village_list(district_code=district) if ok else Region.objects.none())
