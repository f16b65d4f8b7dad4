"""Assessing stored ads and keeping their scores in step with the indicator catalogue.

    n = assess_ads(org, Ad.objects.for_org(org).filter(run=run))   # score (or re-score) these ads
    n = rescore()                     # every ad, every organisation, whose catalogue changed
    n = rescore(org, stale_only=False)

The scorer is the engine's :func:`tipwatch.engine.indicators.assess_ad`; this module only feeds it
stored ads plus the facts only the store knows (how widely each contact is used), computed in SQL,
and writes one :class:`~tipwatch.web.assess.models.Assessment` row per ad.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tipwatch.engine import indicators as _indicators
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.types import Ad as EngineAd
from tipwatch.web.accounts.models import Organisation
from tipwatch.web.ads.models import Ad, Mention
from tipwatch.web.assess.models import Assessment

__all__ = ["SIGNAL_CONTACT_TYPES", "assess_ads", "engine_ad", "rescore", "store_signals"]

# Contacts whose reuse across ads, cities and names is a network signal. URLs are left out: a
# shared site link says nothing about who is behind an ad.
SIGNAL_CONTACT_TYPES: tuple[str, ...] = ("phone", "email", "handle", "payment")
# Entities that tell one advertised person from another (stated names, stated ages).
_PERSON_TYPES: tuple[str, ...] = ("name", "age")
_CHUNK = 500  # ads per transaction; also keeps IN (...) lists under SQLite's parameter limit


def engine_ad(row: Ad) -> EngineAd:
    """The engine's view of a stored ad (the external id, so spans and ids match the source)."""
    return EngineAd(
        id=row.ext_id,
        title=row.title or "",
        body=row.body or "",
        url=row.url or None,
        country=row.country or None,
        city=row.city or None,
        lang=row.language or None,
        posted_at=row.posted_at.isoformat() if row.posted_at else None,
    )


