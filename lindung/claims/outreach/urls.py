from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("outreach/", views.outreach_list, name="outreach"),
    path("outreach/remind/", views.outreach_send, name="outreach_send"),
    path("outreach/recap.xlsx", views.outreach_recap, name="outreach_recap"),
    path("outreach/<int:participant_pk>/", views.outreach_person, name="outreach_person"),
]
