from django.urls import URLPattern, path

from . import views

app_name = "contributions"
urlpatterns: list[URLPattern] = [
    path("calculator/", views.calculator, name="calculator"),
    path("participants/<int:pk>/programs/", views.participant_programs, name="participant_programs"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:pk>/new-version/", views.rule_version_add, name="rule_version_add"),
]
