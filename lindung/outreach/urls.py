from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/attendees/<int:attendee_pk>/<slug:phase>/", views.answers_entry, name="answers"),
    path("checkin/<str:code>/", views.checkin, name="checkin"),
    path("after/<str:token>/", views.after, name="after"),
]
