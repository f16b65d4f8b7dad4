"""Sets ``request.organisation`` and ``request.membership`` for signed-in users."""

from __future__ import annotations

from tipwatch.web.accounts.models import Membership

__all__ = ["OrganisationMiddleware", "SESSION_ORG_KEY"]

SESSION_ORG_KEY = "tipwatch_org_id"


class OrganisationMiddleware:
    """Chooses the active membership: the one stored in the session, else the user's first.

    Anonymous users and users without a membership get ``None`` for both attributes;
    every organisation-scoped query then returns nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(
                Membership.objects.filter(user=user).select_related("organisation").order_by("id")
            )
            if memberships:
                wanted = request.session.get(SESSION_ORG_KEY)
                chosen = next((m for m in memberships if m.organisation_id == wanted), memberships[0])
                request.membership = chosen
                request.organisation = chosen.organisation
        return self.get_response(request)
