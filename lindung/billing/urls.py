from django.urls import URLPattern, URLResolver, include, path

from lindung.billing.lookup import views as lookup_views

app_name = "billing"
# Two route modules so payments and arrears pages can grow independently.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("lindung.billing.payments.urls")),
    path("arrears/", include("lindung.billing.arrears.urls")),
    path("lookup/", lookup_views.participant_lookup, name="lookup"),
]
