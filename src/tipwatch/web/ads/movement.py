"""Movement of an entity or an operation: where its ads were posted, over time, on a map.

The engine decides what counts as a stay, a move and a circuit
(:mod:`tipwatch.engine.link.movement`); this module feeds it the ads of a queryset and shapes the
result for the ``ads/_movement.html`` partial:

* ``stays``: one row per stay (city, country, first and last ad, number of ads), in time order;
* ``moves``: "moved from A to B on date" events; ``circuits``: cities visited in a repeating order;
* ``map``: JSON for ``static/tipwatch/map.js`` (points with coordinates from the bundled gazetteer,
  and the path between consecutive stays);
* ``timeline``: an SVG swim-lane chart (one lane per city, one bar per stay), drawn on the server so
  it needs no script and no inline style (the Content-Security-Policy allows neither).

The place of an ad is its ``city`` field (with the gazetteer's coordinates; a missing country is
filled in from there, so "Sochi" and "Sochi (RU)" are one place), else the first city its text
mentions in the ad's country (the location extractor's own coordinates). Ads with neither are
left out, and counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tipwatch.engine.extract.locations import locate
from tipwatch.engine.link.movement import Sighting, circuits, moves, stays

__all__ = ["MAX_ADS", "coordinates", "movement_context"]

MAX_ADS = 5000  # the most recent ads of a very large entity are enough to show where it goes
_LANE_H = 22
_LABEL_W = 150
_CHART_W = 640


def coordinates(city: str, country: str) -> tuple[float, float, str] | None:
    """(lat, lon, country) of a city named ``city`` in ``country`` (ISO code; when empty, the most
    populous city of that name), from the bundled gazetteer."""
    found = locate(city, country)
    return (found.lat, found.lon, found.country) if found is not None else None


def _mentioned_cities(
    org_id: int | None, pks: list[int]
) -> dict[int, tuple[str, str, float | None, float | None]]:
    """The first city named in each ad of ``pks`` (title before body, then by position)."""
    if not pks:
        return {}
    from tipwatch.web.ads.models import Mention

    found: dict[int, tuple[str, str, float | None, float | None]] = {}
    rows = (
        Mention.objects.filter(organisation_id=org_id, ad_id__in=pks, entity__type="location")
        .order_by("ad_id", "-field", "start")  # "title" sorts after "body": descending puts it first
        .values_list("ad_id", "entity__value", "attrs")
    )
    for ad_id, name, attrs in rows.iterator():
        if ad_id in found:
            continue
        attrs = attrs or {}
        found[ad_id] = (name, str(attrs.get("country") or "").upper(), attrs.get("lat"), attrs.get("lon"))
    return found


def _iso(when: datetime) -> str:
    return when.date().isoformat()


def movement_context(ads, *, limit: int = MAX_ADS) -> dict[str, Any]:
    """Stays, moves, circuits, map JSON and SVG timeline of the ads in ``ads`` (an org-scoped queryset)."""
    rows = list(
        ads.order_by("-posted_at", "-id").values_list(
            "pk", "posted_at", "first_ingested_at", "city", "country", "organisation_id"
        )[:limit]
    )
    truncated = len(rows) >= limit
    mentioned = _mentioned_cities(rows[0][5] if rows else None, [r[0] for r in rows if not r[3]])
    sightings: list[Sighting] = []
    no_city = 0
    for pk, posted, ingested, city, country, _org in rows:
        when = posted or ingested
        country = (country or "").upper()
        lat = lon = None
        if city:
            ll = coordinates(city, country)
            if ll is not None:
                lat, lon, country = ll
        elif pk in mentioned and (not country or mentioned[pk][1] == country):
            # a city named in the text, if it lies in the ad's country (when the ad has one):
            # a name like "Milana" read as an inflected "Milan" must not send a Russian ad to Italy
            city, country, lat, lon = mentioned[pk]
        if not city or when is None:
            no_city += 1
            continue
        sightings.append(Sighting(str(pk), when, city, country, lat, lon))
    sightings.sort(key=lambda s: (s.when, s.ad_id))
    found_stays = stays(sightings)
    found_moves = moves(sightings)
    found_circuits = circuits(sightings)
    return {
        "stays": [
            {
                "city": s.city,
                "country": s.country,
                "first": s.first,
                "last": s.last,
                "n": len(s.ads),
                "located": s.lat is not None,
            }
            for s in found_stays
        ],
        "moves": [
            {"text": m.describe(), "when": m.arrived, "ad_from": m.ad_from, "ad_to": m.ad_to}
            for m in found_moves
        ],
        "circuits": [
            {"cities": list(c.cities), "loops": c.loops, "first": c.first, "last": c.last}
            for c in found_circuits
        ],
        "map": _map_data(found_stays),
        "timeline": _timeline(found_stays),
        "n_ads": len(rows),
        "no_city": no_city,
        "truncated": truncated,
    }


def _map_data(found_stays) -> dict[str, Any]:
    points: dict[tuple[str, str], dict[str, Any]] = {}
    path: list[list[float]] = []
    for s in found_stays:
        if s.lat is None or s.lon is None:
            continue
        key = (s.city, s.country)
        p = points.setdefault(
            key,
            {
                "city": s.city,
                "country": s.country,
                "lat": s.lat,
                "lon": s.lon,
                "n": 0,
                "first": _iso(s.first),
            },
        )
        p["n"] += len(s.ads)
        p["last"] = _iso(s.last)
        if not path or path[-1] != [s.lat, s.lon]:
            path.append([s.lat, s.lon])
    return {"points": list(points.values()), "path": path}


def _timeline(found_stays) -> dict[str, Any] | None:
    """Swim lanes: one per city (in order of first visit), one bar per stay, x scaled to the time span."""
    if not found_stays:
        return None
    t0 = min(s.first for s in found_stays)
    t1 = max(s.last for s in found_stays)
    span = max((t1 - t0).total_seconds(), 86400.0)
    lanes: dict[tuple[str, str], int] = {}
    for s in found_stays:
        lanes.setdefault((s.city, s.country), len(lanes))
    bars = []
    for s in found_stays:
        x = _LABEL_W + (s.first - t0).total_seconds() / span * _CHART_W
        w = max((s.last - s.first).total_seconds() / span * _CHART_W, 3.0)
        lane = lanes[(s.city, s.country)]
        bars.append(
            {
                "x": round(x, 1),
                "y": lane * _LANE_H + 4,
                "w": round(w, 1),
                "title": f"{s.city} ({s.country}): {_iso(s.first)} – {_iso(s.last)}, {len(s.ads)}",
            }
        )
    return {
        "width": _LABEL_W + _CHART_W + 10,
        "height": len(lanes) * _LANE_H + 24,
        "axis_y": len(lanes) * _LANE_H + 16,
        "start": _iso(t0),
        "end": _iso(t1),
        "end_x": _LABEL_W + _CHART_W,
        "label_x": _LABEL_W - 6,
        "lanes": [
            {"label": f"{city} ({country})" if country else city, "y": i * _LANE_H + 16}
            for (city, country), i in lanes.items()
        ],
        "bars": bars,
        "bar_h": _LANE_H - 8,
    }
