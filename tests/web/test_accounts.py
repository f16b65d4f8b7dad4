"""Login, throttling, the organisation middleware, roles and the admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tipwatch.web.accounts.models import LoginFailure
from tipwatch.web.accounts.roles import role_required
from tipwatch.web.audit.models import AuditEvent
from web.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_public_and_has_csrf(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["home", "ad_list", "search", "run_list"])
def test_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_success_is_audited_and_sets_organisation(client, analyst, org_a):
    response = _login(client, analyst.username, PASSWORD)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor_id == analyst.pk
    assert event.organisation_id == org_a.pk
    home = client.get(reverse("home"))
    assert home.wsgi_request.organisation == org_a
    assert home.wsgi_request.membership.role == "analyst"
    assert "no-store" in home["Cache-Control"]


def test_failed_login_is_audited_without_username(client, analyst):
    response = _login(client, analyst.username, "wrong password 1")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert analyst.username not in str(event.detail)
    assert "wrong" not in str(event.detail)


def test_five_failures_lock_for_fifteen_minutes(client, analyst):
    for i in range(4):
        response = _login(client, analyst.username, f"bad {i}")
        assert "Too many" not in response.content.decode()
    response = _login(client, analyst.username, "bad 5")
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password is refused while locked, and the message says when to retry.
    response = _login(client, analyst.username, PASSWORD)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Try again after" in text
    assert not response.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(action="auth.login_locked").exists()
    # Another address is not locked out for this user.
    assert _login(client, analyst.username, PASSWORD, ip="10.0.0.2").status_code == 302


def test_lock_expires(client, analyst):
    for i in range(5):
        _login(client, analyst.username, f"bad {i}")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=16))
    assert _login(client, analyst.username, PASSWORD).status_code == 302
    assert LoginFailure.objects.count() == 0  # success clears the pair's failures


def test_failures_spread_over_more_than_window_do_not_lock(client, analyst):
    for i in range(4):
        _login(client, analyst.username, f"bad {i}")
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=20))
    _login(client, analyst.username, "bad again")
    assert _login(client, analyst.username, PASSWORD).status_code == 302


def test_logout_is_post_and_audited(client_a):
    response = client_a.post(reverse("logout"))
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()
    assert client_a.get(reverse("home")).status_code == 302


def test_caseworker_cannot_browse_ads(client, django_user_model, org_a):
    user = make_user(django_user_model, org_a, "caseworker")
    client.force_login(user)
    assert client.get(reverse("ad_list")).status_code == 403
    assert client.get(reverse("home")).status_code == 200


def test_user_without_membership_gets_403(client, django_user_model):
    user = django_user_model.objects.create_user("loner", password=PASSWORD)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 403


def test_role_required_rejects_unknown_role():
    with pytest.raises(ValueError, match="unknown role"):
        role_required("janitor")


def test_admin_only_for_platform_admin(client, django_user_model, org_a):
    org_admin = make_user(django_user_model, org_a, "org_admin", is_staff=True)
    client.force_login(org_admin)
    assert client.get("/admin/").status_code == 302  # to the admin login: not allowed
    platform = make_user(django_user_model, org_a, "platform_admin", is_staff=True, is_superuser=True)
    client.force_login(platform)
    response = client.get("/admin/")
    assert response.status_code == 200
    for model in (
        "organisation",
        "membership",
        "auditevent",
        "ad",
        "entity",
        "mention",
        "ingestrun",
        "source",
    ):
        assert f"/{model}/" in response.content.decode()


def test_superuser_without_platform_role_still_needs_staff(client, django_user_model):
    user = django_user_model.objects.create_user("nostaff", password=PASSWORD, is_superuser=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 302
