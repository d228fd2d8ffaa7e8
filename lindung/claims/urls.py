from django.urls import URLPattern, URLResolver, include, path

from . import views

app_name = "claims"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("<int:claim_pk>/", views.detail, name="detail"),
    path("<int:claim_pk>/move/", views.move, name="move"),
    path("", include("lindung.claims.vouchers.urls")),
    path("", include("lindung.claims.archive.urls")),
    path("", include("lindung.claims.medical.urls")),
    path("", include("lindung.claims.outreach.urls")),
]
