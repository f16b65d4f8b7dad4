"""The dashboard."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render

from tipwatch.web.accounts.roles import has_role, role_required
from tipwatch.web.ads.models import Ad, Entity, IngestRun
from tipwatch.web.ads.timeline import daily_counts, timeline
from tipwatch.web.ads.views import AD_ROLES

__all__ = ["home"]


@role_required()
def home(request):
    org = request.organisation
    sees_ads = has_role(request, AD_ROLES)
    ads = Ad.objects.for_org(org)
    by_type = list(
        Entity.objects.for_org(org).order_by().values("type").annotate(n=Count("id")).order_by("-n")
    )
    ctx = {
        "ad_total": ads.count(),
        "entity_total": sum(r["n"] for r in by_type),
        "by_type": by_type,
        "obfuscated_total": ads.filter(has_obfuscated_contact=True).count(),
        # contacts and runs only for the roles that may open the ads pages (not caseworkers)
        "runs": IngestRun.objects.for_org(org).select_related("source")[:5] if sees_ads else [],
        "top_contacts": (
            Entity.objects.for_org(org).filter(type__in=("phone", "email", "handle"))[:10] if sees_ads else []
        ),
        "sees_ads": sees_ads,
        "chart": timeline(daily_counts(ads)),
    }
    return render(request, "core/home.html", ctx)
