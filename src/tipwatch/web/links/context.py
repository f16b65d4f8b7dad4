"""Link facts for pages of other apps: the ad page and the entity page."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tipwatch.web.ads.models import Ad
from tipwatch.web.links.models import AdImage, AdLink, AdTranslation, Operation

__all__ = ["ad_link_context", "entity_operations"]

MAX_SHOWN = 20


def ad_link_context(organisation, ad) -> dict[str, Any]:
    """``{"link", "images", "photo_ads", "translations"}`` for one ad (all scoped to the organisation).

    ``photo_ads`` are other ads carrying a near copy of one of its photos (same group key);
    ``translations`` are ``(other ad, score)`` pairs.
    """
    link = AdLink.objects.for_org(organisation).filter(ad=ad).select_related("operation", "template").first()
    images = list(AdImage.objects.for_org(organisation).filter(ad=ad))
    groups = sorted({i.group_key for i in images if i.group_key})
    photo_ads = []
    if groups:
        photo_ads = list(
            Ad.objects.for_org(organisation)
            .filter(images__group_key__in=groups)
            .exclude(pk=ad.pk)
            .distinct()
            .order_by("-posted_at", "-id")[:MAX_SHOWN]
        )
    translations = []
    for t in (
        AdTranslation.objects.for_org(organisation)
        .filter(Q(ad_a=ad) | Q(ad_b=ad))
        .select_related("ad_a", "ad_b")[:MAX_SHOWN]
    ):
        translations.append((t.ad_b if t.ad_a_id == ad.pk else t.ad_a, t.score))
    return {"link": link, "images": images, "photo_ads": photo_ads, "translations": translations}


def entity_operations(organisation, ad_ids) -> list[Operation]:
    """Operations holding any of ``ad_ids`` (a queryset or list of ad pks), largest first."""
    return list(
        Operation.objects.for_org(organisation)
        .filter(links__ad_id__in=ad_ids)
        .distinct()
        .order_by("-size", "key")[:MAX_SHOWN]
    )
