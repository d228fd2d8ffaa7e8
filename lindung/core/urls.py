from django.urls import path

from . import views

app_name = "core"
# core:home ("/") is added by config/urls.py: the home page is the dashboard, which the
# reports app serves, and core imports no domain app.
urlpatterns = [
    path("health/", views.health, name="health"),
]
