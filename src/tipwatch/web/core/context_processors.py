"""Template context every page needs."""

from __future__ import annotations

from django.conf import settings

__all__ = ["tipwatch"]


def tipwatch(request) -> dict:
    return {
        "organisation": getattr(request, "organisation", None),
        "membership": getattr(request, "membership", None),
        "tipwatch_demo": settings.TIPWATCH_DEMO,
        "search_query": request.GET.get("q", "")[:200] if request.path.endswith("/search/") else "",
    }
