"""Session-4 fast paths of the extractors against the general patterns they stand in for."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipwatch.engine.extract import _digits, ages, handles, payments, prices
from tipwatch.engine.extract._patterns import alternation

_ALPHABET = st.sampled_from(
    list("0123456789 -.,:/+$€abcXYZé٣") + ["\u00a0", "\u202f", "١٢", "12345678901234"]
)
_TEXTS = st.lists(_ALPHABET, max_size=80).map("".join)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_digit_kind(text):
    kind = _digits.digits(text)
    has_other = any(c.isdecimal() and not "0" <= c <= "9" for c in text)
    has_ascii = any("0" <= c <= "9" for c in text)
    assert kind == (_digits.OTHER if has_other else _digits.ASCII if has_ascii else _digits.NONE)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_ascii_patterns_find_what_the_unicode_ones_find(text):
    if _digits.digits(text) == _digits.OTHER:
        text = "".join(c if not c.isdecimal() or "0" <= c <= "9" else "7" for c in text)
    for ascii_, general in (
        (payments._CARD_ASCII_RE, payments._CARD_RE),
        (payments._IBAN_ASCII_RE, payments._IBAN_RE),
    ):
        assert _spans(ascii_, text) == _spans(general, text)
        assert [m.groupdict() for m in ascii_.finditer(text)] == [
            m.groupdict() for m in general.finditer(text)
        ]
    fast_unicode = re.compile(prices._NUM_FAST_RE.pattern.replace("[0-9]", r"\d"))
    assert _spans(prices._NUM_FAST_RE, text) == _spans(fast_unicode, text)


def test_other_digits_keep_the_unicode_patterns():
    text = "card ٤١١١ ١١١١ ١١١١ ١١١١ and price ٢٠٠ EUR"
    assert _digits.digits(text) == _digits.OTHER
    found = list(prices.find_prices(text))
    assert [(s, e, v) for s, e, v, _ in found] == [(35, 42, "٢٠٠")]  # read by the \d patterns
    assert [(s, e) for s, e, *_ in payments.find_payments(text)] == []  # (Luhn fails: no card)


def _plain_alt(words):
    # the alternation handles used before the trie: longest first, spaces as short white space
    parts = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s{1,2}") for p in parts)


def _with_plain_alt(module, build):
    """``(build(), build.__wrapped__() with module._alt as the plain alternation)``: the regexes
    with the tries, and as they were built before them."""
    trie = build()
    mp = pytest.MonkeyPatch()
    mp.setattr(module, "_alt", _plain_alt)
    plain = build.__wrapped__()
    mp.undo()
    return trie, plain


@pytest.fixture(scope="module")
def handle_regexes():
    return _with_plain_alt(handles, handles._compiled)


def _all(pattern, text):
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)] + [
        (m.span(), m.groupdict()) for i in range(len(text)) if (m := pattern.match(text, i))
    ]


_HANDLE_PARTS = st.sampled_from(
    ["@", "@anna", "anna", ".", "_", " ", "  ", "\n", "-", ":", "on ", "via ", "whatsapp", "WhatsApp id", "whats app",
     "insta", "instagram", "instagramul", "tg", "telegram", "telegramm", "телеграм", "snap", "sc", "kik me", "kik",
     "line id", "lineid", "signal messenger", "onlyfans", "only fans", "fb", "facebook", "face book", "x", "22", "é"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_HANDLE_PARTS, max_size=12).map("".join))
def test_alias_tries_match_what_the_plain_alternations_match(handle_regexes, text):
    trie, plain = handle_regexes
    for key in ("cue", "reverse"):
        assert _all(trie[key], text) == _all(plain[key], text)


def test_alias_tries_on_demo_ads(handle_regexes):
    from tipwatch.demo import generate

    trie, plain = handle_regexes
    for ad, _truth in generate(13, 1500):
        for text in (ad.get("title") or "", ad["body"]):
            for key in ("cue", "reverse"):
                assert [(m.span(), m.groupdict()) for m in trie[key].finditer(text)] == [
                    (m.span(), m.groupdict()) for m in plain[key].finditer(text)
                ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abıIsſ é-.", min_size=1, max_size=6), min_size=1, max_size=8),
    st.text(alphabet="abıIsſSAB é-.x", max_size=30),
)
def test_alternation_matches_like_the_longest_first_list(words, text):
    words = [" ".join(w.split()) for w in words if w.strip()]
    if not words:
        return
    trie = re.compile(rf"(?:{alternation(words)})(?![a-z])", re.IGNORECASE)
    plain = re.compile(rf"(?:{_plain_alt(words)})(?![a-z])", re.IGNORECASE)
    assert _all(trie, text) == _all(plain, text)


def test_alternation_falls_back_where_case_folding_joins_two_branches():
    assert alternation(["kiz", "kız"]) == "kiz|kız"  # "I" matches both: the plain list
    assert alternation(["whatsapp", "whatsapp id", "wa"]) == r"w(?:a|hatsapp(?:\s{1,2}id)?)"


_AGE_PARTS = st.sampled_from(
    [" ", "19", "-", "years", "year", "old", "yo", "y.o.", "años", "anos", "de", "idade", "лет", "года", "ans",
     "jahre", "alt", "experience", "of", "ani", "am", "pm", "/", ".5", ",", "ş", "ı", "de experiencia"]
)  # fmt: skip


@pytest.fixture(scope="module")
def age_regexes():
    return _with_plain_alt(ages, ages._lex)


@settings(max_examples=400, deadline=None)
@given(st.lists(_AGE_PARTS, max_size=10).map("".join))
def test_age_word_tries_match_what_the_plain_alternations_match(age_regexes, text):
    trie, plain = age_regexes
    for key in ("strong", "noun", "cued_noun", "dur_after", "not_after"):
        assert _all(trie[key], text) == _all(plain[key], text), key


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["DE", "GB", "89", "3704", " ", "-", "4111", "1111", "A", "z", "é", "٣", "Q1w2" * 4]),
        max_size=20,
    ).map("".join)
)
def test_payment_shape_skips_only_scans_that_find_nothing(text):
    shape = text.encode("utf-8", "surrogatepass").translate(payments._SHAPE)
    if _digits.digits(text) == _digits.ASCII:
        if b"AA00" not in shape:
            assert payments._IBAN_ASCII_RE.search(text) is None
        if shape.count(b"0") < 13:
            assert payments._CARD_ASCII_RE.search(text) is None
    if payments._RUN_25.search(shape) is None:
        assert payments._TOKEN_RE.search(text) is None
