"""Sign-out that says so: the sign-in page it lands on confirms the session ended."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class SignOutView(LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            # Added after logout() flushed the session, so the message survives into the next page.
            messages.success(request, _("You have signed out. Sign in again to continue."))
        return response
