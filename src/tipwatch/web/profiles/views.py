"""Pages: the index of sites, a site's profile, an entity's profile. Every query starts from ``.for_org``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from tipwatch.web import audit
from tipwatch.web.accounts.roles import role_required
from tipwatch.web.ads.models import CONTACT_TYPES, Ad, Entity, Mention
from tipwatch.web.profiles.aggregates import (
    city_weeks,
    co_entities,
    field_counts,
    indicator_mix,
    span,
    weekly,
)

__all__ = ["NAME_TYPES", "PROFILE_ROLES", "entity_profile", "site_index", "site_profile"]

# Caseworkers look after people, not ad streams (as on the ads pages).
PROFILE_ROLES = ("analyst", "investigator", "hotline_operator", "org_admin", "platform_admin")
NAME_TYPES = ("name", "alias", "person")  # entity types that carry a person's (working) name
PAGE_SIZE = 50


def _bars(rows: list[dict]) -> dict:
    """``field_counts`` rows in the format of ``static/tipwatch/charts.js``."""
    return {"unit": "", "labels": [r["value"] or "—" for r in rows], "counts": [r["n"] for r in rows]}


@role_required(*PROFILE_ROLES)
def site_index(request):
    org = request.organisation
    q = request.GET.get("q", "").strip()[:253]
    sites = Ad.objects.for_org(org).exclude(site="")
    if q:
        sites = sites.filter(site__icontains=q)
    seen = Coalesce("posted_at", "first_ingested_at")
    rows = (
        sites.order_by()
        .values("site")
        .annotate(
            n=Count("id"),
            cities=Count("city", distinct=True),
            languages=Count("language", distinct=True),
            first=Min(seen),
            last=Max(seen),
        )
        .order_by("-n", "site")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "profiles/site_index.html",
        {"page": page, "q": q, "filter_query": urlencode({"q": q}) if q else ""},
    )


def _top_contacts(org, ads, limit: int = 20) -> list[dict]:
    """Contacts in most of ``ads``, with the number of sites each appears on (all of the org's ads)."""
    rows = co_entities(org, ads, CONTACT_TYPES, limit=limit)
    sites = dict(
        Mention.objects.for_org(org)
        .filter(entity_id__in=[r["entity_id"] for r in rows])
        .exclude(ad__site="")
        .order_by()
        .values("entity_id")
        .annotate(n=Count("ad__site", distinct=True))
        .values_list("entity_id", "n")
    )
    for r in rows:
        r["sites"] = sites.get(r["entity_id"], 0)
    return rows


@role_required(*PROFILE_ROLES)
def site_profile(request, site: str):
    org = request.organisation
    ads = Ad.objects.for_org(org).filter(site=site)
    total = ads.count()
    if not total:
        raise Http404("no ads from this site in your organisation")
    entity_types = list(
        Mention.objects.for_org(org)
        .filter(ad__in=ads)
        .order_by()
        .values("entity__type")
        .annotate(entities=Count("entity_id", distinct=True), ads=Count("ad_id", distinct=True))
        .order_by("-ads", "entity__type")
    )
    cities = field_counts(ads, "city")
    languages = field_counts(ads, "language")
    audit.record("profile.site.view", actor=request.user, organisation=org, site=site, ads=total)
    ctx = {
        "site": site,
        "total": total,
        "span": span(ads),
        "weekly": weekly(ads),
        "city_weeks": city_weeks(ads),
        "cities": cities,
        "language_counts": languages,
        "language_bars": _bars(languages),
        "entity_types": entity_types,
        "mix": indicator_mix(org, ads),
        "contacts": _top_contacts(org, ads),
    }
    return render(request, "profiles/site_profile.html", ctx)


@role_required(*PROFILE_ROLES)
def entity_profile(request, pk: int):
    org = request.organisation
    entity = get_object_or_404(Entity.objects.for_org(org), pk=pk)
    ads = Ad.objects.for_org(org).filter(
        pk__in=Mention.objects.for_org(org).filter(entity=entity).values("ad_id")
    )
    languages = field_counts(ads, "language")
    people = co_entities(org, ads, (*NAME_TYPES, "age"), exclude=entity, limit=200)
    ages = sorted((p for p in people if p["type"] == "age"), key=lambda p: (_age_key(p["value"]), p["value"]))
    audit.record("profile.entity.view", actor=request.user, organisation=org, obj=entity, type=entity.type)
    ctx = {
        "entity": entity,
        "total": ads.count(),
        "span": span(ads),
        "weekly": weekly(ads),
        "city_weeks": city_weeks(ads),
        "cities": field_counts(ads, "city"),
        "language_counts": languages,
        "language_bars": _bars(languages),
        "sites": field_counts(ads.exclude(site=""), "site"),
        "mix": indicator_mix(org, ads),
        "names": [p for p in people if p["type"] != "age"][:50],
        "ages": ages,
        "related": co_entities(org, ads, CONTACT_TYPES, exclude=entity, limit=20),
    }
    return render(request, "profiles/entity_profile.html", ctx)


def _age_key(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("inf")
