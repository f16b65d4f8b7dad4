"""The Django admin, open to platform admins only."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

__all__ = ["PlatformAdminConfig", "PlatformAdminSite", "is_platform_admin"]


def is_platform_admin(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(role="platform_admin").exists()


class PlatformAdminSite(admin.AdminSite):
    site_header = "tipwatch administration"
    site_title = "tipwatch admin"

    def has_permission(self, request) -> bool:
        return is_platform_admin(request.user)


class PlatformAdminConfig(AdminConfig):
    """django.contrib.admin, served by a site that only platform admins may enter."""

    default_site = "tipwatch.web.accounts.admin_site.PlatformAdminSite"
