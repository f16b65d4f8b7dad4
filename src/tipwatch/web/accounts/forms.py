"""The login form, with throttling in front of Django's authentication."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tipwatch.web.accounts import throttle

__all__ = ["ThrottledAuthenticationForm"]


def _locked_error(until) -> forms.ValidationError:
    local = timezone.localtime(until)
    return forms.ValidationError(
        _("Too many failed sign-in attempts. Try again after %(time)s (UTC).")
        % {"time": formats.time_format(local, "H:i")},
        code="login_locked",
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """After 5 failures for a username from one address in 15 minutes, refuse for 15 minutes."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        key = throttle.throttle_key(username, throttle.client_ip(self.request))
        until = throttle.locked_until(key)
        if until is not None:
            from tipwatch.web import audit

            audit.record("auth.login_locked", username_hmac=key[:16])
            raise _locked_error(until)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and self.cleaned_data.get("password"):
                throttle.record_failure(key)
                until = throttle.locked_until(key)
                if until is not None:
                    raise _locked_error(until) from None
            raise
        throttle.clear_failures(key)
        return cleaned
