"""User accounts (admin, FR-04) and the own profile page (everyone, FR-11/FR-16)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung.core.form_errors import show_service_errors
from lindung.core.permissions import admin_required, signed_in
from lindung.core.tables import Column, build_table

from . import selectors, services
from .forms import ProfileForm, UserCreateForm, UserEditForm, UserFilterForm
from .models import User


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    filter_form = UserFilterForm(request.GET or None)
    qs = selectors.user_list()
    filters = {}
    if filter_form.is_valid():
        filters = {k: v for k, v in filter_form.cleaned_data.items() if v}
        if filters.get("role"):
            qs = qs.filter(role=filters["role"])
        if filters.get("active"):
            qs = qs.filter(is_active=filters["active"] == "yes")
    table = build_table(
        request,
        qs,
        columns=[
            Column("username", _("Username"), sort="username"),
            Column("name", _("Name"), sort="first_name"),
            Column("email", _("Email"), sort="email", css="hide-sm"),
            Column("role", _("Role"), sort="role"),
            Column("district", _("Working district"), sort="district__name", css="hide-sm"),
            Column("status", _("Status"), sort="is_active"),
            Column("last_login", _("Last sign-in"), sort="last_login", css="hide-sm"),
        ],
        default_sort="username",
        search=selectors.user_search,
        filters=filters,
    )
    return render(request, "accounts/user_list.html", {"table": table, "filter_form": filter_form})


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,  # type: ignore[arg-type]
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
                role=data["role"],
                district=data["district"],
                password=data["password1"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.select_related("district"), pk=pk)
    # The form works on its own copy so a refused change never touches ``user``.
    form = UserEditForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Account %(username)s saved.") % {"username": user.username})
            return redirect("accounts:user_list")
    context = {"form": form, "account": user, "locked_out": selectors.user_is_locked_out(user)}
    return render(request, "accounts/user_form.html", context)


@admin_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(actor=request.user, user=user, password=form.cleaned_data["new_password1"])  # type: ignore[arg-type]
        messages.success(request, _("New password set for %(username)s.") % {"username": user.username})
        return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_password.html", {"form": form, "account": user})


@admin_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    services.user_unlock(actor=request.user, user=user)  # type: ignore[arg-type]
    messages.success(request, _("%(username)s can sign in again.") % {"username": user.username})
    return redirect("accounts:user_edit", pk=user.pk)


@signed_in
def profile(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action") if request.method == "POST" else None
    profile_form = ProfileForm(
        request.POST if action == "profile" else None, instance=User.objects.get(pk=me.pk), prefix="profile"
    )
    password_form = PasswordChangeForm(me, request.POST if action == "password" else None, prefix="password")
    if action == "profile" and profile_form.is_valid():
        data = profile_form.cleaned_data
        try:
            services.profile_update(
                actor=me,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                phone=data["phone"],
            )
        except ValidationError as error:
            show_service_errors(profile_form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    if action == "password" and password_form.is_valid():
        services.profile_set_password(actor=me, password=password_form.cleaned_data["new_password1"])
        # Without this the password change would sign the user out of this very session.
        update_session_auth_hash(request, me)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"profile_form": profile_form, "password_form": password_form})
