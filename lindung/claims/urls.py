from django.urls import URLPattern, path

from . import views

app_name = "claims"
urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("<int:claim_pk>/", views.detail, name="detail"),
    path("<int:claim_pk>/move/", views.move, name="move"),
]
