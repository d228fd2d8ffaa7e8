from django.urls import path

from . import views

app_name = "info"
urlpatterns = [
    path("", views.index, name="index"),
    path("pages/new/", views.page_create, name="page_create"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("pages/<slug:slug>/edit/", views.page_edit, name="page_edit"),
    path("pages/<slug:slug>/history/", views.page_history, name="page_history"),
    path("pages/<slug:slug>/history/<int:number>/revert/", views.page_revert, name="page_revert"),
    path("service-points/", views.points, name="points"),
    path("service-points/manage/", views.point_list, name="point_list"),
    path("service-points/manage/new/", views.point_create, name="point_create"),
    path("service-points/manage/import/", views.point_import, name="point_import"),
    path("service-points/manage/<int:pk>/", views.point_edit, name="point_edit"),
    path("service-points/manage/<int:pk>/delete/", views.point_delete, name="point_delete"),
]
