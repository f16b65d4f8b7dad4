"""The data behind an operation's exports and graph: plain dicts, no HTTP.

``operation_export`` feeds ``/operations/<key>.json`` and ``.csv``; ``graph_elements`` feeds
``/operations/<key>/graph.json`` (Cytoscape's ``{nodes, edges}`` with ``data`` objects).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db.models import Count
from django.urls import reverse

from tipwatch.web.ads.models import CONTACT_TYPES, Ad, Mention
from tipwatch.web.links.graphdata import OrgGraph, key_kind, key_label
from tipwatch.web.links.models import AdImage, Operation

__all__ = ["GRAPH_MAX_ADS", "csv_text", "expand_elements", "graph_elements", "operation_export"]

GRAPH_MAX_ADS = 150  # beyond this the page draws the first ads; expanding a key brings in more
EXPAND_MAX_ADS = 60
LINKS_PER_AD = 10


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def operation_export(organisation, op: Operation, og: OrgGraph) -> dict[str, Any]:
    """``{"operation", "ads", "entities", "links"}``; links carry the keys they go ``via``."""
    ads = list(
        Ad.objects.for_org(organisation)
        .filter(link__operation=op)
        .order_by("pk")
        .values(
            "pk",
            "ext_id",
            "posted_at",
            "first_ingested_at",
            "city",
            "country",
            "site",
            "url",
            "link__template__key",
        )
    )
    images: dict[int, list[str]] = {}
    for ad_id, sha in (
        AdImage.objects.for_org(organisation).filter(ad__link__operation=op).values_list("ad_id", "sha256")
    ):
        images.setdefault(ad_id, []).append(sha)
    out_ads = []
    links: list[dict[str, Any]] = []
    seen_pairs: set[tuple[int, int]] = set()
    graph = og.graph
    for a in ads:
        pk = a["pk"]
        keys = og.ad_keys.get(pk, [])
        out_ads.append(
            {
                "id": pk,
                "ext_id": a["ext_id"],
                "posted_at": _iso(a["posted_at"]),
                "ingested_at": _iso(a["first_ingested_at"]),
                "city": a["city"],
                "country": a["country"],
                "site": a["site"],
                "url": a["url"],
                "template": a["link__template__key"],
                "contacts": [k for k in keys if not k.startswith(("template:", "image:"))],
                "images": images.get(pk, []),
            }
        )
        if str(pk) not in graph:
            continue
        for nb in graph.links(str(pk), limit=LINKS_PER_AD):
            pair = tuple(sorted((pk, int(nb["id"]))))
            if pair in seen_pairs:
                continue
            seen_pairs.add(pair)
            links.append({"a": pair[0], "b": pair[1], "via": nb["via"], "weight": nb["weight"]})
    cut = {k for k, _e in op.summary.get("cut", [])}
    entities = [
        {"id": e["entity_id"], "type": e["entity__type"], "value": e["entity__value"], "ads": e["n"]}
        for e in Mention.objects.for_org(organisation)
        .filter(ad__link__operation=op, entity__type__in=CONTACT_TYPES)
        .order_by()
        .values("entity_id", "entity__type", "entity__value")
        .annotate(n=Count("ad_id", distinct=True))
        .order_by("-n", "entity__type", "entity__value")
    ]
    return {
        "operation": {
            "key": op.key,
            "size": op.size,
            "first_seen": _iso(op.first_seen),
            "last_seen": _iso(op.last_seen),
            "n_cities": op.n_cities,
            "cities": op.summary.get("cities", []),
            "cut_keys": sorted(cut),
        },
        "ads": out_ads,
        "entities": entities,
        "links": links,
    }


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: quote it (OWASP CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_text(data: dict[str, Any]) -> str:
    """One row per ad: ids, dates, place, template, contacts, photos and the ads it links to (via)."""
    via: dict[int, list[str]] = {}
    for link in data["links"]:
        via.setdefault(link["a"], []).append(f"{link['b']} via {' + '.join(link['via'])}")
        via.setdefault(link["b"], []).append(f"{link['a']} via {' + '.join(link['via'])}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "operation",
            "ad_id",
            "ext_id",
            "posted_at",
            "city",
            "country",
            "site",
            "template",
            "contacts",
            "images",
            "links",
        ]
    )
    key = data["operation"]["key"]
    for a in data["ads"]:
        w.writerow(
            [
                _cell(v)
                for v in (
                    key,
                    a["id"],
                    a["ext_id"],
                    a["posted_at"] or a["ingested_at"],
                    a["city"],
                    a["country"],
                    a["site"],
                    a["template"] or "",
                    "; ".join(a["contacts"]),
                    "; ".join(a["images"]),
                    "; ".join(via.get(a["id"], [])),
                )
            ]
        )
    return buf.getvalue()


def _key_node(key: str, og: OrgGraph) -> dict[str, Any]:
    kind = key_kind(key)
    url = ""
    if kind == "template":
        url = reverse("template_detail", args=[key.partition(":")[2]])
    elif kind == "image":
        pass
    elif key in og.key_entity:
        url = reverse("entity_detail", args=[og.key_entity[key]])
    return {
        "data": {
            "id": key,
            "kind": kind,
            "label": key_label(key)[:40],
            "url": url,
            "ads": len(og.key_ads.get(key, ())),
        }
    }


def _ad_nodes(organisation, pks: list[int], op_key: str | None) -> list[dict[str, Any]]:
    rows = (
        Ad.objects.for_org(organisation)
        .filter(pk__in=pks)
        .order_by("pk")
        .values("pk", "ext_id", "city", "posted_at", "link__operation__key")
    )
    return [
        {
            "data": {
                "id": f"ad:{r['pk']}",
                "kind": "ad",
                "pk": r["pk"],
                "label": (r["city"] or r["ext_id"])[:30],
                "city": r["city"],
                "posted": r["posted_at"].date().isoformat() if r["posted_at"] else "",
                "url": reverse("ad_detail", args=[r["pk"]]),
                "operation": r["link__operation__key"] or "",
                "outside": (r["link__operation__key"] or "") != (op_key or ""),
            }
        }
        for r in rows
    ]


def graph_elements(organisation, op: Operation, og: OrgGraph) -> dict[str, list]:
    """The operation's ads (first :data:`GRAPH_MAX_ADS`) and their non-hub keys."""
    pks = list(
        Ad.objects.for_org(organisation)
        .filter(link__operation=op)
        .order_by("pk")
        .values_list("pk", flat=True)[:GRAPH_MAX_ADS]
    )
    nodes = _ad_nodes(organisation, pks, op.key)
    edges = []
    keys: dict[str, None] = {}
    for pk in pks:
        for key in og.live_keys(pk):
            keys[key] = None
            edges.append({"data": {"id": f"ad:{pk}|{key}", "source": f"ad:{pk}", "target": key}})
    nodes.extend(_key_node(k, og) for k in keys)
    return {"nodes": nodes, "edges": edges, "truncated": op.size > len(pks)}


def expand_elements(organisation, op: Operation, og: OrgGraph, key: str) -> dict[str, list]:
    """The ads carrying ``key`` (hub keys and unknown keys give nothing), inside or outside ``op``."""
    if key not in og.key_ads or og.graph.is_hub(key):
        return {"nodes": [], "edges": []}
    pks = og.key_ads[key][:EXPAND_MAX_ADS]
    nodes = [_key_node(key, og), *_ad_nodes(organisation, pks, op.key)]
    edges = [{"data": {"id": f"ad:{pk}|{key}", "source": f"ad:{pk}", "target": key}} for pk in pks]
    return {"nodes": nodes, "edges": edges}
