from django.urls import URLPattern, URLResolver, include, path

from . import lookup_views

app_name = "billing"
# Two route modules so payments and arrears pages can grow independently.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("lindung.billing.payment_urls")),
    path("arrears/", include("lindung.billing.arrears_urls")),
    path("lookup/", lookup_views.participant_lookup, name="lookup"),
]
