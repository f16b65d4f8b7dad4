"""Sign-in and sign-out views (Django's, with our template and throttled form)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from tipwatch.web.accounts.forms import ThrottledAuthenticationForm

__all__ = ["LoginView", "LogoutView"]


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
