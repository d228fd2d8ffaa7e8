from django.urls import URLPattern, URLResolver, include, path

from . import views
from .dashboard import urls as dashboard_urls
from .documents import urls as document_urls
from .drafting import urls as drafting_urls

app_name = "claims"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.queue, name="queue"),
    path("<int:claim_pk>/", views.detail, name="detail"),
    path("<int:claim_pk>/move/", views.move, name="move"),
    *document_urls.urlpatterns,
    *drafting_urls.urlpatterns,
    *dashboard_urls.urlpatterns,
    path("", include("lindung.claims.vouchers.urls")),
    path("", include("lindung.claims.archive.urls")),
    path("", include("lindung.claims.medical.urls")),
    path("", include("lindung.claims.outreach.urls")),
]
