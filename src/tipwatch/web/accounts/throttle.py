"""Login throttling: 5 failures per (username, IP hash) in 15 minutes lock that pair for 15 minutes.

Failures live in the database (``LoginFailure``), so the lock holds across worker processes.
Neither the username nor the IP address is stored: only an HMAC of the pair.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from tipwatch.web.accounts.models import LoginFailure

__all__ = ["clear_failures", "client_ip", "locked_until", "record_failure", "throttle_key"]


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


def throttle_key(username: str, ip: str) -> str:
    msg = f"{(username or '').strip().casefold()}\x1f{ip}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()


def locked_until(key: str, *, now: datetime | None = None) -> datetime | None:
    """When the pair may try again, or None when it is not locked."""
    now = now or timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    lock = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    limit = settings.LOGIN_MAX_FAILURES
    # The lock starts at the failure that reached the limit inside the window before it.
    recent = list(
        LoginFailure.objects.filter(key=key, at__gte=now - window - lock)
        .order_by("at")
        .values_list("at", flat=True)
    )
    until = None
    for i in range(limit - 1, len(recent)):
        if recent[i] - recent[i - limit + 1] <= window:
            until = recent[i] + lock
    if until is not None and until > now:
        return until
    return None


def record_failure(key: str) -> None:
    LoginFailure.objects.create(key=key, at=timezone.now())
    # Keep the table small: nothing older than window + lock matters.
    horizon = timezone.now() - timedelta(
        seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + settings.LOGIN_LOCKOUT_SECONDS
    )
    LoginFailure.objects.filter(at__lt=horizon).delete()


def clear_failures(key: str) -> None:
    LoginFailure.objects.filter(key=key).delete()
