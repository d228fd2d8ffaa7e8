"""The dashboard page, in the claims namespace (claims/urls.py adds it)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [path("dashboard/", views.dashboard, name="dashboard")]
