from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindung.accounts.models import User
from lindung.communities import selectors, services
from lindung.communities.forms import CommunityGroupForm, GroupFilterForm
from lindung.communities.models import CommunityGroup
from lindung.core import access
from lindung.core.permissions import signed_in
from lindung.core.tables import Column, build_table


class AuthedRequest(HttpRequest):
    user: User


def _columns(user: User) -> list[Column]:
    columns = [
        Column("name", _("Name"), sort="name"),
        Column("type", _("Type"), sort="group_type"),
        Column("village", _("Village"), sort="village__name"),
        Column("district", _("District"), css="hide-sm"),
        Column("leader", _("Leader"), css="hide-sm"),
    ]
    if user.is_admin:
        columns.append(Column("coordinator", _("Coordinator"), css="hide-sm"))
    columns.append(Column("participants", _("Participants"), sort="participant_count"))
    return columns


def _refuse_non_staff(user: User) -> None:
    # Only the roles that hold groups (a rule of CommunityGroup) open these pages.
    access.require_may(access.principal_of(user), CommunityGroup, "view")


@signed_in
def group_list(request: AuthedRequest) -> HttpResponse:
    filter_form = GroupFilterForm(request.GET, user=request.user)
    filters = filter_form.filters()
    table = build_table(
        request,
        selectors.community_group_list(user=request.user, filters=filters),
        columns=_columns(request.user),
        default_sort="name",
        search=selectors.community_group_search,
        filters={
            "type": filters.group_type,
            "district": filters.district,
            "village": filters.village,
            "coordinator": filters.coordinator,
        },
    )
    return render(request, "communities/group_list.html", {"table": table, "filter_form": filter_form})


def _apply_service_errors(form: CommunityGroupForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_page(request: AuthedRequest, form: CommunityGroupForm, group: CommunityGroup | None) -> HttpResponse:
    return render(request, "communities/group_form.html", {"form": form, "group": group})


def _refresh_requested(request: AuthedRequest) -> bool:
    # The no-JavaScript path: "Show villages" re-renders the form for the chosen district.
    return request.method == "POST" and "_refresh" in request.POST


@signed_in
@require_http_methods(["GET", "POST"])
def group_create(request: AuthedRequest) -> HttpResponse:
    _refuse_non_staff(request.user)
    if _refresh_requested(request):
        form = CommunityGroupForm(actor=request.user, initial=request.POST.dict())
    elif request.method == "POST":
        form = CommunityGroupForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                group = services.community_group_create(actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                _apply_service_errors(form, exc)
            else:
                messages.success(request, _("Community group “%(name)s” was added.") % {"name": group.name})
                return redirect("communities:detail", pk=group.pk)
    else:
        form = CommunityGroupForm(actor=request.user, initial=request.GET.dict())
    return _form_page(request, form, None)


@signed_in
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.community_group_get_for_user(request.user, pk)
    return render(request, "communities/group_detail.html", {"group": group})


@signed_in
@require_http_methods(["GET", "POST"])
def group_update(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.community_group_get_for_user(request.user, pk)
    if _refresh_requested(request):
        form = CommunityGroupForm(actor=request.user, group=group, initial=request.POST.dict())
    elif request.method == "POST":
        form = CommunityGroupForm(request.POST, actor=request.user, group=group)
        if form.is_valid():
            try:
                services.community_group_update(actor=request.user, group=group, **form.service_kwargs())
            except ValidationError as exc:
                _apply_service_errors(form, exc)
            else:
                messages.success(request, _("Community group “%(name)s” was changed.") % {"name": group.name})
                return redirect("communities:detail", pk=group.pk)
    else:
        form = CommunityGroupForm(actor=request.user, group=group)
    return _form_page(request, form, group)


@signed_in
@require_http_methods(["GET", "POST"])
def group_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    group = selectors.community_group_get_for_user(request.user, pk)
    if request.method == "POST":
        name = group.name
        try:
            services.community_group_delete(actor=request.user, group=group)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("communities:detail", pk=group.pk)
        messages.success(request, _("Community group “%(name)s” was deleted.") % {"name": name})
        return redirect("communities:list")
    return render(request, "communities/group_confirm_delete.html", {"group": group})
