"""The extractors' compiled helpers against their pure-Python references (same input, same output).

Each compiled function is called side by side with the Python code it replaces on ordinary ad
text and on hostile text (huge, astral characters, combining marks, "İ", final sigma, lone
surrogates, NUL, empty). Skipped where the modules are not built (no C compiler).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipwatch.engine.extract import _gazetteer, _phone_scan
from tipwatch.engine.extract._phone_lexicon import MAX_ATOM_TOKENS, phone_lexicon

_ctokens = pytest.importorskip("tipwatch.engine.extract._ctokens")
_cphone = pytest.importorskip("tipwatch.engine.extract._cphone")

LONE = "\ud800x\udfff".encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
ODD = [
    "",
    "a",
    "1",
    "_",
    "\x00",
    "a\x00b",
    "İstanbul",
    "i̇stanbul",
    "ΣΊΣΥΦΟΣ".lower(),
    "οδός",
    "x\U0001f600y\U00010400z\U00010428",
    "e\u0301te\u0301",
    "²³Ⅻⅻ٣a٣b",
    "москва, київ; Мінськ",
    "дев'ять п’ять",
    LONE,
    LONE + "abc" + LONE,
    "a_b-c.d'e’f",
    "call 929-272-7898 or nine two nine",
    "Ünïcödé ÀÉÎ ßẞ ǅ ﬁ",
]
# characters from every kind of class: ASCII, Latin-1, Greek, Cyrillic, digits of other scripts,
# combining marks, astral, surrogates, separators
POOL = (
    [chr(i) for i in range(0x250)]
    + [chr(i) for i in range(0x370, 0x530)]
    + list("٠١٢٣४५๖७²³¹¼Ⅻⅻ〇一二ｱｲ\u0301\u0308\u200b\u2028\u3000 \n\t'’-.,")
    + ["\U0001f600", "\U00010400", "\U00010428", "\U0001d7d8", "\ud800", "\udc00", "\udfff"]
)


def _random_texts(n: int, seed: int, max_len: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randint(0, max_len))) for _ in range(n)]


def _same_split(text: str) -> None:
    want = _gazetteer._py_split(text, None)
    got = _ctokens.split(text, None)
    assert got == want
    assert got[2] == got[0][1::2]
    assert all(type(o) is int for o in got[1])
    assert type(got[3]) is bool
    # through a fold cache, as Tokens uses it: a fresh one (misses fold) and a warm one (hits)
    cache = _gazetteer._FoldCache()
    want = _gazetteer._py_split(text, cache)
    assert _ctokens.split(text, _gazetteer._FoldCache()) == want
    assert _ctokens.split(text, cache) == want


@pytest.mark.parametrize("text", ODD)
def test_split_odd_text(text):
    _same_split(text)
    _same_split(text.lower())


def test_split_random_text():
    for text in _random_texts(5000, 7):
        _same_split(text)


def test_split_huge_text():
    rng = random.Random(3)
    text = "".join(rng.choice(POOL) for _ in range(300_000))
    _same_split(text)
    _same_split("a" * 200_000)
    _same_split(" " * 200_000)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_split_any_text(text):
    _same_split(text)
    _same_split(text.lower())


def test_split_errors():
    with pytest.raises(TypeError):
        _ctokens.split(b"abc", None)
    with pytest.raises(TypeError):
        _ctokens.split("abc")
    with pytest.raises(KeyError):  # a plain dict: a missing word is an error, as in Python
        _ctokens.split("abc déf", {"abc": "abc"})
    with pytest.raises(TypeError):
        _ctokens.split("abc", 1)


def test_split_through_any_mapping():
    class Upper(dict):
        def __missing__(self, word):
            return word.upper()

    for text in ODD:
        assert _ctokens.split(text, Upper()) == _gazetteer._py_split(text, Upper())


# ---------------------------------------------------------------- phone scanner: atoms and groups


@pytest.fixture(scope="module")
def lex():
    return phone_lexicon()


@pytest.fixture(scope="module")
def scanner(lex):
    return _cphone.Scanner(lex.values, lex.joiners, MAX_ATOM_TOKENS, _phone_scan.MAX_RUN_ATOMS)


def _py_groups(text: str, lex) -> list:
    # the reference's groups of matches, as the scanner gives them: (start, end, text, is_joiner)
    return [
        [(*m.span(), m.group(), m.group("j") is not None) for m in group]
        for group in _phone_scan._py_groups(text, lex)
    ]


def _all_groups(scanner, text: str, limit: int = 10**9) -> list:
    out, pos = [], 0
    while pos >= 0:
        groups, pos = scanner.groups(text, pos, limit)
        assert len(groups) <= limit
        out += groups
    return out


def _same_groups(scanner, lex, text: str) -> None:
    want = _py_groups(text, lex)
    assert _all_groups(scanner, text) == want
    assert _all_groups(scanner, text, 1) == want  # going on after each group: the same groups
    assert _all_groups(scanner, text, 2) == want


PHONE_TEXTS = [
    "call 929-272-7898 now",
    "nine two nine . 272 7898",
    "six four six, five five five, 1234 567",
    "six four six , five five five ,five",
    "1, 2, 3, 4, 5, 6, 7, 8",
    "п'ять дев’ять 12 34 567 дев'яносто",
    "vingt et un 23 45 67 89 soixante-dix-huit",
    "quatre vingt douze 12 34 56",
    "0" * 20 + " 123 456 7890",
    "1 2 3 4 5 6 7 8 9 0 " * 30,
    "6869O537 and 2sixseven for80 eight",
    "24/7. 0158 123 456 | 8 9 6 7 • 1 2 3 · 4 5 6",
    "(929) 272_7898 ~929~272~7898~",
    "929\n272\n7898 929:272:7898 929+272+7898",
    "tel:9292727898,9292727898;9292727898",
    "o" * 50 + " " + "1" * 50,
    "onetwothree" * 20,
    "١٢٣ ٤٥٦ ٧٨٩٠ 123 456 7890",
]


@pytest.mark.parametrize("text", PHONE_TEXTS + ODD)
def test_groups_known_text(scanner, lex, text):
    _same_groups(scanner, lex, text)
    _same_groups(scanner, lex, text.lower())


def _phone_soup(lex, n: int, seed: int) -> list[str]:
    # number words, joiners, digits and every kind of separator glued at random: the gap rules,
    # the word boundaries and the longest-word choice all get exercised
    rng = random.Random(seed)
    pieces = [*lex.values, *lex.joiners, *"0123456789", "23", "4567", "929"]
    pieces += [" ", " ", " ", "-", ". ", ", ", " , ", ",", " | ", " / ", "\n", "_", "(", ") ", "+"]
    pieces += ["x", "é", "·", " • ", "O", "l", "i", "٣", "²", "'", "’", "\U0001f600", "\ud800", "\x00"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def test_groups_random_soup(scanner, lex):
    texts = _phone_soup(lex, 20000, 11)
    assert sum(1 for t in texts if scanner.groups(t, 0, 1)[0]) > 1000  # the soup does make runs
    for text in texts:
        _same_groups(scanner, lex, text)


def test_groups_random_text(scanner, lex):
    for text in _random_texts(3000, 13):
        _same_groups(scanner, lex, text)


def test_groups_huge_text(scanner, lex):
    _same_groups(scanner, lex, "".join(_phone_soup(lex, 3000, 17)))
    _same_groups(scanner, lex, "1 " * 100_000)
    _same_groups(scanner, lex, "one" * 100_000)
    _same_groups(scanner, lex, "a" * 200_000)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["one", "two", "et", "un", "sept", "l", "o", "8", "42", " ", "-", ", ", ". ", "x"])
    )
)
def test_groups_any_sequence(scanner, lex, pieces):
    _same_groups(scanner, lex, "".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_groups_any_text(scanner, lex, text):
    _same_groups(scanner, lex, text)


def test_other_lexicon_limits(monkeypatch):
    # a small lexicon (words that are prefixes of others) and tight limits, checked against the
    # reference with the same regex and the same limits: the bounds are the scanner's arguments
    import re
    from types import SimpleNamespace

    from tipwatch.engine.extract._phone_lexicon import trie_pattern

    words, joiners = ["one", "on", "onee", "two", "twelve", "l", "n'e"], ["and", "a", "andd"]
    body = trie_pattern(sorted(words))
    atom = re.compile(
        rf"(?<![^\W_])(?:(?P<j>{trie_pattern(sorted(joiners))})|(?:[0-9]|{body}){{1,3}}+)(?![^\W_])"
    )
    small = SimpleNamespace(atom=atom)
    monkeypatch.setattr(_phone_scan, "MAX_RUN_ATOMS", 4)
    sc = _cphone.Scanner(words, joiners, 3, 4)
    rng = random.Random(23)
    pieces = [*words, *joiners, "n", "e", "'", "1", "22", " ", " ", "-", ", ", "x"]
    texts = [
        "oneone two 1 2 3 4 5 6 7 8",
        "onetwotwelve 1 2 3",
        "ononee 12 3 4 5 6 7 8",
        "andd a and 1234567",
    ]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        assert _all_groups(sc, text) == _py_groups(text, small), text
        assert _all_groups(sc, text, 1) == _py_groups(text, small), text


def test_scanner_rejects_bad_words():
    with pytest.raises(TypeError):
        _cphone.Scanner([1], [], 40, 60)
    with pytest.raises(ValueError):
        _cphone.Scanner([""], [], 40, 60)
    with pytest.raises(ValueError):
        _cphone.Scanner([], [], 0, 60)
    with pytest.raises(TypeError):
        _cphone.Scanner([], [], 40, 60).groups(b"123", 0, 1)
    with pytest.raises(ValueError):
        _cphone.Scanner([], [], 40, 60).groups("123", -1, 1)
    with pytest.raises(ValueError):
        _cphone.Scanner([], [], 40, 60).groups("123", 0, 0)
    assert _cphone.Scanner([], [], 40, 60).groups("1234567", 100, 1) == ([], -1)


def test_scan_same_runs(lex, monkeypatch):
    # the whole scan (atoms read, runs kept, max_runs) through either pass
    texts = PHONE_TEXTS + _phone_soup(lex, 2000, 19) + ["1234567\n" * 5000, "9292727898, " * 3000]
    native = [[_phone_scan.scan(t, lex, m) for m in (0, 1, 2, 1000)] for t in texts]
    assert len(native[-1][-1]) == 1000
    monkeypatch.setattr(_phone_scan, "_SCANNER", [lex, None])
    assert [[_phone_scan.scan(t, lex, m) for m in (0, 1, 2, 1000)] for t in texts] == native


# ---------------------------------------------------------------- gazetteer: the name search


@pytest.fixture(scope="module")
def gaz():
    return _gazetteer.gazetteer()


def _city_soup(gaz, n: int, seed: int) -> list[str]:
    # city names (multi-word ones, their prefixes, Cyrillic case forms) glued with the gaps the
    # search reads (" ", "-", ". ", "'", long or odd ones) and with other words
    rng = random.Random(seed)
    names = sorted(gaz._names)
    multi = [k for k in names if " " in k]
    cyr = [k for k in names if "\u0400" <= k[:1] <= "\u04ff" and " " not in k]
    pieces = []
    for _ in range(400):
        pieces.append(rng.choice(names))
        pieces.append(rng.choice(multi))
        pieces.append(rng.choice(sorted(gaz.prefixes)))
        c = rng.choice(cyr)
        pieces.append(c[:-1] + rng.choice("ыеуюи") if len(c) > 3 else c)
    pieces += ["new", "san", "saint", "st", "de", "la", "in", "the", "и", "в", "москве", "київі", "Paris"]
    gaps = [" ", " ", " ", "-", ". ", "'", "’", " - ", "  ", "    ", ", ", "\n", "_", "1", " \u00a0", "\t"]
    out = []
    for _ in range(n):
        k = rng.randint(0, 25)
        out.append("".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(k)))
    return out


def _same_find(gaz, text: str, max_matches: int = _gazetteer.MAX_MATCHES, cold: bool = False) -> int:
    toks = _gazetteer.Tokens(text)
    if cold:  # each from empty caches (the C code reads the inflection cache as it goes)
        gaz._inflections.clear()
    got = list(gaz._find(toks, max_matches))
    if cold:
        gaz._inflections.clear()
    want = list(gaz._py_find(toks, max_matches))
    assert got == want, text
    return len(got)


def test_find_city_soup(gaz):
    texts = _city_soup(gaz, 4000, 29)
    assert sum(_same_find(gaz, t) for t in texts) > 10_000  # the soup does name cities
    for t in texts[:500]:
        for m in (0, 1, 2, 5):
            _same_find(gaz, t, m)
        _same_find(gaz, t, cold=True)
        _same_find(gaz, t + " " + t, 3, cold=True)
    # the keys the C code joins are canonical strings (same kind and size as Python's), so they
    # compare and hash like Python's
    import sys

    keys = {m.key for t in texts for m in gaz._find(_gazetteer.Tokens(t), 200) if " " in m.key}
    assert len(keys) > 100
    for key in keys:
        assert sys.getsizeof(key) == sys.getsizeof(" ".join(key.split(" "))), key
    # Cyrillic case forms are found ("москве" -> "москва")
    assert any(m.key != _gazetteer.name_key(t[m.start : m.end]) for t in texts for m in gaz.find(t))


@pytest.mark.parametrize("text", ODD + PHONE_TEXTS)
def test_find_odd_text(gaz, text):
    _same_find(gaz, text)
    _same_find(gaz, text * 50)


def test_find_random_text(gaz):
    for text in _random_texts(2000, 31, 80):
        _same_find(gaz, text)


def test_find_huge_text(gaz):
    _same_find(gaz, " ".join(_city_soup(gaz, 2000, 37)))  # past MAX_MATCHES names
    _same_find(gaz, "new york " * 20_000)
    _same_find(gaz, "москве " * 20_000)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["new", "york", "san", "francisco", "paris", "москве", "киеве", "de", " ", "-", ". ", "x"]
        )
    )
)
def test_find_any_sequence(gaz, pieces):
    _same_find(gaz, " ".join(pieces))
    _same_find(gaz, "".join(pieces))


def test_find_rejects_inconsistent_tokens(gaz):
    toks = _gazetteer.Tokens("new york")
    args = (
        gaz.first_tokens,
        gaz.prefixes,
        gaz._names,
        None,
        5,
        200,
        gaz._inflected,
        gaz.lookup,
        _gazetteer.Match,
        {},
    )
    with pytest.raises(ValueError):
        _ctokens.find(toks.words + ["x"], toks.offs, toks.parts, *args)
    with pytest.raises(TypeError):
        _ctokens.find(tuple(toks.words), toks.offs, toks.parts, *args)
    with pytest.raises(TypeError):
        _ctokens.find(toks.words, toks.offs, toks.parts)
    assert _ctokens.find(toks.words, toks.offs, toks.parts, *args) == list(gaz._py_find(toks, 200))


def test_compiled_scanner_reads_the_lexicon_regex(lex):
    # the C scanner reproduces lex.atom: it is used for the real lexicon, and a lexicon whose
    # atom regex is another one falls back to the regex (same output, slower)
    import dataclasses
    import re

    if _phone_scan._cphone is not None:  # (TIPWATCH_PURE_PYTHON=1: the regex everywhere)
        assert _phone_scan._compiled_scanner(lex) is not None
    other = dataclasses.replace(lex, atom=re.compile(lex.atom.pattern.replace("{1,40}+", "{1,30}+")))
    assert _phone_scan._compiled_scanner(other) is None
    text = "call nine two nine 272 7898 or 929-272-7898"
    assert _phone_scan.scan(text, other) == _phone_scan.scan(text, lex)


def test_compiled_scanner_follows_the_gap_rules(lex, monkeypatch):
    # gap_kind in _cphone.c writes out _GAP, _BREAK and _WORD_GAP: another rule turns it off
    import re

    if _phone_scan._cphone is not None:
        assert _phone_scan._compiled_scanner(lex) is not None
    monkeypatch.setattr(_phone_scan, "_GAP", re.compile(r"(?:[^\w\n,;:+$€£¥₽%!?&@<>]|_){1,4}"))
    assert _phone_scan._compiled_scanner(lex) is None
