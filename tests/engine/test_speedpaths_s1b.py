"""The speed-ups of the s1b pass keep behaviour: the age suffix-word test and the email separator
scan written so the regex engine jumps between candidate characters, the gazetteer's one-space
fast path and its cache of Cyrillic case forms, the phone scanner's cache of word atoms, and the
pipeline's rarer cycle collection."""

from __future__ import annotations

import gc
import random
import re
import time

import pytest

from tipwatch.engine import ad_from_dict, pipeline
from tipwatch.engine.extract import _gazetteer, _phone_scan, ages, emails, extract_ad
from tipwatch.engine.extract._phone_lexicon import _build, phone_lexicon
from tipwatch.engine.extract._phone_scan import scan


def _old_suffix_head() -> re.Pattern[str]:
    # the s1 formulation: a look-behind for "not after \S" tried at every position
    return re.compile(r"(?<!\S)" + ages._lex()["suffix_head"][0].pattern)


def _new_suffix_head(low: str) -> bool:
    at_start, after_space = ages._lex()["suffix_head"]
    return at_start.match(low) is not None or after_space.search(low) is not None


SUFFIX_TEXTS = [
    "",
    "years",
    "19 years",
    "19years",
    "i am nineteen years old",
    "age:years",
    "(years)",
    "\tлет",
    "мне 19 лет.",
    "tengo 20 años!",
    "veinte\naños",
    "xyears",
    "years-old",
    " .years. ",
    "yearsx",
    "a\u00a0ans",  # a no-break space is white space too
]


@pytest.mark.parametrize("text", SUFFIX_TEXTS)
def test_suffix_head_test_matches_the_look_behind_search(text):
    assert _new_suffix_head(text) == (_old_suffix_head().search(text) is not None)


def test_suffix_head_test_random_texts():
    rng = random.Random(7)
    pieces = ["years", "ans", "лет", "años", "ani", "yo", "old", "19", " ", "  ", "\n", ".", "(", "x", "-"]
    old = _old_suffix_head()
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert _new_suffix_head(text) == (old.search(text) is not None), text


def _old_separator_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in emails._sep_words())
    return re.compile(rf"[(\[{{<@＠]| (?=(?:{words}) )")


SEPARATOR_TEXTS = [
    "jane at gmail dot com",
    " at at at ",
    "jane (at) gmail",
    "jane [at] mail",
    "a @ b ＠ c",
    "{x} <y>",
    " at",
    "at ",
    "cat at\tdog",
    "jane arroba mail punto com",
    "",
]


@pytest.mark.parametrize("text", SEPARATOR_TEXTS)
def test_separator_scan_matches_the_two_alternative_regex(text):
    old = [m.span() for m in _old_separator_re().finditer(text)]
    assert [m.span() for m in emails._separator_re().finditer(text)] == old


def test_separator_scan_random_texts():
    rng = random.Random(11)
    pieces = [" ", "at", "(", "[", "{", "<", "@", "＠", "x", "dot", "arroba", " at ", "\n"]
    old, new = _old_separator_re(), emails._separator_re()
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)], text


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("in new york tonight", "new york"),
        ("in new-york tonight", "new york"),
        ("in new  york tonight", "new york"),  # two spaces: still a gap (the slow path)
        ("visiting rio de janeiro", "rio de janeiro"),
        ("in new, york", None),  # a comma is not a gap inside a name
    ],
)
def test_multi_token_names_across_gaps(text, key):
    g = _gazetteer.gazetteer()
    keys = [m.key for m in g._find(_gazetteer.Tokens(text), 200)]
    if key is None:
        assert "new york" not in keys
    else:
        assert key in keys


def test_inflected_cache_gives_the_same_answer_and_is_bounded(monkeypatch):
    g = _gazetteer.gazetteer()
    for tok in ("москве", "москвы", "киеве", "словом", "ы", ""):
        first = g._inflected(tok)
        assert first == g._read_inflected(tok)
        assert g._inflected(tok) == first  # now read from the cache
    assert g._inflected("москве")[0] == "москва"
    monkeypatch.setattr(g, "_inflections", {f"w{i}": None for i in range(100_000)})
    g._inflected("москве")
    assert len(g._inflections) == 1  # cleared when full, then the new entry


