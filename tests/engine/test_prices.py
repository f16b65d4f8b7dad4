"""Price extractor: amounts, currencies (symbols, words, euphemisms), units; not phones or ages."""

from __future__ import annotations

import time

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.prices import find_prices


def prices(text: str, region: str | None = None) -> list[tuple[str, str | None, str | None]]:
    return [(v, a["currency"], a["unit"]) for _s, _e, v, a in find_prices(text, region)]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("200/hr", "US", ("200", "USD", "hour")),
        ("150hh", "US", ("150", "USD", "half_hour")),
        ("$80 qv", None, ("80", "USD", "15min")),
        ("300 roses per hour", None, ("300", "USD", "hour")),
        ("100€ la hora", "ES", ("100", "EUR", "hour")),
        ("депозит 5000 руб", "RU", ("5000", "RUB", "deposit")),
        ("salary 3000 EUR per month", None, ("3000", "EUR", "month")),
        ("$1,000 overnight", None, ("1000", "USD", "night")),
        ("5 000 руб за час", "RU", ("5000", "RUB", "hour")),
        ("R$ 300 a hora", "BR", ("300", "BRL", "hour")),
        ("200 lei pe ora", "RO", ("200", "RON", "hour")),
        ("99.50 EUR", None, ("99.5", "EUR", None)),
        ("€2.500 al mese", "IT", ("2500", "EUR", "month")),
        ("$150 for 30 min", "CA", ("150", "CAD", "half_hour")),
        ("£120 half hour", "GB", ("120", "GBP", "half_hour")),
    ],
)
def test_prices(text, region, expected):
    assert prices(text, region) == [expected]


def test_roses_are_a_euphemism():
    [(_s, _e, _v, attrs)] = list(find_prices("300 roses per hour"))
    assert attrs["euphemism"] is True


@pytest.mark.parametrize(
    "text", ["available 24/7", "24h service", "19yo", "5'6 and 120 lbs", "34-24-36", "since 2019", "room 12"]
)
def test_not_prices(text):
    assert prices(text, "US") == []


def test_phone_digits_are_not_prices():
    ad = ad_from_dict({"id": "p", "body": "call 312-555-0147, 200/hr", "country": "US"})
    got = [(e.type, e.value) for e in extract_ad(ad).entities if e.type == "price"]
    assert got == [("price", "200")]


@pytest.mark.parametrize(
    "hostile", ["1 " * 500_000, "1" * 10**6, "$1 " * 330_000, "1,000 " * 160_000, "1/" * 500_000]
)
def test_hostile_input_is_linear(hostile):
    t = time.perf_counter()
    list(find_prices(hostile, "US"))
    assert time.perf_counter() - t < 1.0
