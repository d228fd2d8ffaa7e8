from django.urls import path

from . import dashboard_views, views

app_name = "reports"
urlpatterns = [
    path("<slug:spec_key>/export.<slug:fmt>", views.export_view, name="export"),
]

urlpatterns += [
    path("dashboard/<slug:key>.<slug:fmt>", dashboard_views.chart_download, name="chart_download"),
]
