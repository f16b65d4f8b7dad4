"""Accounts and organisations: tenants, memberships with roles, login with throttling.

Public surface: ``models.Organisation``, ``models.Membership``, ``models.Role``,
``roles.role_required``, ``roles.RoleRequiredMixin``, ``tenancy.OrgQuerySet``.
"""

__all__: list[str] = []
