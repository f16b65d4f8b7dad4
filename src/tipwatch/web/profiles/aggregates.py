"""Figures for profiles: weekly series, stacked weekly series, counts, and the indicator mix.

Every function takes a queryset of ads already scoped to one organisation (``.for_org``) and
returns plain data that ``json_script`` can hand to Chart.js:

* :func:`weekly` -> ``{"unit": "week", "labels": [monday ISO date], "counts": [n]}``
  (the format of ``static/tipwatch/charts.js``);
* :func:`stacked_weekly` -> ``{"labels": [...], "datasets": [{"label", "data"}]}``
  (drawn as stacked bars by ``static/profiles/profiles.js``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.apps import apps
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import Coalesce, TruncDate

from tipwatch.web.ads.models import Mention

__all__ = [
    "INDICATOR_ROW_LIMIT",
    "OTHER",
    "WEEK_LIMIT",
    "assessment_model",
    "city_weeks",
    "co_entities",
    "field_counts",
    "indicator_mix",
    "indicator_weeks",
    "span",
    "stacked_weekly",
    "week_of",
    "weekly",
]

WEEK_LIMIT = 104  # two years of weekly bars: older weeks are cut from charts (totals keep them)
INDICATOR_ROW_LIMIT = 20_000  # most recent assessed ads read for the indicator mix
OTHER = "other"
_SEEN = Coalesce("posted_at", "first_ingested_at")


def week_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def _weeks(days: Iterable[date], limit: int) -> list[date]:
    days = [d for d in days if d is not None]
    if not days:
        return []
    cur, end = week_of(min(days)), week_of(max(days))
    out = []
    while cur <= end:
        out.append(cur)
        cur += timedelta(days=7)
    return out[-limit:]


def _daily(ads: QuerySet, *extra: str) -> list[tuple]:
    qs = ads.order_by().annotate(day=TruncDate(_SEEN))
    return list(qs.values_list(*extra, "day").annotate(n=Count("id")))


def weekly(ads: QuerySet, *, limit: int = WEEK_LIMIT) -> dict:
    """Ads per week (posted, else first ingested), empty weeks filled with 0."""
    counts: Counter = Counter()
    for day, n in _daily(ads):
        if day is not None:
            counts[week_of(day)] += n
    labels = _weeks(counts, limit)
    return {"unit": "week", "labels": [w.isoformat() for w in labels], "counts": [counts[w] for w in labels]}


def stacked_weekly(rows: Iterable[tuple], *, top: int = 8, limit: int = WEEK_LIMIT) -> dict:
    """``[(day, series, n)]`` as weekly stacked series: the ``top`` biggest series, the rest in "other".

    Series are ordered by total, biggest first; a blank series name reads "—".
    """
    per: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for day, series, n in rows:
        if day is None:
            continue
        name = series or "—"
        per[name][week_of(day)] += n
        totals[name] += n
    labels = _weeks((w for c in per.values() for w in c), limit)
    keep = [name for name, _ in totals.most_common(top)]
    datasets = [{"label": name, "data": [per[name][w] for w in labels]} for name in keep]
    rest = [name for name in totals if name not in keep]
    if rest:
        datasets.append({"label": OTHER, "data": [sum(per[name][w] for name in rest) for w in labels]})
    return {"labels": [w.isoformat() for w in labels], "datasets": datasets}


def city_weeks(ads: QuerySet, *, top: int = 8) -> dict:
    """Ads per week and city (stacked)."""
    return stacked_weekly(((day, city, n) for city, day, n in _daily(ads, "city")), top=top)


def field_counts(ads: QuerySet, name: str, limit: int = 50) -> list[dict]:
    """``[{"value", "n"}]`` of ``name`` (city, language, site, country) over ``ads``, biggest first."""
    rows = ads.order_by().values(name).annotate(n=Count("id")).order_by("-n", name)[:limit]
    return [{"value": r[name], "n": r["n"]} for r in rows]


def span(ads: QuerySet) -> dict:
    """``{"first", "last"}`` dates the ads were seen (posted, else first ingested)."""
    return ads.order_by().aggregate(first=Min(_SEEN), last=Max(_SEEN))


def assessment_model():
    """The Assessment model of ``tipwatch.web.assess`` when that app is installed, else None."""
    for config in apps.get_app_configs():
        if config.name == "tipwatch.web.assess":
            try:
                return config.get_model("Assessment")
            except LookupError:
                return None
    return None


def _category(ind: dict) -> str:
    cat = ind.get("category") if isinstance(ind, dict) else None
    return str(cat).replace("_", " ") if cat else OTHER


def indicator_weeks(organisation, ads: QuerySet, *, limit: int = INDICATOR_ROW_LIMIT) -> list[tuple]:
    """``[(day, category, 1)]``: each assessed ad counts once per indicator category it shows.

    Reads the most recent ``limit`` assessments of ``ads``; [] when assessments are not installed.
    """
    model = assessment_model()
    if model is None:
        return []
    rows = (
        model.objects.filter(organisation=organisation, ad__in=ads)
        .annotate(day=TruncDate(Coalesce("ad__posted_at", "ad__first_ingested_at")))
        .order_by("-day")
        .values_list("day", "indicators")[:limit]
    )
    out: list[tuple] = []
    for day, indicators in rows:
        for cat in sorted({_category(i) for i in indicators or ()}):
            out.append((day, cat, 1))
    return out


def indicator_mix(organisation, ads: QuerySet) -> dict | None:
    """Weekly stacked indicator categories of ``ads``; None when assessments are not installed."""
    if assessment_model() is None:
        return None
    return stacked_weekly(indicator_weeks(organisation, ads), top=10)


def co_entities(
    organisation, ads: QuerySet, types: tuple[str, ...], *, exclude=None, limit: int = 50
) -> list[dict]:
    """Entities of ``types`` mentioned in ``ads``: ``[{"entity_id", "type", "value", "ads", "first", "last"}]``."""
    qs = Mention.objects.for_org(organisation).filter(ad__in=ads, entity__type__in=types)
    if exclude is not None:
        qs = qs.exclude(entity=exclude)
    seen = Coalesce("ad__posted_at", "ad__first_ingested_at")
    rows = (
        qs.order_by()
        .values("entity_id", "entity__type", "entity__value")
        .annotate(n=Count("ad_id", distinct=True), first=Min(seen), last=Max(seen))
        .order_by("-n", "entity__value")[:limit]
    )
    return [
        {
            "entity_id": r["entity_id"],
            "type": r["entity__type"],
            "value": r["entity__value"],
            "ads": r["n"],
            "first": r["first"],
            "last": r["last"],
        }
        for r in rows
    ]
