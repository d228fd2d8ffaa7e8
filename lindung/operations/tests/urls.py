"""The project's URLs plus a view that fails with personal data in its error, as a bug
in any view might: the log scrubbing test needs a traceback that carries them."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def failing_view(request: HttpRequest) -> HttpResponse:
    raise ValueError(
        f"cannot save NIK {request.GET.get('nik')} phone {request.GET.get('phone')} "
        f"for {request.headers.get('Authorization')} with password={request.GET.get('password')}"
    )


urlpatterns: list[URLPattern | URLResolver] = [
    path("failing/", failing_view),
    path("", include("config.urls")),
]
