"""Pages: ads list, ad, entity, search, ingest runs. Every query starts from ``.for_org``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from tipwatch.web import audit
from tipwatch.web.accounts.roles import role_required
from tipwatch.web.ads.forms import AdFilterForm
from tipwatch.web.ads.highlight import highlight
from tipwatch.web.ads.models import CONTACT_TYPES, Ad, Entity, IngestRun, Mention
from tipwatch.web.ads.movement import movement_context
from tipwatch.web.ads.search import search
from tipwatch.web.ads.timeline import city_table, daily_counts, timeline
from tipwatch.web.links.context import ad_link_context, entity_operations

__all__ = ["AD_ROLES", "ad_detail", "ad_list", "entity_detail", "run_detail", "run_list", "search_view"]

# Caseworkers look after people, not ad streams: they do not browse the monitored ads.
AD_ROLES = ("analyst", "investigator", "hotline_operator", "org_admin", "platform_admin")
PAGE_SIZE = 25


def _distinct(ads, name: str, limit: int = 300) -> list[str]:
    return [v for v in ads.order_by(name).values_list(name, flat=True).distinct()[:limit] if v]


@role_required(*AD_ROLES)
def ad_list(request):
    org = request.organisation
    ads = Ad.objects.for_org(org)
    form = AdFilterForm(request.GET or None)
    filtered = form.filter(ads) if request.GET else ads
    page = Paginator(filtered.order_by("-posted_at", "-id").select_related("source"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "choices": [
            (name, form.fields[name].label, _distinct(ads, name), request.GET.get(name, ""))
            for name in ("site", "city", "country", "language")
        ],
    }
    template = "ads/_ad_table.html" if getattr(request, "htmx", False) else "ads/ad_list.html"
    return render(request, template, ctx)


def _entity_url(entity) -> str:
    return reverse("entity_detail", args=[entity.pk])


@role_required(*AD_ROLES)
def ad_detail(request, pk: int):
    org = request.organisation
    ad = get_object_or_404(Ad.objects.for_org(org).select_related("source", "run"), pk=pk)
    mentions = list(
        Mention.objects.for_org(org).filter(ad=ad).select_related("entity").order_by("field", "start")
    )
    audit.record("ad.view", actor=request.user, organisation=org, obj=ad)
    ctx = {
        "ad": ad,
        "title_html": highlight(ad.title, [m for m in mentions if m.field == "title"], _entity_url),
        "body_html": highlight(ad.body, [m for m in mentions if m.field == "body"], _entity_url),
        "mentions": mentions,
        "links": ad_link_context(org, ad),
    }
    return render(request, "ads/ad_detail.html", ctx)


@role_required(*AD_ROLES)
def entity_detail(request, pk: int):
    org = request.organisation
    entity = get_object_or_404(Entity.objects.for_org(org), pk=pk)
    ad_ids = Mention.objects.for_org(org).filter(entity=entity).values("ad_id")
    ads = Ad.objects.for_org(org).filter(pk__in=ad_ids)
    page = Paginator(ads.order_by("-posted_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    cities = list(ads.order_by().values("city").annotate(n=Count("id")).order_by("-n", "city")[:50])
    related = list(
        Mention.objects.for_org(org)
        .filter(ad_id__in=ad_ids, entity__type__in=CONTACT_TYPES)
        .exclude(entity=entity)
        .order_by()
        .values("entity_id", "entity__type", "entity__value")
        .annotate(n=Count("ad_id", distinct=True))
        .order_by("-n", "entity__value")[:20]
    )
    audit.record("entity.view", actor=request.user, organisation=org, obj=entity, type=entity.type)
    ctx = {
        "entity": entity,
        "page": page,
        "cities": cities,
        "related": related,
        "chart": timeline(daily_counts(ads)),
        "city_table": city_table(daily_counts(ads, by_city=True)),
        "operations": entity_operations(org, ad_ids),
        "movement": movement_context(ads),
    }
    return render(request, "ads/entity_detail.html", ctx)


@role_required(*AD_ROLES)
def search_view(request):
    org = request.organisation
    q = request.GET.get("q", "")
    result = search(org, q)
    if result.query:
        audit.record(
            "search",
            actor=request.user,
            organisation=org,
            query=result.query,
            entity_hits=len(result.entities),
        )
    if result.single_entity is not None and request.GET.get("all") != "1":
        return redirect("entity_detail", pk=result.single_entity.pk)
    page = Paginator(result.ads, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "result": result,
        "page": page,
        "q": result.query,
        "filter_query": urlencode({"q": result.query, "all": "1"}),
    }
    return render(request, "ads/search.html", ctx)


@role_required("analyst", "investigator", "org_admin", "platform_admin")
def run_list(request):
    runs = IngestRun.objects.for_org(request.organisation).select_related("source")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ads/run_list.html", {"page": page})


@role_required("analyst", "investigator", "org_admin", "platform_admin")
def run_detail(request, pk: int):
    run = get_object_or_404(IngestRun.objects.for_org(request.organisation).select_related("source"), pk=pk)
    codes: dict[str, int] = {}
    for r in run.rejects:
        codes[r.get("code", "")] = codes.get(r.get("code", ""), 0) + 1
    return render(
        request,
        "ads/run_detail.html",
        {"run": run, "reject_codes": sorted(codes.items(), key=lambda kv: -kv[1])},
    )
