"""Mounted under /saya/pengaduan/ (config/urls.py), inside the participant cookie's path."""

from django.urls import path

from . import own_views

app_name = "feedback_own"
urlpatterns = [path("", own_views.own_tickets, name="tickets")]
