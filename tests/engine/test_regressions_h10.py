"""Regression tests for the docs writer's findings (Unicode dashes in phones, prices inside a
rejected number, loose ccTLD evidence in region inference, disguised emails) and for the
start-up work (pickled gazetteer index, cached language model, libyaml) that must not change
results."""

from __future__ import annotations

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.prices import find_prices


def entities(body: str, kind: str, country: str | None = None) -> list:
    ad = ad_from_dict({"id": "r", "body": body, **({"country": country} if country else {})})
    return [e for e in extract_ad(ad).entities if e.type == kind]


# --- 1. phones: Unicode dashes are plain separators --------------------------------------------


@pytest.mark.parametrize("dash", ["\u2010", "\u2011", "\u2013", "\u2014", "\u2212", "-"])
def test_unicode_dashes_between_groups_are_not_obfuscation(dash):
    body = f"Text me 207{dash}636{dash}9596 anytime"
    (phone,) = entities(body, "phone", "US")
    assert phone.value == "+12076369596"
    assert phone.obfuscated is False
    assert body[phone.start : phone.end] == f"207{dash}636{dash}9596"


def test_junk_separators_still_mark_obfuscation():
    (phone,) = entities("Text me 207*636*9596 anytime", "phone", "US")
    assert phone.obfuscated is True


def test_unicode_dashes_join_an_id_like_ascii_ones():
    # "2023–000123–4567" is one id whatever the dash: no phone read from a part of it
    assert entities("ref 2023\u2013000123\u20134567", "phone", "US") == []
    assert entities("ref 2023-000123-4567", "phone", "US") == []


# --- 2. prices: never from a group inside a longer digit run -----------------------------------


@pytest.mark.parametrize(
    "body", ["212 555 0199 roses", "call 212 555 0199 roses tonight", "7 555 0199 roses"]
)
def test_no_price_from_a_fragment_of_a_rejected_number(body):
    assert entities(body, "phone", "US") == []
    assert entities(body, "price", "US") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200 roses", "200"),
        ("1 200 roses", "1200"),
        ("for 2 hours 300 roses", "300"),
        ("$150, 200 roses", "150"),
    ],
)
def test_prices_after_words_and_thousands_groups_still_read(text, value):
    assert [v for _s, _e, v, _a in find_prices(text, "US")][:1] == [value]


# --- 3. region: ccTLD evidence only from what the URL extractor accepts ------------------------


@pytest.mark.parametrize(
    ("body", "region"),
    [
        ("Hi.My name is Jane, new girl in London", "GB"),
        ("see it.it", None),
        ("Hi.My name is Jane", None),
        ("book on anna-vip.it today", "IT"),
        ("visit jane.co.uk now", "GB"),
        ("www.site.ru/profile/7", "RU"),
    ],
)
def test_region_from_text_domains_uses_the_url_rules(body, region):
    assert extract_ad(ad_from_dict({"id": "r", "body": body})).region == region


# --- 4. emails: disguise judged on the original text -------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "write tw.jade\uff20gmail\uff0ecom",  # fullwidth at sign and full stop
        "write j\u0430ne@gmail.com",  # Cyrillic a
        "write jane&#64;gmail.com",  # an HTML entity for "@"
    ],
)
def test_disguised_email_is_obfuscated(body):
    (email,) = entities(body, "email")
    assert email.obfuscated is True
    assert email.raw == body[len("write ") :]


@pytest.mark.parametrize(
    "body", ["write jane@gmail.com", "write Jane@Gmail.com", "write  jane@gmail.com\u200b"]
)
def test_plain_email_is_not_obfuscated(body):
    (email,) = entities(body, "email")
    assert email.value == "jane@gmail.com"
    assert email.obfuscated is False


# --- start-up: the fast paths give the same results as the slow ones ---------------------------


