from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("accounts/", include("lindung.accounts.urls")),
    path("regions/", include("lindung.regions.urls")),
    path("groups/", include("lindung.communities.urls")),
    path("contacts/", include("lindung.contacts.urls")),
    path("participants/", include("lindung.participants.urls")),
    path("api/", include("lindung.api.urls")),
    path("jobs/", include("lindung.jobs.urls")),
    path("contributions/", include("lindung.contributions.urls")),
    path("reports/", include("lindung.reports.urls")),
    path("billing/", include("lindung.billing.urls")),
    path("", include("lindung.ops.urls")),
    path("", include("lindung.cards.urls")),
    path("", include("lindung.core.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
