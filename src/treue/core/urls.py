from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .health import healthz

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("healthz", healthz, name="healthz"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
