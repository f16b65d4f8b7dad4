"""The speed-ups of the h15 pass keep behaviour: left boundaries moved after a pattern's first
character, cheap tests reordered, per-run flags in the phone scanner, and the call-mode
second-token test."""

from __future__ import annotations

import re
import time

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import ages, extract_ad, payments, prices
from tipwatch.engine.extract._phone_lexicon import phone_lexicon
from tipwatch.engine.extract._phone_scan import scan
from tipwatch.engine.extract.locations import find_callmodes

# the patterns as they were, with the look-behind first: the new ones must find the same matches
_OLD = {
    "age": (ages._NUM_RE, re.compile(r"(?<!\d)\d{1,2}(?!\d)")),
    "price": (
        prices._NUM_RE,
        re.compile(
            r"(?<!\d)\d(?:\d{0,2}(?:(?P<sep>[ ,.\u00a0\u202f])\d{3})+(?:[.,]\d{1,2})?(?!\d)"
            r"|\d{0,6}(?:[.,]\d{1,2})?)(?!\d)"
        ),
    ),
    "cashtag": (
        payments._CASHTAG_RE,
        re.compile(r"(?<![\w$])\$(?P<tag>[A-Za-z][A-Za-z0-9_-]{0,19})(?![\w$-])"),
    ),
    "card": (payments._CARD_RE, re.compile(r"(?<!\d)(?P<card>\d(?:[ \-]?\d){12,18})(?![\d])")),
}
_SAMPLES = [
    "$20 $$x a$b $jane_doe $1 x$y $ab-c $ab-",
    "call 123 4567 89 1234 5678 9012 3456 ok 4111 1111 1111 1111 and 4111-1111-1111-1111",
    "age 19, 123, 05, 1 000 000, 1.000,50 and 3,5 and 12345678 and ٣٤ and 19yo 7 8 9",
    "0123456789012345678901234 x9 99 999 9999 99999 $ $9 19$",
    "",
    "9",
    "12",
]


@pytest.mark.parametrize("name", sorted(_OLD))
@pytest.mark.parametrize("text", _SAMPLES)
def test_moved_lookbehind_finds_the_same_matches(name: str, text: str) -> None:
    new, old = _OLD[name]
    assert [(m.span(), m.groupdict()) for m in new.finditer(text)] == [
        (m.span(), m.groupdict()) for m in old.finditer(text)
    ]


def test_age_and_price_numbers_keep_their_left_boundary() -> None:
    assert [m.group() for m in ages._NUM_RE.finditer("a19 119 19")] == ["19", "19"]
    assert [m.group() for m in prices._NUM_RE.finditer("x200 1200")] == ["200", "1200"]
    assert payments._CASHTAG_RE.search("a$jane") is None
    assert payments._CARD_RE.search("12345678901234567890") is None  # 20 digits: no tail is a card


@pytest.mark.parametrize(
    "hostile", ["1 " * 500_000, "$" * 10**6, "$a" * 500_000, "1" * 10**6, "1-" * 500_000, "a" * 10**6 + "@"]
)
def test_moved_lookbehind_patterns_stay_linear(hostile: str) -> None:
    for new, _old in _OLD.values():
        t0 = time.perf_counter()
        for _ in new.finditer(hostile):
            pass
        assert time.perf_counter() - t0 < 1.0


def test_phone_runs_carry_plain_and_weak_flags() -> None:
    lex = phone_lexicon()
    (plain,) = scan("call 929 272 7898 now", lex)
    assert plain.plain and not plain.weak
    (words,) = scan("nine two nine to two seven two seven eight nine eight", lex)
    assert not words.plain and words.weak


def test_phone_results_unchanged_by_the_run_flags() -> None:
    def phones(body: str, country: str | None = "US") -> list[tuple[str, bool]]:
        ad = ad_from_dict({"id": "1", "body": body, "country": country})
        return [(e.value, e.obfuscated) for e in extract_ad(ad, only=["phone"]).entities]

    assert phones("txt me for80 2sixseven one9zerofor") == [("+14802671904", True)]
    assert phones("call (929) 272-7898") == [("+19292727898", False)]
    assert phones("card 4111 1111 1111 1111") == []  # card-shaped and Luhn-valid: not a phone
    assert phones("14.09.2026 um 14 Uhr", "DE") == []


def test_callmodes_second_token_test_keeps_phrases() -> None:
    text = "incall only, my place or my apartment; my hotel is near; outcall to your place"
    found = [(text[s:e], mode) for s, e, mode in find_callmodes(text)]
    assert ("incall", "incall") in found and ("outcall", "outcall") in found
    assert all(mode in ("incall", "outcall") for _, mode in found)
