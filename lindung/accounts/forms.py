from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from lindung.core.phones import normalize_mobile
from lindung.regions.fields import DistrictField, RegencyField, setup_district_select

from .models import Role, User


class LoginForm(AuthenticationForm):
    """Sign-in with one clear message that does not say which of the two was wrong."""

    error_messages = {
        "invalid_login": _(
            "The username or password is wrong. Check both and try again; "
            "after %(limit)s failed attempts the account is locked for a while."
        ),
        "inactive": _("This account has been deactivated. Ask your administrator."),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )


class PhoneCleanMixin:
    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        # normalize_mobile raises a ValidationError that lands on the phone field.
        return normalize_mobile(self.cleaned_data.get("phone", ""))


def add_district_select(form: forms.ModelForm) -> None:
    """Working district, offered per regency when the whole country is loaded."""
    form.fields["regency"] = RegencyField()
    form.fields["district"] = DistrictField(required=False, label=_("Working district"))
    order = [name for name in form.fields if name != "regency"]
    form.order_fields([*order[: order.index("district")], "regency", *order[order.index("district") :]])
    bound = form.data.get(form.add_prefix("district")) if form.is_bound else None
    current = bound or (form.instance.district_id if form.instance.pk else None)
    setup_district_select(form, district_code=current or None, fallback_regency=None)


class ProfileForm(PhoneCleanMixin, forms.ModelForm):
    """Own details only: role and active flag are not fields, so posting them changes nothing."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone"]


class UserCreateForm(PhoneCleanMixin, forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "phone", "role", "district"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_district_select(self)
        self.fields["role"].initial = Role.COORDINATOR

    def clean_password2(self) -> str:
        one, two = self.cleaned_data.get("password1"), self.cleaned_data.get("password2", "")
        if one and one != two:
            raise forms.ValidationError(_("The two passwords do not match."), code="password_mismatch")
        return two

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password2")
        if password:
            # The validators compare the password with the person's name and username.
            candidate = User(**{f: cleaned.get(f, "") for f in ("username", "first_name", "last_name", "email")})
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password2", error)
        return cleaned


class UserEditForm(PhoneCleanMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "phone", "role", "district", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_district_select(self)
        self.fields["is_active"].help_text = _("Deactivate instead of deleting: the records this person made stay.")


class UserFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)
    active = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
        required=False,
    )


class DateInput(forms.DateInput):
    input_type = "date"


class SigninFilterForm(forms.Form):
    tab = forms.CharField(widget=forms.HiddenInput, required=False, label="")
    outcome = forms.ChoiceField(
        label=_("Result"),
        choices=[("", _("All")), ("success", _("Successful")), ("failure", _("Failed"))],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)


class UsernameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{obj.username} ({name})" if name else obj.username


class ChangeFilterForm(forms.Form):
    tab = forms.CharField(widget=forms.HiddenInput, required=False, label="")
    user = UsernameChoiceField(
        label=_("Changed by"), queryset=User.objects.order_by("username"), required=False, empty_label=_("Anyone")
    )
    kind = forms.ChoiceField(
        label=_("Change"),
        choices=[("", _("All")), ("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
