"""Role checks for views: ``@role_required("analyst", ...)`` and ``RoleRequiredMixin``.

    @role_required(Role.ANALYST, Role.INVESTIGATOR)
    def view(request): ...

With no roles, any member of an organisation passes. Anonymous users go to the login page;
signed-in users without a matching role get 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

__all__ = ["ALL_STAFF_ROLES", "RoleRequiredMixin", "has_role", "role_required"]

ALL_STAFF_ROLES: tuple[str, ...] = (
    "analyst",
    "hotline_operator",
    "caseworker",
    "investigator",
    "org_admin",
    "platform_admin",
)


def has_role(request, roles: tuple[str, ...]) -> bool:
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    return not roles or membership.role in roles


def _check(request, roles: tuple[str, ...]):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_role(request, roles):
        raise PermissionDenied("your role in this organisation does not allow this page")
    return None


def role_required(*roles: str):
    """Decorator: the signed-in user's active membership must hold one of ``roles``."""
    unknown = [r for r in roles if r not in ALL_STAFF_ROLES]
    if unknown:
        raise ValueError(f"role_required: unknown role(s) {unknown}; valid roles are {list(ALL_STAFF_ROLES)}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            denied = _check(request, roles)
            if denied is not None:
                return denied
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator


class RoleRequiredMixin:
    """Class-based-view twin of :func:`role_required`; set ``required_roles``."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        denied = _check(request, tuple(self.required_roles))
        if denied is not None:
            return denied
        return super().dispatch(request, *args, **kwargs)
