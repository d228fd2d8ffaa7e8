from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:spec_key>/export.<slug:fmt>", views.export_view, name="export"),
]
