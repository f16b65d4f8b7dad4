"""The movement section of entity and operation pages: stays, moves, map data, timeline."""

from __future__ import annotations

import pytest

from tipwatch.web.ads.models import Ad
from tipwatch.web.ads.movement import coordinates, movement_context
from web.factories import PHONE, item, store


def _route(org, legs):
    """Store ads sharing one phone, posted along ``legs`` = [(city, country, day), ...]."""
    items = [
        item(
            f"m{i}",
            f"New in town, call {PHONE} now, ad number {i}",
            city=city,
            country=country,
            posted_at=f"2026-03-{day:02d}T12:00:00+00:00",
            entities=[("phone", PHONE, PHONE)],
        )
        for i, (city, country, day) in enumerate(legs)
    ]
    store(org, items)
    return Ad.objects.for_org(org)


def test_coordinates_come_from_the_gazetteer_and_respect_the_country():
    lat, lon, country = coordinates("Madrid", "ES")
    assert country == "ES"
    assert 40 < lat < 41 and -4 < lon < -3
    assert coordinates("Madrid", "") == coordinates("Madrid", "ES")
    assert coordinates("Madrid", "JP") is None  # a namesake abroad is refused, not guessed
    assert coordinates("", "ES") is None
    assert coordinates("Nowhereville Zzq", "US") is None


@pytest.mark.django_db
def test_moves_stays_and_map_points_follow_the_ads(org_a):
    ads = _route(
        org_a,
        [("Madrid", "ES", 1), ("Madrid", "ES", 2), ("Lyon", "FR", 6), ("Lyon", "FR", 8), ("Milan", "IT", 12)],
    )
    mv = movement_context(ads)
    assert [(s["city"], s["n"]) for s in mv["stays"]] == [("Madrid", 2), ("Lyon", 2), ("Milan", 1)]
    texts = [m["text"] for m in mv["moves"]]
    assert len(texts) == 2
    assert "Madrid" in texts[0] and "Lyon" in texts[0] and "2026-03-06" in texts[0]
    assert "Lyon" in texts[1] and "Milan" in texts[1]
    assert [p["city"] for p in mv["map"]["points"]] == ["Madrid", "Lyon", "Milan"]
    assert len(mv["map"]["path"]) == 3
    t = mv["timeline"]
    assert [lane["label"] for lane in t["lanes"]] == ["Madrid (ES)", "Lyon (FR)", "Milan (IT)"]
    xs = [b["x"] for b in t["bars"]]
    assert xs == sorted(xs) and xs[0] < xs[-1]  # later stays sit further right
    assert mv["no_city"] == 0 and not mv["truncated"]


@pytest.mark.django_db
def test_a_repeated_route_is_a_circuit(org_a):
    legs = []
    day = 1
    for _loop in range(3):
        for city, country in (("Madrid", "ES"), ("Lyon", "FR"), ("Milan", "IT")):
            legs.append((city, country, day))
            day += 3
    mv = movement_context(_route(org_a, legs))
    assert mv["circuits"], mv
    circuit = mv["circuits"][0]
    assert set(circuit["cities"]) == {"Madrid", "Lyon", "Milan"}
    assert circuit["loops"] >= 2


@pytest.mark.django_db
def test_ads_without_a_city_are_counted_not_placed(org_a):
    ads = _route(org_a, [("Madrid", "ES", 1), ("", "ES", 2)])
    mv = movement_context(ads)
    assert mv["no_city"] == 1
    assert [s["city"] for s in mv["stays"]] == ["Madrid"]
    assert mv["moves"] == []


@pytest.mark.django_db
def test_the_limit_keeps_the_most_recent_ads(org_a):
    ads = _route(org_a, [("Madrid", "ES", 1), ("Lyon", "FR", 5), ("Milan", "IT", 9)])
    mv = movement_context(ads, limit=2)
    assert mv["truncated"]
    assert [s["city"] for s in mv["stays"]] == ["Lyon", "Milan"]


@pytest.mark.django_db
def test_the_partial_renders_map_timeline_and_moves(org_a):
    from django.template.loader import render_to_string

    mv = movement_context(
        _route(org_a, [("Madrid", "ES", 1), ("Lyon", "FR", 6)]),
    )
    html = render_to_string("ads/_movement.html", {"movement": mv})
    assert 'class="tw-map"' in html and 'id="movement-map"' in html
    assert "vendor/world-atlas/countries-50m.json" in html and "vendor/leaflet/leaflet.js" in html
    assert "<svg" in html and html.count('class="stay"') == 2
    assert "Madrid" in html and "Lyon" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # nothing remote
    assert (
        render_to_string("ads/_movement.html", {"movement": movement_context(Ad.objects.none())}).strip()
        == ""
    )


@pytest.mark.django_db
def test_a_missing_country_is_filled_and_a_missing_city_comes_from_the_text(org_a):
    items = [
        item("c1", f"Call {PHONE} now", city="Madrid", country="ES", posted_at="2026-03-01T12:00:00+00:00"),
        item(
            "c2",
            f"Still here, call {PHONE}",
            city="Madrid",
            country=None,
            posted_at="2026-03-02T12:00:00+00:00",
        ),
        item(
            "c3",
            f"Just arrived in Lyon, call {PHONE}",
            city=None,
            country=None,
            posted_at="2026-03-05T12:00:00+00:00",
            entities=[("location", "Lyon", "Lyon")],
        ),
    ]
    # the factory leaves attrs empty; give the location mention the extractor's coordinates
    store(org_a, items)
    from tipwatch.web.ads.models import Mention

    Mention.objects.filter(entity__type="location").update(attrs={"country": "FR", "lat": 45.75, "lon": 4.85})
    mv = movement_context(Ad.objects.for_org(org_a))
    assert [(s["city"], s["country"], s["n"]) for s in mv["stays"]] == [
        ("Madrid", "ES", 2),
        ("Lyon", "FR", 1),
    ]
    assert mv["no_city"] == 0
    assert [p["city"] for p in mv["map"]["points"]] == ["Madrid", "Lyon"]


@pytest.mark.django_db
def test_a_city_named_in_the_text_must_lie_in_the_ads_country(org_a):
    items = [
        item("d1", f"Call {PHONE}", city="Sochi", country="RU", posted_at="2026-03-01T12:00:00+00:00"),
        item(
            "d2",
            f"Milana and Masha, call {PHONE}",
            city=None,
            country="RU",
            posted_at="2026-03-03T12:00:00+00:00",
            entities=[("location", "Milan", "Milana")],
        ),
    ]
    store(org_a, items)
    from tipwatch.web.ads.models import Mention

    Mention.objects.filter(entity__type="location").update(attrs={"country": "IT", "lat": 45.46, "lon": 9.19})
    mv = movement_context(Ad.objects.for_org(org_a))
    assert [s["city"] for s in mv["stays"]] == ["Sochi"]
    assert mv["no_city"] == 1 and mv["moves"] == []
