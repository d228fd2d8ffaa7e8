from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("archive/", views.archive_list, name="archive"),
    path("archive/label.pdf", views.box_label, name="box_label"),
]
