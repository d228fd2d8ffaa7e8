from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from lindung.billing import urls as billing_urls
from lindung.core import urls as core_urls
from lindung.core.permissions import public
from lindung.reports.arrears_views import arrears_list
from lindung.reports.dashboard_views import home

# The home page is the dashboard, served by reports; it keeps its name core:home (links,
# LOGIN_REDIRECT_URL) while core itself imports no domain app.
core_patterns: list[URLPattern | URLResolver] = [path("", home, name="home"), *core_urls.urlpatterns]
# Likewise the arrears page reads the tallies, so reports serve it; it keeps its address
# and name among the billing pages (billing:arrears, /billing/arrears/).
billing_patterns: list[URLPattern | URLResolver] = [
    path("arrears/", arrears_list, name="arrears"),
    *billing_urls.urlpatterns,
]

# Errors: a database outage answers with the product's own 503 page (Retry-After);
# anything else with its own 500 page (lindung/core/errors.py).
handler500 = "lindung.operations.unavailable.server_error"

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/setlang/", public(set_language), name="set_language"),
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
    path("messaging/", include("lindung.messaging.urls")),
    path("billing/", include((billing_patterns, billing_urls.app_name))),
    path("", include("lindung.operations.urls")),
    path("", include("lindung.cards.urls")),
    path("claims/", include("lindung.claims.urls")),
    # Self-service: public registration (/daftar/), the participant's own record (/saya/)
    # and the staff queues (/selfservice/).
    path("", include("lindung.selfservice.urls")),
    path("saya/pengaduan/", include("lindung.feedback.own_urls")),
    path("info/", include("lindung.info.urls")),
    path("feedback/", include("lindung.feedback.urls")),
    path("outreach/", include("lindung.outreach.urls")),
    path("", include((core_patterns, core_urls.app_name))),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# The product's own error pages (lindung/core/errors.py), not Django's bare English ones.
handler400 = "lindung.core.errors.bad_request"
handler403 = "lindung.core.errors.permission_denied"
handler404 = "lindung.core.errors.page_not_found"
