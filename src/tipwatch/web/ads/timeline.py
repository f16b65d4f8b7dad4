"""Ads-over-time aggregates for charts and the city-by-time table (per day, week or month)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, TruncDate

__all__ = ["bucket_of", "city_table", "daily_counts", "timeline"]


def daily_counts(ads: QuerySet, *, by_city: bool = False) -> list[tuple]:
    """[(day, n)] or [(city, day, n)] for ``ads``, the day being posted_at (else first ingested)."""
    qs = ads.order_by().annotate(day=TruncDate(Coalesce("posted_at", "first_ingested_at")))
    if by_city:
        return list(qs.values_list("city", "day").annotate(n=Count("id")))
    return list(qs.values_list("day").annotate(n=Count("id")))


def bucket_of(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return "day"
    span = (last - first).days
    return "day" if span <= 62 else "week" if span <= 400 else "month"


def _bucket(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _next(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    if unit == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def _labels(days: list[date], unit: str, limit: int) -> list[date]:
    if not days:
        return []
    cur, end = _bucket(min(days), unit), _bucket(max(days), unit)
    out = []
    while cur <= end:
        out.append(cur)
        cur = _next(cur, unit)
    return out[-limit:]


def timeline(rows: list[tuple], *, limit: int = 120) -> dict:
    """Chart.js-ready ``{"unit", "labels", "counts"}`` from ``daily_counts`` rows, gaps filled with 0."""
    days = [d for d, _n in rows if d is not None]
    unit = bucket_of(min(days, default=None), max(days, default=None))
    counts: Counter = Counter()
    for d, n in rows:
        if d is not None:
            counts[_bucket(d, unit)] += n
    labels = _labels(days, unit, limit)
    return {"unit": unit, "labels": [d.isoformat() for d in labels], "counts": [counts[d] for d in labels]}


def city_table(rows: list[tuple], *, max_cities: int = 15, max_columns: int = 24) -> dict:
    """``{"unit", "columns": [label], "rows": [(city, total, [n per column])]}`` from by-city rows."""
    days = [d for _c, d, _n in rows if d is not None]
    unit = bucket_of(min(days, default=None), max(days, default=None))
    per: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for city, d, n in rows:
        if d is None:
            continue
        per[city or ""][_bucket(d, unit)] += n
        totals[city or ""] += n
    columns = _labels(days, unit, max_columns)
    table = [(city, total, [per[city][c] for c in columns]) for city, total in totals.most_common(max_cities)]
    return {"unit": unit, "columns": [c.isoformat() for c in columns], "rows": table}
