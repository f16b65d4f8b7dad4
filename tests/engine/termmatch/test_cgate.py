"""The compiled gate index against its pure-Python reference (``_gate.PyGate``): same answers on
the same batches, hostile ones included, and the matcher finds the same hits with either."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipwatch.engine.termmatch import TermMatcher
from tipwatch.engine.termmatch._gate import COMMON, HOT, LAZY, MARKED, PAIRED, SINGLE, SUB, PyGate, new_gate

cgate = pytest.importorskip("tipwatch.engine.termmatch._cgate")  # test_native.py requires it in CI

ALL = (HOT, SUB, MARKED, SINGLE, PAIRED, LAZY, COMMON)


def _answers(gate, raw: bytes, ntexts: int, marks: list[tuple[bytes, int]], unmarks: list[tuple[bytes, int]]):
    new = gate.scan(raw, ntexts)
    for tok, bits in marks:
        gate.mark(tok, bits)
    for tok, bits in unmarks:
        gate.unmark(tok, bits)
    out = [sorted(new), gate.bits(), len(gate)]
    for mask in (*ALL, HOT | MARKED, SINGLE | COMMON, 0xFF, 0):
        out += [gate.texts(mask), gate.counts(mask), sorted(gate.tokens(mask))]
        out += [gate.runs(mask, least) for least in (1, 2, 3)]
    out.append([gate.get(t) for t, _ in marks] + [gate.get(b"never-seen-token")])
    return out


_BYTES = st.lists(
    st.sampled_from(
        [b"a", b"B", b"x", b"\x1e", b" ", b"\n", b"  ", b"\t", b"\xc3\xa9", b"\x00", b"Zz", b"9", b"#"]
    ),
    max_size=60,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(batches=st.lists(_BYTES, min_size=1, max_size=6), data=st.data())
def test_same_answers_as_the_reference(batches, data):
    py, c = PyGate(), cgate.Gate()
    for raw in batches:
        ntexts = raw.count(b"\x1e") + 1
        toks = sorted({t for t in raw.lower().replace(b"\x1e", b" ").replace(b"\n", b" ").split(b" ") if t})
        marks = [(t, data.draw(st.integers(0, 127))) for t in toks if data.draw(st.booleans())]
        unmarks = [(t, data.draw(st.integers(0, 127))) for t in toks if data.draw(st.booleans())]
        assert _answers(c, raw, ntexts, marks, unmarks) == _answers(py, raw, ntexts, marks, unmarks)


def test_long_tokens_growth_and_clear():
    rng = random.Random(5)
    py, c = PyGate(), cgate.Gate()
    for _ in range(30):  # past the first table size (4,096) several times over, long tokens too
        texts = [
            " ".join(
                "".join(rng.choice("abcXYZ0123é") for _ in range(rng.choice((1, 3, 14, 15, 40, 300))))
                for _ in range(rng.randint(0, 80))
            )
            for _ in range(48)
        ]
        raw = "\x1e".join(texts).encode()
        toks = sorted({t for t in raw.lower().replace(b"\x1e", b" ").split(b" ") if t})
        marks = [(t, rng.randint(1, 63)) for t in rng.sample(toks, min(50, len(toks)))]
        if rng.random() < 0.1:
            py.clear()
            c.clear()
        assert _answers(c, raw, 48, marks, []) == _answers(py, raw, 48, marks, [])
    assert len(c) == len(py) > 4096


def test_counts_every_occurrence_and_reads_ascii_case_only():
    g = cgate.Gate()
    assert g.scan(b"A a\x1ea A\na\x1eX", 3) == {b"a", b"x"}
    g.mark(b"a", SINGLE)
    assert g.counts(SINGLE) == {0: 2, 1: 3}
    assert g.texts(SINGLE) == [0, 1]
    assert g.scan("É é".encode(), 1) == {"É".encode(), "é".encode()}  # only ASCII letters fold


def test_runs_stay_inside_a_text():
    g = cgate.Gate()
    g.scan(b"a b\x1ec d e\x1ef g\nh", 3)
    for tok in (b"a", b"b", b"c", b"d", b"e", b"f", b"g", b"h"):
        g.mark(tok, COMMON)
    assert g.runs(COMMON, 3) == [1, 2]  # "a b" + "c" is no run of three: the texts differ
    assert g.runs(COMMON, 4) == []
    g.mark(b"e", HOT)
    assert g.runs(HOT, 1) == [1]


def test_errors():
    g = cgate.Gate()
    with pytest.raises(ValueError):
        g.scan(b"a\x1eb", 3)  # the texts do not match the SEP bytes
    with pytest.raises(TypeError):
        g.scan("a", 1)
    with pytest.raises(TypeError):
        g.mark("a", HOT)
    with pytest.raises(ValueError):
        g.mark(b"a", 256)
    assert g.texts(HOT) == [] and g.bits() == 0  # the failed scan left no batch behind


def _corpus(seed: int) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    terms = [
        "escort agency",
        "kalomira",
        "Ankbel Nolinti",
        "sex",
        "oye kalomira",
        "bigjob travel",
        "#vipgirls",
    ]
    words = "hello new in town call me sweet girls agency job travel paid visa ok kalomirra s3x".split()
    texts = []
    for _ in range(400):
        n = rng.randint(0, 12)
        t = " ".join(
            rng.choice(words + ["Es.Cort", "NewBornsecks", "k a l o m i r a", "1o1o"]) for _ in range(n)
        )
        texts.append(t if rng.random() < 0.9 else t.replace(" ", ""))
    return terms, texts


def test_matcher_hits_are_the_same_with_either_gate():
    terms, texts = _corpus(3)
    c = TermMatcher(terms)
    c._gate = cgate.Gate()
    p = TermMatcher(terms)
    p._gate = new_gate(pure=True)
    assert type(p._gate) is PyGate
    assert c.find_many(texts) == p.find_many(texts)
    assert c.find_many(texts[::-1]) == p.find_many(texts[::-1])  # warm
    assert any(c.find_many(texts))


def test_threads_sharing_a_matcher_get_their_own_hits():
    # the gate holds the batch it read between calls: the matcher runs one batch at a time
    from concurrent.futures import ThreadPoolExecutor

    terms, texts = _corpus(4)
    chunks = [texts[i::4] * 3 for i in range(4)]
    expected = [TermMatcher(terms).find_many(chunk) for chunk in chunks]
    shared = TermMatcher(terms)
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            got = list(pool.map(shared.find_many, chunks))
            assert got == expected
