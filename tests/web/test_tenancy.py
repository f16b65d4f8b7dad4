"""A user of organisation A never sees organisation B's ads, entities, runs or search hits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tipwatch.web.ads.models import Ad, Entity, IngestRun
from web.factories import PHONE

pytestmark = pytest.mark.django_db


def test_other_orgs_pages_are_404(client_a, world_a, world_b, org_b):
    b_ad = Ad.objects.for_org(org_b).first()
    b_entity = Entity.objects.for_org(org_b).get(value=PHONE)
    b_run = IngestRun.objects.for_org(org_b).first()
    assert client_a.get(reverse("ad_detail", args=[b_ad.pk])).status_code == 404
    assert client_a.get(reverse("entity_detail", args=[b_entity.pk])).status_code == 404
    assert client_a.get(reverse("run_detail", args=[b_run.pk])).status_code == 404


def test_own_pages_are_200(client_a, world_a, org_a):
    ad = Ad.objects.for_org(org_a).first()
    entity = Entity.objects.for_org(org_a).get(value=PHONE)
    assert client_a.get(reverse("ad_detail", args=[ad.pk])).status_code == 200
    assert client_a.get(reverse("entity_detail", args=[entity.pk])).status_code == 200


def test_lists_and_search_show_only_own_data(client_a, world_b, org_a):
    response = client_a.get(reverse("ad_list"))
    assert response.context["page"].paginator.count == 0
    response = client_a.get(reverse("search"), {"q": "(929) 555-0147"})
    assert response.status_code == 200
    assert response.context["result"].entities == []
    assert client_a.get(reverse("search"), {"q": "warehouse"}).context["page"].paginator.count == 0
    assert client_a.get(reverse("home")).context["ad_total"] == 0


def test_for_org_none_is_empty(world_a):
    assert Ad.objects.for_org(None).count() == 0
    assert Ad.objects.count() == 4
