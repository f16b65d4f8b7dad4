"""Organisations (tenants), memberships with roles, and failed-login records for throttling."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["LoginFailure", "Membership", "Organisation", "Role"]


class Role(models.TextChoices):
    ANALYST = "analyst", _("Analyst")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CASEWORKER = "caseworker", _("Caseworker")
    INVESTIGATOR = "investigator", _("Investigator")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


class Organisation(models.Model):
    """A tenant: a police unit, hotline or NGO. Its data is visible to its members only."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 alpha-2"))
    default_region = models.CharField(
        _("default region"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 alpha-2 region used to read phone numbers written without a country code"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role within one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_user_org_uniq")
        ]
        ordering = ["organisation__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


class LoginFailure(models.Model):
    """One failed login, keyed by an HMAC of (username, client IP): neither is stored in clear."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="loginfail_key_at_idx")]
