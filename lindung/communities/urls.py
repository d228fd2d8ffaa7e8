from django.urls import path

from lindung.core.views import placeholder

app_name = "communities"
urlpatterns = [
    path("", placeholder, name="list"),
    path("new/", placeholder, name="create"),
]
