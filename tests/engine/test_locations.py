"""Location extractor and gazetteer: canonical names, disambiguation, common-word guards, call modes."""

from __future__ import annotations

import time

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract._gazetteer import gazetteer, name_key
from tipwatch.engine.extract.locations import find_callmodes, find_cities


def cities(text: str, region: str | None = None) -> list[tuple[str, str]]:
    return [(c.name, c.country) for _s, _e, c in find_cities(text, region)]


def test_gazetteer_has_capitals_cyrillic_and_folded_names():
    g = gazetteer()
    assert len(g.cities) > 20_000
    assert g.lookup(name_key("Москва"))[0][0].name == "Moscow"
    assert g.lookup(name_key("Sao Paulo"))[0][0].country == "BR"
    assert g.lookup(name_key("București"))[0][0].name == "Bucharest"
    assert g.lookup(name_key("Vaduz"))[0][0].country == "LI"  # a capital under 15,000 people


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("Escort in New York and Los Angeles", None, [("New York City", "US"), ("Los Angeles", "US")]),
        ("New in Nice, call me", None, [("Nice", "FR")]),
        ("new in london tonight", None, [("London", "GB")]),
        ("London incall", "CA", [("London", "CA")]),
        ("Москва, выезд", None, [("Moscow", "RU")]),
        ("Девушки Москвы", None, [("Moscow", "RU")]),
        ("Bucuresti, apartamentul meu", None, [("Bucharest", "RO")]),
        ("incall in Reading", "GB", [("Reading", "GB")]),
    ],
)
def test_cities(text, region, expected):
    assert cities(text, region) == expected


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Nice girl, available tonight", None),
        ("Nice girl, available tonight", "FR"),
        ("Mobile outcall available", "US"),
        ("Reading is fun", "GB"),
        ("I'm Victoria, 23", None),
        ("Sale sale sale", None),
        ("Best service in town", None),
        ("Kind regards", None),
    ],
)
def test_common_words_and_names_are_not_cities(text, region):
    assert cities(text, region) == []


@pytest.mark.parametrize(
    ("text", "modes"),
    [
        ("incalls only", ["incall"]),
        ("outcall and incall", ["outcall", "incall"]),
        ("salidas a domicilio", ["outcall", "outcall"]),
        ("déplacement possible", ["outcall"]),
        ("только выезд", ["outcall"]),
        ("apartamentul meu", ["incall"]),
        ("call me later", []),
    ],
)
def test_callmodes(text, modes):
    assert [m for _s, _e, m in find_callmodes(text)] == modes


def test_location_entity_attrs_and_span():
    ad = ad_from_dict({"id": "l", "body": "New girl in São Paulo, a domicilio", "country": "BR"})
    ents = extract_ad(ad, only=["location"]).entities
    [loc] = [e for e in ents if e.type == "location"]
    assert loc.value == "São Paulo" and loc.raw == "São Paulo"
    assert loc.attrs["country"] == "BR" and loc.attrs["geoname_id"] > 0
    assert -90 <= loc.attrs["lat"] <= 90 and -180 <= loc.attrs["lon"] <= 180
    assert [e.value for e in ents if e.type == "callmode"] == ["outcall"]


@pytest.mark.parametrize("hostile", ["a" * 10**6, "a " * 500_000, "New York " * 100_000, "in " * 330_000])
def test_hostile_input_is_linear(hostile):
    gazetteer()
    t = time.perf_counter()
    list(find_cities(hostile))
    list(find_callmodes(hostile))
    assert time.perf_counter() - t < 1.0
