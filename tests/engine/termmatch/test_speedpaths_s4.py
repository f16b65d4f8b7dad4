"""The speed-ups of round 4 each give exactly what the general way gives.

A text that the gate lets through only for relatives of the anchor of multi-word terms (_PAIRED
words) is scanned only if a word of such a term stands in it too (``_paired_hit``): the matcher
must find what the full scan of every text finds, with the other word exact, a relative, spaced
out, leet (both readings of "1"), in Cyrillic look-alikes, or absent.
"""

from __future__ import annotations

import random

import pytest

from tipwatch.engine.termmatch import TermMatcher, _learning, _matcher
from tipwatch.engine.termmatch._gate import HOT, PAIRED, SUB

_TERMS = [
    "Ankbel Nolinti",
    "@ankbel_stelul11",
    "belank models loti",
    "Kalomira Vintor",
    "проститутка вызов",
    "darsa xelvo",
    "sex",
    "golden star models",
    "oye kalomira",
    "lolo kalomira",
]

# the anchor (longest word) of "Ankbel Nolinti" is "nolinti": "nolimti" is a _PAIRED word
_HAND = [
    "ankbel nolimti tonight",  # fuzzy relative of the anchor, other word exact: a hit
    "anbel nolimti tonight",  # both relatives
    "nolimti and nothing else",  # no other word: nothing
    "a n k b e l nolimti",  # the other word spaced out: joined only in the full fold
    "a.n.k.b.e.l nolimti",
    "ankbe1 nolimti",  # leet: only the "l" reading of "1" gives the other word
    "ankbe! nolimti",
    "4nkbel nolimti",
    "ankbel, nolimti.",
    "nolimti ankbel",  # the words in the other order: no hit
    "kalomiro vintor",
    "kalomiro vintr",
    "kalomiro only",
    "o y e kalomiro",  # common lone letters spaced out (no gate reason of their own)
    "1o1o kalomiro",  # "ioio", and in the "l" reading "lolo": only that reading has the word
    "1o1o kalomiro and more",
    "darza xelvoo",
    "anbel nolinti tonight",
    "anbel and nothing else",
    "anbel n o l i n t i",  # the other word spaced out: joined only in the full fold
    "anbel n.o.l.i.n.t.i",
    "anbel no1inti",  # leet, the "l" reading
    "anbel nol1nti",  # leet, the "i" reading
    "@anbel_stelul11 and @ankbel_stelu1ll",
    "anbel stelulii",
    "belanke models loti",  # phonetic relative at the anchor, three words
    "belanke modles lotti",
    "belanke loti",  # not all of the words
    "kalomirra vintor",
    "kalomirra vintr",
    "kalomirra",
    "вот проститутки вызов здесь",  # a relative in Cyrillic, the other word exact
    "вот проститутки вызoв здесь",  # the other word with a Latin look-alike "o"
    "вот проститутки cekc",
    "проститутки",
    "darsa xelvoo",
    "darza xelvo",
    "ANBEL NOLINTI",
    "AnbelNolinti",
    "#anbel nolinti",
    "anbel, nolinti.",
    "anbel nolinti sex",
    "golden starr modells",
    "",
]


def _full_scan(m: TermMatcher, texts: list[str]) -> list[list]:
    """Every text scanned in full, without the gate."""
    return [m._find_slow(t) for t in texts]


def _random_texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocab = (
        "anbel ankbel nolinti nolimti no1inti n.o.l.i.n.t.i stelul11 stelulii belanke belank models "
        "modles loti lotti kalomirra kalomira vintor vintr проститутки вызов вызoв darsa darza xelvo "
        "xelvoo nolimti kalomiro 4nkbel ankbe1 ankbe! a n k b e l the and call me now today s e x n o l"
    ).split()
    return [
        " ".join(
            rng.choice(vocab) if rng.random() < 0.6 else f"w{rng.randrange(1000)}"
            for _ in range(rng.randint(1, 9))
        )
        for _ in range(n)
    ]


