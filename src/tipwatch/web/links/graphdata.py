"""The organisation's entity graph, built from stored rows and cached per process.

    g = org_graph(org)                   # OrgGraph, rebuilt only after a relink
    g.graph.explain("12", "40")         # EntityGraph ids are ad primary keys as strings
    g.key_ads["phone:+19295550147"]     # [12, 40, ...]

Keys are the engine's (``phone:+E164``, ``email:…``, ``handle:platform:name``,
``payment:kind:value``, ``template:tpl-…``, ``image:<group>``). The cache is keyed by the
organisation's :class:`~tipwatch.web.links.models.LinkState` generation, which every relink bumps,
so a web worker never explains links with a stale graph.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tipwatch.engine.link import EntityGraph
from tipwatch.engine.link.graph import LINK_TYPES
from tipwatch.web.ads.models import Mention
from tipwatch.web.links.models import AdImage, AdLink, LinkState

__all__ = ["OrgGraph", "build_graph", "contact_keys", "key_kind", "key_label", "org_graph", "remember"]


@dataclass
class OrgGraph:
    """An :class:`EntityGraph` over an organisation's ads plus the key lists it was built from."""

    generation: int
    graph: EntityGraph
    ad_keys: dict[int, list[str]] = field(default_factory=dict)
    key_ads: dict[str, list[int]] = field(default_factory=dict)
    key_entity: dict[str, int] = field(default_factory=dict)  # contact key -> Entity pk

    def live_keys(self, ad_pk: int) -> list[str]:
        """The keys of an ad that are not hubs (what the graph page draws)."""
        is_hub = self.graph.is_hub
        return [k for k in self.ad_keys.get(ad_pk, ()) if not is_hub(k)]


def _contact_key(typ: str, value: str, attrs: dict | None) -> str:
    # Mirrors tipwatch.engine.link.graph.entity_keys, from stored mention rows.
    if typ == "handle":
        return f"handle:{(attrs or {}).get('platform') or 'any'}:{value.lower()}"
    if typ == "payment":
        return f"payment:{(attrs or {}).get('kind') or 'any'}:{value}"
    if typ == "email":
        return f"email:{value.lower()}"
    return f"{typ}:{value}"


def contact_keys(organisation) -> tuple[dict[int, list[str]], dict[str, int]]:
    """Linking contact keys per ad pk (from the mentions), and each key's entity pk."""
    per_ad: dict[int, dict[str, None]] = {}
    entity_of: dict[str, int] = {}
    rows = (
        Mention.objects.for_org(organisation)
        .filter(entity__type__in=sorted(LINK_TYPES))
        .order_by("ad_id", "field", "start")
        .values_list("ad_id", "entity_id", "entity__type", "entity__value", "attrs")
    )
    for ad_id, entity_id, typ, value, attrs in rows.iterator(chunk_size=5000):
        if not value:
            continue
        key = _contact_key(typ, value, attrs)
        per_ad.setdefault(ad_id, {})[key] = None
        entity_of.setdefault(key, entity_id)
    return {a: list(k) for a, k in per_ad.items()}, entity_of


def build_graph(
    generation: int,
    ad_pks: list[int],
    contacts: dict[int, list[str]],
    templates: dict[int, str],
    images: dict[int, list[str]],
    key_entity: dict[str, int] | None = None,
) -> OrgGraph:
    """An :class:`OrgGraph` from keys per ad; ads are added in ``ad_pks`` order (pk order)."""
    graph = EntityGraph()
    ad_keys: dict[int, list[str]] = {}
    key_ads: dict[str, list[int]] = {}
    for pk in ad_pks:
        keys = list(contacts.get(pk, ()))
        tpl = templates.get(pk)
        if tpl:
            keys.append(f"template:{tpl}")
        keys.extend(f"image:{g}" for g in dict.fromkeys(images.get(pk, ())))
        graph.add(str(pk), keys=keys)
        ad_keys[pk] = keys
        for k in keys:
            key_ads.setdefault(k, []).append(pk)
    return OrgGraph(generation, graph, ad_keys, key_ads, key_entity or {})


def _load(organisation, generation: int) -> OrgGraph:
    from tipwatch.web.ads.models import Ad

    ad_pks = list(Ad.objects.for_org(organisation).order_by("pk").values_list("pk", flat=True))
    contacts, key_entity = contact_keys(organisation)
    templates = dict(
        AdLink.objects.for_org(organisation)
        .filter(template__isnull=False)
        .values_list("ad_id", "template__key")
    )
    images: dict[int, list[str]] = {}
    for ad_id, group in (
        AdImage.objects.for_org(organisation)
        .exclude(group_key="")
        .order_by("pk")
        .values_list("ad_id", "group_key")
    ):
        images.setdefault(ad_id, []).append(group)
    return build_graph(generation, ad_pks, contacts, templates, images, key_entity)


_CACHE: dict[int, OrgGraph] = {}
_LOCK = threading.Lock()


def remember(organisation, og: OrgGraph) -> None:
    """Keep ``og`` as the organisation's current graph (relink calls it after saving)."""
    with _LOCK:
        _CACHE[organisation.pk] = og


def org_graph(organisation) -> OrgGraph:
    """The current graph of the organisation: cached until the next relink bumps the generation."""
    generation = LinkState.objects.for_org(organisation).values_list("generation", flat=True).first() or 0
    cached = _CACHE.get(organisation.pk)
    if cached is not None and cached.generation == generation:
        return cached
    og = _load(organisation, generation)
    remember(organisation, og)
    return og


def key_kind(key: str) -> str:
    """``phone``, ``email``, ``handle``, ``payment``, ``template`` or ``image``."""
    return key.split(":", 1)[0]


def key_label(key: str) -> str:
    """What the UI shows for a key: the value without its type prefix (handles keep the platform)."""
    kind, _, rest = key.partition(":")
    if kind == "payment":
        return rest.partition(":")[2] or rest
    if kind == "handle":
        platform, _, name = rest.partition(":")
        return f"@{name}" if platform == "any" else f"{platform}: @{name}"
    if kind == "image":
        return f"photo {rest[:10]}"
    return rest
