from django.urls import include, path

app_name = "billing"
# Two route modules so payments and arrears pages can grow independently.
urlpatterns = [
    path("", include("lindung.billing.payment_urls")),
    path("arrears/", include("lindung.billing.arrears_urls")),
]
