"""Region inference: country field, URL TLDs and sites, city, calling code, fallback; cheap."""

from __future__ import annotations

import time

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract.region import country_from_host, infer_region


def region(fallback: str | None = None, **fields) -> str | None:
    return infer_region(ad_from_dict({"id": "r", **fields}), fallback=fallback)


@pytest.mark.parametrize(
    ("host", "country"),
    [
        ("www.vivastreet.co.uk", "GB"), ("site.ru", "RU"), ("x.ro", "RO"), ("sp.olx.com.br", "BR"),
        ("a.es", "ES"), ("a.fr", "FR"), ("a.pt", "PT"), ("a.de", "DE"), ("a.it", "IT"), ("a.pl", "PL"),
        ("a.ua", "UA"), ("a.ca", "CA"), ("a.com.au", "AU"), ("a.com.mx", "MX"),
        ("newyork.craigslist.org", "US"), ("t.me", None), ("example.io", None), ("example.com", None),
    ],
)  # fmt: skip
def test_country_from_host(host, country):
    assert country_from_host(host) == country


def test_order_of_evidence():
    assert region(body="x", country="fr", url="https://a.ru") == "FR"
    assert region(body="new girl in London", url="https://a.ru/x") == "RU"
    assert region(body="visit tw-example.ro today") == "RO"
    assert region(body="hi", city="Bucharest") == "RO"
    assert region(body="new girl in London tonight") == "GB"
    assert region(body="Москва, выезд") == "RU"
    assert region(body="call +44 7700 900123") == "GB"
    assert region(body="nothing to go on", fallback="US") == "US"


def test_ambiguous_city_names_do_not_decide():
    assert region(body="Valencia centro") is None


def test_cheap_when_country_is_set():
    ad = ad_from_dict({"id": "r", "body": "x" * 500, "country": "US"})
    t = time.perf_counter()
    for _ in range(10_000):
        infer_region(ad, [])
    assert (time.perf_counter() - t) / 10_000 < 20e-6
