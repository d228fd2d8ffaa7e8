"""The drafting pages, in the claims namespace (claims/urls.py adds them)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("new/", views.start, name="new"),
    path("<int:claim_pk>/edit/", views.edit, name="edit"),
]