def store_signals(organisation, ad_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Store-computed facts per ad id: the max over the ad's contacts of distinct ads, cities, names.

    ``{ad_id: {"contact_ads": n, "contact_cities": n, "contact_names": n}}``; ads without a
    phone, email, handle or payment id are absent. Three grouped queries per call, whatever
    the number of ads.
    """
    if not ad_ids:
        return {}
    mentions = Mention.objects.for_org(organisation)
    links = list(
        mentions.filter(ad_id__in=list(ad_ids), entity__type__in=SIGNAL_CONTACT_TYPES)
        .order_by()
        .values_list("ad_id", "entity_id")
        .distinct()
    )
    if not links:
        return {}
    entity_ids = sorted({e for _a, e in links})
    per_entity: dict[int, tuple[int, int, int]] = {}
    for start in range(0, len(entity_ids), _CHUNK):
        part = entity_ids[start : start + _CHUNK]
        spread = dict.fromkeys(part, (0, 0))
        for entity_id, n_ads, n_cities in (
            mentions.filter(entity_id__in=part)
            .order_by()
            .values("entity_id")
            .annotate(
                n_ads=Count("ad_id", distinct=True),
                n_cities=Count("ad__city", distinct=True, filter=~Q(ad__city="")),
            )
            .values_list("entity_id", "n_ads", "n_cities")
        ):
            spread[entity_id] = (n_ads, n_cities)
        names = dict(
            mentions.filter(entity_id__in=part)
            .order_by()
            .values("entity_id")
            .annotate(
                n=Count(
                    "ad__mentions__entity_id",
                    distinct=True,
                    filter=Q(ad__mentions__entity__type__in=_PERSON_TYPES),
                )
            )
            .values_list("entity_id", "n")
        )
        for entity_id in part:
            n_ads, n_cities = spread[entity_id]
            per_entity[entity_id] = (n_ads, n_cities, names.get(entity_id, 0))
    out: dict[int, dict[str, int]] = {}
    for ad_id, entity_id in links:
        n_ads, n_cities, n_names = per_entity[entity_id]
        cur = out.get(ad_id)
        if cur is None:
            out[ad_id] = {"contact_ads": n_ads, "contact_cities": n_cities, "contact_names": n_names}
        else:
            cur["contact_ads"] = max(cur["contact_ads"], n_ads)
            cur["contact_cities"] = max(cur["contact_cities"], n_cities)
            cur["contact_names"] = max(cur["contact_names"], n_names)
    return out


def _fired_dicts(result: Any) -> list[dict[str, Any]]:
    # The contract JSON of each fired indicator, plus "public" so the UI can tell the two apart.
    contract = result.to_dict()["indicators"]
    for d, fired in zip(contract, result.indicators, strict=True):
        d.setdefault("field", fired.field)
        d.setdefault("name", fired.name)
        d.setdefault("category", fired.category)
        d["public"] = bool(fired.public)
    return contract


def _assess_chunk(organisation, rows: list[Ad], catalogue) -> int:
    signals = store_signals(organisation, [r.pk for r in rows])
    region = organisation.default_region or None
    now = timezone.now()
    out = []
    ads = [engine_ad(row) for row in rows]
    items = [
        (ad, extract_ad(ad, region=region), signals.get(row.pk) or {})
        for ad, row in zip(ads, rows, strict=True)
    ]
    # assess_many matches the texts in batches: same results as assess_ad per ad, faster.
    for row, result in zip(rows, _indicators.assess_many(items, catalogue=catalogue), strict=True):
        fired = _fired_dicts(result)
        ids = sorted({d["id"] for d in fired})
        out.append(
            Assessment(
                organisation=organisation,
                ad=row,
                score=int(result.score),
                band=str(result.band),
                catalogue_version=str(result.catalogue_version)[:40],
                catalogue_fingerprint=str(result.catalogue_fingerprint)[:64],
                indicators=fired,
                indicator_ids=f" {' '.join(ids)} " if ids else "",
                assessed_at=now,
            )
        )
    with transaction.atomic():
        Assessment.objects.bulk_create(
            out,
            batch_size=_CHUNK,
            update_conflicts=True,
            unique_fields=["ad"],
            update_fields=[
                "score",
                "band",
                "catalogue_version",
                "catalogue_fingerprint",
                "indicators",
                "indicator_ids",
                "assessed_at",
            ],
        )
    return len(out)


def assess_ads(organisation, ads: Iterable[Ad], *, catalogue=None) -> int:
    """Assess (or re-assess) the given stored ads of ``organisation``; return how many.

    ``ads`` is a queryset or iterable of :class:`~tipwatch.web.ads.models.Ad` rows; rows of
    another organisation are ignored. Each ad is extracted again (as at ingest, with the
    organisation's default region), given its store signals and scored; its Assessment row is
    created or replaced. Deterministic: the same ads, store and catalogue give the same rows.
    """
    catalogue = catalogue if catalogue is not None else _indicators.load_catalogue()
    done = 0
    if isinstance(ads, QuerySet):
        # Ids first, rows per chunk: no cursor stays open while we write, on any backend.
        ids = list(ads.filter(organisation=organisation).values_list("pk", flat=True))
        for start in range(0, len(ids), _CHUNK):
            part = ids[start : start + _CHUNK]
            rows = list(Ad.objects.for_org(organisation).filter(pk__in=part).order_by("pk"))
            done += _assess_chunk(organisation, rows, catalogue)
        return done
    batch: list[Ad] = []
    for row in ads:
        if row.organisation_id != organisation.pk:
            continue
        batch.append(row)
        if len(batch) >= _CHUNK:
            done += _assess_chunk(organisation, batch, catalogue)
            batch = []
    if batch:
        done += _assess_chunk(organisation, batch, catalogue)
    return done


def rescore(organisation=None, stale_only: bool = True, *, catalogue=None) -> int:
    """Re-assess ads whose assessment was made with another catalogue (or is missing); return how many.

    ``organisation`` None means every organisation. ``stale_only=False`` re-assesses every ad.
    "Changing the catalogue re-scores": an Assessment is stale when its stored fingerprint
    differs from the current catalogue's (the fingerprint changes with any content change).
    """
    catalogue = catalogue if catalogue is not None else _indicators.load_catalogue()
    orgs = [organisation] if organisation is not None else list(Organisation.objects.order_by("pk"))
    total = 0
    for org in orgs:
        ads = Ad.objects.for_org(org)
        if stale_only:
            fresh = Assessment.objects.for_org(org).filter(catalogue_fingerprint=catalogue.fingerprint)
            ads = ads.exclude(pk__in=fresh.values("ad_id"))
        # Oldest first and by id: a rescore interrupted half-way resumes where it stopped.
        total += assess_ads(org, ads.order_by("pk"), catalogue=catalogue)
    return total
