from django.urls import URLPattern

app_name = "contributions"
urlpatterns: list[URLPattern] = []