def test_paired_words_find_what_the_full_scan_finds():
    m = TermMatcher(_TERMS)
    texts = _HAND + _random_texts(600, 4)
    got = m.find_many(texts)
    assert got == _full_scan(TermMatcher(_TERMS), texts)
    assert got == [TermMatcher(_TERMS).find(t) for t in texts]
    hits = {t: {h.term for h in r} for t, r in zip(texts, got, strict=True)}
    assert hits["ankbel nolimti tonight"] == {"Ankbel Nolinti"}
    assert hits["anbel nolimti tonight"] == {"Ankbel Nolinti"}
    assert hits["a n k b e l nolimti"] == {"Ankbel Nolinti"}
    assert hits["ankbe1 nolimti"] == {"Ankbel Nolinti"}
    assert hits["nolimti and nothing else"] == set()
    assert hits["kalomiro vintor"] == {"Kalomira Vintor"}
    assert hits["o y e kalomiro"] == {"oye kalomira"}
    assert hits["1o1o kalomiro"] == {"lolo kalomira"}
    assert hits["belanke models loti"] == {"belank models loti"}
    assert hits["вот проститутки вызов здесь"] == {"проститутка вызов"}
    assert hits["вот проститутки вызoв здесь"] == {"проститутка вызов"}


def test_paired_words_alone_skip_the_full_scan(monkeypatch):
    m = TermMatcher(_TERMS)
    texts = ["nolimti and nothing else", "kalomiro only", "darza here"] + ["plain words here"] * 5
    m.find_many(texts)  # learn the tokens
    for tok in (b"nolimti", b"kalomiro", b"darza"):
        assert m._gate.get(tok) & PAIRED and not m._gate.get(tok) & HOT
    scans = []
    original = TermMatcher._scan
    monkeypatch.setattr(
        TermMatcher, "_scan", lambda self, f, best: scans.append(f.text) or original(self, f, best)
    )
    assert m.find_many(texts) == [[] for _ in texts]
    assert scans == []  # folded and checked, never scanned
    paired = ["ankbel nolimti", "kalomiro vintr"]
    assert m.find_many(paired) == _full_scan(m, paired)
    assert scans and all(m.find_many(paired))  # with another word of the term: the full scan


def test_paired_check_equals_the_full_scan_on_every_text(monkeypatch):
    # the check itself against "always scan": every text the gate lets through
    texts = _HAND + _random_texts(400, 9)
    expected = TermMatcher(_TERMS).find_many(texts)
    monkeypatch.setattr(TermMatcher, "_paired_hit", lambda self, folded: True)
    assert TermMatcher(_TERMS).find_many(texts) == expected


@pytest.mark.parametrize("limit", [5, 40])
def test_paired_tokens_start_afresh_with_the_memos(monkeypatch, limit):
    texts = _random_texts(300, 21)
    expected = TermMatcher(_TERMS).find_many(texts)
    monkeypatch.setattr(_matcher, "_MEMO_LIMIT", limit)
    small = TermMatcher(_TERMS)
    assert small.find_many(texts) == expected
    assert [small.find(t) for t in texts[:60]] == expected[:60]


def test_spaced_letters_next_to_a_paired_word_are_scanned_in_full():
    # "o y e" are common lone letters (no gate reason of their own) and join into the term "oye"
    # only in the full fold: the text has spaced-out letters, and its folded words an anchor
    m = TermMatcher(["oye", "lolo kalomira"])
    texts = ["o y e kalomiro", "o.y.e kalomiro", "kalomiro o y e"]
    got = m.find_many(texts)
    assert got == _full_scan(TermMatcher(["oye", "lolo kalomira"]), texts)
    assert [{h.term for h in r} for r in got] == [{"oye"}, {"oye"}, {"oye"}]


# --- phonetic windows searched late for words seen in plain tokens only ---------------------------

