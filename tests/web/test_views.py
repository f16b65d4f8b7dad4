"""Ads list, ad page with highlighting, entity page, search, runs, dashboard."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tipwatch.web.ads.models import Ad, Entity
from tipwatch.web.audit.models import AuditEvent
from web.factories import PHONE, PHONE2, item, store

pytestmark = pytest.mark.django_db


def _titles(response):
    return sorted(ad.ext_id for ad in response.context["page"])


def test_ad_list_filters(client_a, world_a):
    url = reverse("ad_list")
    assert _titles(client_a.get(url)) == ["a1", "a2", "a3", "a4"]
    assert _titles(client_a.get(url, {"city": "Chicago"})) == ["a2", "a3"]
    assert _titles(client_a.get(url, {"site": "jobs.example.test"})) == ["a4"]
    assert _titles(client_a.get(url, {"obfuscated": "on"})) == ["a2"]
    assert _titles(client_a.get(url, {"date_from": "2026-03-05", "date_to": "2026-03-10"})) == ["a2"]
    assert _titles(client_a.get(url, {"country": "us", "language": "en"})) == ["a1", "a2", "a3", "a4"]
    assert _titles(client_a.get(url, {"date_from": "not a date"})) == ["a1", "a2", "a3", "a4"]


def test_ad_list_htmx_returns_partial(client_a, world_a):
    response = client_a.get(reverse("ad_list"), {"city": "Boston"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="ad-results">')
    assert "<html" not in text


def test_ad_list_paginates(client_a, org_a):
    store(org_a, [item(f"p{i}", f"ad body number {i}") for i in range(30)])
    response = client_a.get(reverse("ad_list"))
    assert len(response.context["page"]) == 25
    assert len(client_a.get(reverse("ad_list"), {"page": 2}).context["page"]) == 5


def test_ad_page_highlights_entities_and_escapes(client_a, world_a, org_a):
    ad = Ad.objects.for_org(org_a).get(ext_id="a1")
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    response = client_a.get(reverse("ad_detail", args=[ad.pk]))
    text = response.content.decode()
    assert (
        f'<a class="ent-link" href="/entities/{phone.pk}/"><mark class="ent ent-phone" title="phone {PHONE}">'
        "(929) 555-0147</mark></a>"
    ) in text
    assert "&lt;b&gt;24/7&lt;/b&gt;" in text
    assert "<b>24/7</b>" not in text
    assert AuditEvent.objects.filter(action="ad.view", object_id=str(ad.pk)).exists()


def test_ad_page_marks_obfuscated(client_a, world_a, org_a):
    ad = Ad.objects.for_org(org_a).get(ext_id="a2")
    text = client_a.get(reverse("ad_detail", args=[ad.pk])).content.decode()
    assert 'class="ent ent-phone ent-obf"' in text
    assert 'class="ent ent-email"' in text


def test_entity_page_shows_ads_cities_timeline(client_a, world_a, org_a):
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    response = client_a.get(reverse("entity_detail", args=[phone.pk]))
    assert sorted(a.ext_id for a in response.context["page"]) == ["a1", "a2", "a3"]
    assert response.context["cities"] == [{"city": "Chicago", "n": 2}, {"city": "Boston", "n": 1}]
    chart = response.context["chart"]
    assert chart["unit"] == "day"
    assert sum(chart["counts"]) == 3
    assert chart["labels"][0] == "2026-03-01" and chart["labels"][-1] == "2026-03-20"
    table = response.context["city_table"]
    assert table["rows"][0][:2] == ("Chicago", 2)
    related = response.context["related"]
    assert [r["entity__value"] for r in related] == ["lola.test@example.org"]
    text = response.content.decode()
    assert 'id="chart-entity"' in text
    assert "chart.umd.min.js" in text
    assert (
        json.loads(text.split('id="chart-entity" type="application/json">')[1].split("</script>")[0]) == chart
    )
    assert AuditEvent.objects.filter(action="entity.view", object_id=str(phone.pk)).exists()


@pytest.mark.parametrize("query", ["(929) 555-0147", "+1 929 555 0147", "929-555-0147", "+19295550147"])
def test_search_phone_any_format_redirects_to_entity(client_a, world_a, org_a, query):
    phone = Entity.objects.for_org(org_a).get(value=PHONE)
    response = client_a.get(reverse("search"), {"q": query})
    assert response.status_code == 302
    assert response["Location"] == reverse("entity_detail", args=[phone.pk])
    event = AuditEvent.objects.filter(action="search").latest("seq")
    assert event.detail["query"] == query


def test_search_email_any_case(client_a, world_a, org_a):
    email = Entity.objects.for_org(org_a).get(type="email")
    response = client_a.get(reverse("search"), {"q": "LOLA.test@example.ORG"})
    assert response["Location"] == reverse("entity_detail", args=[email.pk])


def test_search_handle_and_payment(client_a, org_a):
    store(
        org_a,
        [
            item(
                "h1",
                "snap: @Candy_Test99 deposit via cashapp $CandyPay",
                entities=[("handle", "candy_test99", "@Candy_Test99"), ("payment", "$candypay", "$CandyPay")],
            )
        ],
    )
    handle = Entity.objects.for_org(org_a).get(type="handle")
    assert client_a.get(reverse("search"), {"q": "@Candy_Test99"})["Location"].endswith(f"/{handle.pk}/")
    payment = Entity.objects.for_org(org_a).get(type="payment")
    assert client_a.get(reverse("search"), {"q": "$candypay"})["Location"].endswith(f"/{payment.pk}/")


def test_search_free_text(client_a, world_a):
    response = client_a.get(reverse("search"), {"q": "warehouse"})
    assert response.status_code == 200
    assert [a.ext_id for a in response.context["page"]] == ["a4"]
    assert response.context["result"].entities == []


def test_search_two_entities_lists_them(client_a, world_a, org_a):
    # "all=1" shows the result page even for a single hit; here the query names one phone only.
    response = client_a.get(reverse("search"), {"q": "(312) 555-0182", "all": "1"})
    assert [e.value for e in response.context["result"].entities] == [PHONE2]


def test_search_empty_and_hostile_queries(client_a, world_a):
    assert client_a.get(reverse("search"), {"q": ""}).status_code == 200
    response = client_a.get(reverse("search"), {"q": "<script>alert(1)</script>" + "1 " * 5000})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_runs_pages(client_a, world_a, org_a):
    run, _ = world_a
    response = client_a.get(reverse("run_list"))
    assert run in list(response.context["page"])
    response = client_a.get(reverse("run_detail", args=[run.pk]))
    assert response.status_code == 200
    assert response.context["run"].new == 4


def test_dashboard_totals(client_a, world_a):
    response = client_a.get(reverse("home"))
    assert response.context["ad_total"] == 4
    assert response.context["obfuscated_total"] == 1
    assert {r["type"]: r["n"] for r in response.context["by_type"]} == {"phone": 2, "email": 1}
    assert sum(response.context["chart"]["counts"]) == 4


def test_search_spelled_out_email_goes_through_the_engine(client_a, world_a, org_a):
    email = Entity.objects.for_org(org_a).get(type="email")
    response = client_a.get(reverse("search"), {"q": "lola.test at example dot org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("entity_detail", args=[email.pk])