def test_cyrillic_city_in_case_form_is_found():
    result = extract_ad(ad_from_dict({"id": "1", "body": "Я сейчас в Москве, звоните", "country": "RU"}))
    assert [e.value for e in result.entities if e.type == "location"] == ["Moscow"]


def _atoms(text: str, lex) -> list[list[tuple]]:
    return [
        [(a.start, a.end, a.kind, a.text, tuple(a.tokens), a.weak) for a in run.atoms]
        for run in scan(text, lex)
    ]


SCAN_TEXTS = [
    "call nine one two three four five six seven now",
    "for80 2sixseven 6869O537 and more",
    "oil lol 555 1234 o l i",
    "quatre-vingt-douze 12 34 56 78",
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
    "to for un y et 12 34 567",
]


def test_word_atom_cache_reads_like_a_fresh_scan():
    lex = phone_lexicon()
    _phone_scan._WORD_SHAPES[:] = [None, {}]
    fresh = [_atoms(t, lex) for t in SCAN_TEXTS]  # every word read for the first time
    assert _phone_scan._WORD_SHAPES[0] is lex and _phone_scan._WORD_SHAPES[1]
    assert [_atoms(t, lex) for t in SCAN_TEXTS] == fresh  # the same from the cache
    assert fresh[0] and all(a[2] == "word" for a in fresh[0][0])


def test_word_atom_cache_follows_the_lexicon():
    lex = phone_lexicon()
    text = "nine one two three four five six"
    expected = _atoms(text, lex)
    other = _build()  # another lexicon object: its own cache, never the first one's answers
    assert _atoms(text, other) == expected
    assert _phone_scan._WORD_SHAPES[0] is other
    assert _atoms(text, lex) == expected
    assert _phone_scan._WORD_SHAPES[0] is lex


def test_word_atom_cache_is_bounded(monkeypatch):
    lex = phone_lexicon()
    scan("one", lex)
    shapes = {f"w{i}": None for i in range(50_000)}
    monkeypatch.setattr(_phone_scan, "_WORD_SHAPES", [lex, shapes])
    scan("nine one two three four five six", lex)
    assert len(shapes) < 50_000


HOSTILE = {
    "spaces": " " * 10**6,
    "years": " years" * 170_000,
    "at words": " at" * 333_333,
    "brackets": "(" * 10**6,
    "cyrillic": " москве" * 140_000,
    "number words": " one" * 250_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_finish_fast(name):
    text = HOSTILE[name]
    t0 = time.process_time()
    _new_suffix_head(text)
    emails._separator_re().findall(text)
    g = _gazetteer.gazetteer()
    list(g._find(_gazetteer.Tokens(text), 200))
    assert time.process_time() - t0 < 1.0


@pytest.fixture
def gc_threshold():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_pipeline_collects_cycles_rarely_while_extracting_then_restores(gc_threshold):
    gc.set_threshold(700, 10, 10)
    lines = [b'{"id": "1", "body": "call 0412 345 678", "country": "AU"}\n'] * 3
    seen = []
    for out in pipeline.extract_lines(lines):
        seen.append(gc.get_threshold())
        assert b"+61412345678" in out
    assert seen == [(pipeline.GC_THRESHOLD, 10, 10)] * 3
    assert gc.get_threshold() == (700, 10, 10)  # put back once the stream is done


def test_pipeline_restores_the_threshold_when_the_stream_is_abandoned(gc_threshold):
    gc.set_threshold(500, 5, 5)
    stream = pipeline.extract_lines([b'{"id": "1", "body": "x"}\n'] * 100)
    next(stream)
    assert gc.get_threshold()[0] == pipeline.GC_THRESHOLD
    stream.close()
    assert gc.get_threshold() == (500, 5, 5)


@pytest.mark.parametrize("threshold", [(0, 10, 10), (50_000, 10, 10)])
def test_pipeline_leaves_a_disabled_or_higher_threshold_alone(gc_threshold, threshold):
    gc.set_threshold(*threshold)
    for _ in pipeline.extract_lines([b'{"id": "1", "body": "x"}\n']):
        assert gc.get_threshold() == threshold
    assert gc.get_threshold() == threshold