_WTERMS = ["sex", "escort", "kalomira", "Ankbel Nolinti"]
# plain tokens whose word sounds like a term inside ("newbornsecks"): a holder only where a plain
# token may be compound, in a one-token or camelCase text
_WORDS_IN = ["newbornsecks", "hotsecks", "eskortgirl", "bestkalomirra", "xxsexsex", "nolimti"]


def _window_texts() -> list[str]:
    rng = random.Random(31)
    filler = "call me now today nice place words here".split()
    texts = [" ".join(rng.sample(filler, 4) + [w] + rng.sample(filler, 2)) for w in _WORDS_IN]  # learnt late
    texts += _WORDS_IN  # one-token texts: now they count
    texts += ["NewBornsecks tonight", "newbornSecks tonight", "Hotsecks AND", "call BestKalomirra"]
    texts += ["#newbornsecks", "@hotsecks", "eskortgirl2", "go/bestkalomirra", "newbornsecks,"]
    texts += [w + "!" for w in _WORDS_IN] + [w.upper() for w in _WORDS_IN]
    texts += [" ".join(rng.choice(filler + _WORDS_IN) for _ in range(rng.randint(1, 5))) for _ in range(300)]
    return texts


def _any_sub(m: TermMatcher, texts: list[str]) -> bool:
    """Whether a token of the texts is flagged a holder (SUB) in the matcher's gate."""
    flags = [m._gate.get(tok) for t in texts for tok in t.lower().encode().split()]
    return any(f > 0 and f & SUB for f in flags)


def _general(monkeypatch) -> TermMatcher:
    """A matcher that searches every word's windows at once (the general way)."""
    original = TermMatcher._learn_flags
    monkeypatch.setattr(
        TermMatcher, "_learn_flags", lambda self, words, late=frozenset(): original(self, words)
    )
    return TermMatcher(_WTERMS)


def test_late_windows_find_what_the_full_scan_finds(monkeypatch):
    texts = _window_texts()
    m = TermMatcher(_WTERMS)
    got = m.find_many(texts)
    assert m._unwindowed or m._sub_lazy or _any_sub(m, texts)  # the late path was taken
    assert got == _full_scan(TermMatcher(_WTERMS), texts)
    assert [m.find(t) for t in texts] == got
    hits = {t: {h.term for h in r} for t, r in zip(texts, got, strict=True)}
    assert hits["newbornsecks"] == {"sex"} and hits["NewBornsecks tonight"] == {"sex"}
    assert hits["#newbornsecks"] == {"sex"} and hits["bestkalomirra"] == {"kalomira"}
    expected = _general(monkeypatch).find_many(texts)
    assert got == expected


def test_late_windows_one_batch_at_a_time(monkeypatch):
    # each text alone (a batch of one): learnt late in one text, settled in a later one
    texts = _window_texts()
    m = TermMatcher(_WTERMS)
    got = [m.find_many([t])[0] for t in texts]
    assert got == _general(monkeypatch).find_many(texts)


def test_late_windows_settled_by_another_kind_of_token():
    m = TermMatcher(_WTERMS)
    m.find_many(["we say newbornsecks and more"])
    assert "newbornsecks" in m._unwindowed and b"newbornsecks" in m._sub_lazy
    assert m.find_many(["see #newbornsecks here"])[0]  # a hashtag: compound wherever it stands
    assert "newbornsecks" not in m._unwindowed and m._flags["newbornsecks"] & _learning._SUB
    assert m.find_many(["newbornsecks"])[0] == TermMatcher(_WTERMS).find("newbornsecks")


@pytest.mark.parametrize("limit", [3, 30])
def test_late_windows_start_afresh_with_the_memos(monkeypatch, limit):
    texts = _window_texts()
    expected = TermMatcher(_WTERMS).find_many(texts)
    monkeypatch.setattr(_matcher, "_MEMO_LIMIT", limit)
    small = TermMatcher(_WTERMS)
    assert [small.find_many(texts[k : k + 7]) for k in range(0, len(texts), 7)] == [
        expected[k : k + 7] for k in range(0, len(texts), 7)
    ]
