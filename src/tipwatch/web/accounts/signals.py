"""Audit sign-ins, sign-outs and failed sign-ins (never the password, never the username in clear)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tipwatch.web import audit


def _org_of(user):
    m = user.memberships.select_related("organisation").order_by("id").first()
    return m.organisation if m is not None else None


@receiver(user_logged_in, dispatch_uid="tipwatch.audit.login")
def _on_login(sender, request, user, **kwargs):
    audit.record("auth.login", actor=user, organisation=_org_of(user))


@receiver(user_logged_out, dispatch_uid="tipwatch.audit.logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user, organisation=_org_of(user))


@receiver(user_login_failed, dispatch_uid="tipwatch.audit.login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # A mistyped password sometimes lands in the username box: store a digest, not the text.
    username = str(credentials.get("username", ""))
    # Keyed (HMAC with the secret key), so a password typed as a username cannot be recovered
    # from the audit log with a wordlist; the same username still gives the same digest.
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        b"login-failed\x1f" + username.strip().casefold().encode(),
        hashlib.sha256,
    ).hexdigest()[:16]
    audit.record("auth.login_failed", username_hmac=digest)
