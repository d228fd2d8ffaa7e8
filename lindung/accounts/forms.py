from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )
