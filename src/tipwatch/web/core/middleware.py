"""Response headers Django's SecurityMiddleware does not set."""

from __future__ import annotations

from django.conf import settings

__all__ = ["SecurityHeadersMiddleware"]


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy, Permissions-Policy and no-store caching for signed-in pages.

    Pages shown to a signed-in analyst contain personal data of possible victims: a shared
    computer's browser cache must not keep them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        response.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response
