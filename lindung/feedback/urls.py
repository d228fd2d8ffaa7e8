from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.file_ticket, name="file"),
    path("follow/", views.follow, name="follow"),
    path("follow/<str:number>/", views.followed, name="followed"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket"),
]
