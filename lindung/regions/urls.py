from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("districts/new/", views.district_create, name="district_create"),
    path("villages/new/", views.village_create, name="village_create"),
    path("options/districts/", views.district_options, name="district_options"),
    path("options/villages/", views.village_options, name="village_options"),
    path("<str:code>/edit/", views.region_edit, name="edit"),
    path("<str:code>/delete/", views.region_delete, name="delete"),
]
