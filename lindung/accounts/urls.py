from django.contrib.auth import views as auth_views
from django.urls import path

from lindung.core.views import placeholder

from .forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", placeholder, name="profile"),
    path("users/", placeholder, name="user_list"),
    path("audit/", placeholder, name="audit"),
]
