"""URL extractor: bare domains need a known TLD; values are normalised; spans are claimed."""

from __future__ import annotations

import time

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.urls import find_urls, normalise_url


def urls(text: str) -> list[str]:
    return [v for _s, _e, v, _d in find_urls(text)]


@pytest.mark.parametrize(
    ("text", "value", "domain"),
    [
        ("visit jane-vip.com now", "http://jane-vip.com", "jane-vip.com"),
        ("www.site.ru/profile/7.", "http://www.site.ru/profile/7", "site.ru"),
        ("https://Site.COM/", "https://site.com", "site.com"),
        ("see WWW.Example.CO.UK/Path/X", "http://www.example.co.uk/Path/X", "example.co.uk"),
        ("(https://x.com/a_(b))", "https://x.com/a_(b)", "x.com"),
        ("sexy.com:8080/x?y=1", "http://sexy.com:8080/x?y=1", "sexy.com"),
        ("t.me/jane_vip", "http://t.me/jane_vip", "t.me"),
        ("сайт.рф/x", "http://сайт.рф/x", "сайт.рф"),
    ],
)
def test_urls_are_normalised(text, value, domain):
    assert [(v, d) for _s, _e, v, d in find_urls(text)] == [(value, domain)]


@pytest.mark.parametrize(
    "text",
    [
        "hello.world",
        "call.me later",
        "Ok.So what",
        "e.g. this",
        "a.m. 12.50",
        "mail tw@example.com",
        "tw at gmail.com",
    ],
)
def test_words_with_dots_and_emails_are_not_urls(text):
    assert urls(text) == []


def test_normalise_url_drops_bare_slash_and_lowers_host():
    assert normalise_url(None, "WWW.Site.RU", None, "/") == "http://www.site.ru"
    assert normalise_url("HTTPS://", "a.com", ":8443", "/P") == "https://a.com:8443/P"


def test_span_maps_to_raw_and_is_claimed():
    ad = ad_from_dict({"id": "u1", "body": "Book at www.tw-example.com/book today"})
    result = extract_ad(ad, only=["url", "price", "handle"])
    [ent] = [e for e in result.entities if e.type == "url"]
    assert ad.body[ent.start : ent.end] == ent.raw == "www.tw-example.com/book"
    assert ent.attrs["domain"] == "tw-example.com"


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 10**6,
        "a." * 500_000,
        "1 " * 500_000,
        "www." * 250_000,
        ".com" * 250_000,
        "a.com/" * 160_000,
        "@" * 10**6,
    ],
)
def test_hostile_input_is_linear(hostile):
    t = time.perf_counter()
    list(find_urls(hostile))
    assert time.perf_counter() - t < 1.0
