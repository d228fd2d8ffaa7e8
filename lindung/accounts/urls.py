from django.contrib.auth import views as auth_views
from django.urls import path

from lindung.core.permissions import public

from . import audit_views, views
from .forms import LoginForm
from .signout import SignOutView

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        public(auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm)),
        name="login",
    ),
    path("logout/", public(SignOutView.as_view()), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path("audit/", audit_views.audit_trail, name="audit"),
    path("audit/changes/", audit_views.audit_trail, {"tab": "changes"}, name="audit_changes"),
]
