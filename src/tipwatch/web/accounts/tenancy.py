"""Tenant scoping: every organisation-owned model gets ``.for_org(org)``.

Views never query organisation data unscoped; they start from ``Model.objects.for_org(org)``.
"""

from __future__ import annotations

from django.db import models

__all__ = ["OrgManager", "OrgQuerySet"]


class OrgQuerySet(models.QuerySet):
    def for_org(self, organisation) -> OrgQuerySet:
        """Rows belonging to ``organisation`` only (none at all when it is None)."""
        if organisation is None:
            return self.none()
        return self.filter(organisation=organisation)


OrgManager = models.Manager.from_queryset(OrgQuerySet)
