"""The header search: a phone in any format, an email, a handle, a payment id, or free text.

Entity lookups go through the engine (``extract_ad`` on the query, read as an ad, with the
organisation's default region), so "(929) 555-0147", "+1 929 555 0147" and
"name at gmail dot com" find the stored normalised values. A direct parse with
phonenumbers backs the engine up for a bare number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import phonenumbers
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from tipwatch.engine.extract import extract_ad
from tipwatch.engine.types import Ad as EngineAd
from tipwatch.web.ads.models import CONTACT_TYPES, Ad, Entity

__all__ = ["MAX_QUERY", "SearchResult", "entity_candidates", "search", "text_matches"]

MAX_QUERY = 200
_PHONEISH = re.compile(r"[+(]?[0-9][0-9 ()./\-]{5,30}")
_EMAILISH = re.compile(r"[^\s@]{1,64}@[^\s@]{1,253}")


@dataclass(slots=True)
class SearchResult:
    query: str
    entities: list[Entity] = field(default_factory=list)
    ads: QuerySet | None = None

    @property
    def single_entity(self) -> Entity | None:
        """The one entity to go to directly, when the query named exactly one."""
        return self.entities[0] if len(self.entities) == 1 else None


def entity_candidates(query: str, region: str | None) -> set[tuple[str | None, str]]:
    """(type, value) pairs the query could mean; type None means any contact type."""
    q = query.strip()[:MAX_QUERY]
    out: set[tuple[str | None, str]] = set()
    if not q:
        return out
    try:
        result = extract_ad(EngineAd(id="search", body=q, country=None), region=region or None)
    except Exception:  # a broken extractor must not break the search box
        result = None
    if result is not None:
        for e in result.entities:
            if e.type in CONTACT_TYPES:
                out.add((e.type, e.value))
    if _PHONEISH.fullmatch(q):
        try:
            num = phonenumbers.parse(q, (region or "").upper() or None)
        except phonenumbers.NumberParseException:
            num = None
        if num is not None and phonenumbers.is_valid_number(num):
            out.add(("phone", phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)))
    if _EMAILISH.fullmatch(q):
        out.add(("email", q.lower()))
    if q.startswith("@") and len(q) > 1 and " " not in q:
        name = q[1:]
        for v in {name, name.lower(), q, q.lower()}:
            out.add(("handle", v))
    if " " not in q:
        # A payment id, a handle without '@', an exact value of any type.
        out.add((None, q))
        out.add((None, q.lower()))
    return out


def _entity_query(organisation, candidates) -> QuerySet:
    cond = Q()
    for t, v in candidates:
        cond |= Q(value=v) if t is None else Q(type=t, value=v)
    return Entity.objects.for_org(organisation).filter(cond, type__in=CONTACT_TYPES)


def text_matches(organisation, query: str) -> QuerySet:
    """Ads whose title or body contains the words: full-text on PostgreSQL, substring elsewhere."""
    q = query.strip()[:MAX_QUERY]
    ads = Ad.objects.for_org(organisation)
    if connection.vendor == "postgresql":
        # Matches the GIN expression index created in ads/migrations/0002_postgres_fulltext.
        match = RawSQL(
            'to_tsvector(\'simple\'::regconfig, "ads_ad"."title" || \' \' || "ads_ad"."body")'
            " @@ plainto_tsquery('simple'::regconfig, %s)",
            (q,),
            output_field=BooleanField(),
        )
        return ads.filter(match)
    return ads.filter(Q(title__icontains=q) | Q(body__icontains=q))


def search(organisation, query: str) -> SearchResult:
    """Entities the query names (exact, normalised) and ads whose text contains it."""
    q = query.strip()[:MAX_QUERY]
    result = SearchResult(query=q)
    if not q or organisation is None:
        result.ads = Ad.objects.none()
        return result
    candidates = entity_candidates(q, organisation.default_region)
    if candidates:
        result.entities = list(_entity_query(organisation, candidates).order_by("-ad_count")[:50])
    result.ads = text_matches(organisation, q).order_by("-posted_at", "-id")
    return result
