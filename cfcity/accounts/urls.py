"""/accounts/: log in, log out, change one's own password. (No password reset by e-mail:
the administrator resets passwords, see ``services.reset_password``.)"""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import twofactor_views, views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    # the second factor (twofactor.py): a code after the password, or enrolling the app
    path("2fa/", twofactor_views.verify, name="twofactor_verify"),
    path("2fa/enrol/", twofactor_views.enrol, name="twofactor_enrol"),
]