def test_pickled_gazetteer_index_matches_the_tsv():
    from tipwatch.engine.extract._data import read_data_text
    from tipwatch.engine.extract._gazetteer import Gazetteer, _load_index, gazetteer

    text = read_data_text("gazetteer", "cities.tsv")
    assert _load_index(text) is not None, "cities.index.pickle is missing or stale: run build.py --index"
    fast = gazetteer()
    slow = Gazetteer([line.split("\t") for line in text.splitlines()[1:] if line])
    assert fast.cities == slow.cities
    assert fast.first_tokens == slow.first_tokens and fast.prefixes == slow.prefixes
    for key in ("paris", "new york", "москва", "sao paulo", "nice", "frankfurt am main"):
        assert fast.lookup(key) == slow.lookup(key)


def test_stale_gazetteer_index_is_ignored():
    from tipwatch.engine.extract._data import read_data_text
    from tipwatch.engine.extract._gazetteer import _load_index

    assert _load_index(read_data_text("gazetteer", "cities.tsv") + "1\tX\tX\tXX\t0\t0\t1\t\n") is None


def test_language_model_cache_gives_the_same_answers(tmp_path, monkeypatch):
    from tipwatch.engine.extract import language

    monkeypatch.setenv("TIPWATCH_CACHE_DIR", str(tmp_path))
    texts = [
        "Hola, soy nueva en la ciudad, llámame para más información",
        "Bonjour, je suis nouvelle en ville, appelle-moi pour plus d'informations",
        "Hi, I am new in town, call me for more information and pictures",
        "Привет, я новенькая в городе, звони мне",
        "Salut, sunt nouă în oraș, sună-mă pentru mai multe informații",
    ]
    built = language._Model()  # derives the arrays and writes the cache
    assert any(tmp_path.rglob("complete"))
    cached = language._Model()  # reads them back (memory-mapped)
    assert [built.classify(t) for t in texts] == [cached.classify(t) for t in texts]
    assert [cached.classify(t) for t in texts] == ["es", "fr", "en", "ru", "ro"]


def test_install_time_cache_is_read_and_never_written_at_run_time(tmp_path, monkeypatch):
    import sys

    from tipwatch.engine.extract import language

    monkeypatch.delenv("TIPWATCH_CACHE_DIR", raising=False)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    assert language._read_cache() is None
    language._Model()  # no cache anywhere: derived, and nothing written
    assert not (tmp_path / "venv").exists()
    folder = language.write_install_cache()  # what make runs once
    assert folder is not None and folder.is_relative_to(tmp_path / "venv" / "share" / "tipwatch" / "cache")
    arrays = language._read_cache()
    assert arrays is not None and arrays["step"].shape == language._model().step.shape
    assert language._Model().classify("Bonjour, je suis nouvelle en ville, appelle-moi") == "fr"


def test_unwritable_cache_still_classifies(tmp_path, monkeypatch):
    from tipwatch.engine.extract import language

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TIPWATCH_CACHE_DIR", str(blocker))
    assert language._Model().classify("Hola, soy nueva en la ciudad, llámame para más información") == "es"


# --- hostile input: the new prefilters stay linear ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["(" * 10**6, " (" * 500_000, "(years" * 150_000, "1 " * 500_000, "t.me" * 250_000, "\u0430" * 10**6],
)
def test_prefilters_are_linear_on_hostile_text(text):
    import time

    from tipwatch.engine.extract.ages import find_ages
    from tipwatch.engine.extract.handles import find_handles
    from tipwatch.engine.extract.language import detect_language

    t0 = time.perf_counter()
    list(find_ages(text))
    list(find_handles(text[:200_000] + "/"))
    detect_language(text)
    assert time.perf_counter() - t0 < 2.0


def test_language_model_writes_nothing_unless_a_cache_dir_is_configured(tmp_path, monkeypatch):
    from tipwatch.engine.extract import language

    monkeypatch.delenv("TIPWATCH_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert language._cache_dir() is None
    assert language._Model().classify("Hola, soy nueva en la ciudad, llámame para más información") == "es"
    assert list(tmp_path.iterdir()) == []
