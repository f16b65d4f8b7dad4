"""Template helpers for an ad's assessment: ``{% load assess_tags %}``.

{% assessment_of ad as assessment %}
{% ad_text ad "body" mentions assessment %}   {# entity and indicator spans marked #}
"""

from __future__ import annotations

from django import template
from django.urls import reverse

from tipwatch.web.ads.highlight import highlight
from tipwatch.web.assess.models import Assessment

__all__: list[str] = []

register = template.Library()


def _entity_url(entity) -> str:
    return reverse("entity_detail", args=[entity.pk])


@register.simple_tag
def assessment_of(ad):
    """The ad's stored Assessment, or None (scoped by the ad's own organisation)."""
    return Assessment.objects.filter(organisation_id=ad.organisation_id, ad_id=ad.pk).first()


@register.simple_tag
def ad_text(ad, field: str, mentions, assessment=None):
    """The ad's ``title`` or ``body`` as safe HTML, entity mentions linked, indicator spans marked."""
    text = ad.title if field == "title" else ad.body
    spans = [
        ind
        for ind in (assessment.indicators if assessment is not None else ())
        if isinstance(ind, dict) and ind.get("field") == field
    ]
    return highlight(text, [m for m in mentions if m.field == field], _entity_url, indicators=spans)


@register.filter
def can_review(membership) -> bool:
    """True when the membership's role may use the review queue (for the nav link)."""
    from tipwatch.web.assess.views import REVIEW_ROLES

    return membership is not None and getattr(membership, "role", None) in REVIEW_ROLES


@register.filter
def can_watch(membership) -> bool:
    """True when the membership's role may use watchlists and alerts (for the nav link)."""
    from tipwatch.web.watch.views import WATCH_ROLES

    return membership is not None and getattr(membership, "role", None) in WATCH_ROLES


@register.filter
def can_see_ads(membership) -> bool:
    """True when the membership's role may open the ads, runs and site pages (for the nav links)."""
    from tipwatch.web.ads.views import AD_ROLES

    return membership is not None and getattr(membership, "role", None) in AD_ROLES
