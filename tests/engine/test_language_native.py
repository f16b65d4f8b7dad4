"""The compiled language scorer (``extract/_clang.c``) against the numpy reference
(``_Model.classify_numpy``): the same language for every text, and "ask the reference" (-1)
where float32 rounding could decide."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipwatch.demo import generate
from tipwatch.engine.extract.language import _model

clang = pytest.importorskip("tipwatch.engine.extract._clang")  # test_native.py requires it in CI


def _c(model, texts: list[str]) -> list[int]:
    raws = [(t.lower() if t.isupper() else t).encode("utf-8", "surrogatepass") for t in texts]
    return clang.classify(raws, model.step, model.feature, model.start, model.ptc, model.pc)


def test_demo_texts_same_language_as_the_reference():
    m = _model()
    texts = [f"{a.get('title') or ''} {a['body']}"[:200] for a, _t in generate(21, 1500)]
    texts += [t.upper() for t in texts[:100]] + ["", "a", "12345 67890", "\x00\xff"]
    best = _c(m, texts)
    ref = m.classify_numpy(texts)
    assert [m.classes[i] for i in best if i >= 0] == [r for i, r in zip(best, ref, strict=True) if i >= 0]
    assert sum(i < 0 for i in best) < 10  # the reference is asked for ties and featureless texts only
    assert m.classify_many(texts) == ref  # the public path: C answers, the reference for the rest


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=200), min_size=1, max_size=40))
def test_any_text_same_language_as_the_reference(texts):
    m = _model()
    assert m.classify_many(texts) == m.classify_numpy(texts)


def _toy(ptc: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    # one state; byte b outputs feature b % features
    feature = (np.arange(256, dtype=np.int32) % ptc.shape[0]).astype(np.int32)
    return np.zeros(256, dtype=np.int32), feature, 0


def test_near_ties_are_left_to_the_reference():
    ptc = np.array([[1.0, 1.0, -5.0], [0.5, 0.5, 2.0]], dtype=np.float32)  # classes 0 and 1 tie
    step, feature, start = _toy(ptc)
    pc = np.zeros(3, dtype=np.float32)
    assert clang.classify([b"\x00\x00\x02"], step, feature, start, ptc, pc) == [-1]
    assert clang.classify([b"\x01\x01"], step, feature, start, ptc, pc) == [2]  # clear winner
    assert clang.classify([b""], step, feature, start, ptc, pc) == [-1]  # no feature: the prior decides
    pc_close = np.array([0.0, 1e-7, 0.0], dtype=np.float32)  # within float32 rounding
    assert clang.classify([b"\x00"], step, feature, start, ptc, pc_close) == [-1]


def test_many_texts_walk_together_as_alone():
    m = _model()
    rng = random.Random(2)
    texts = ["".join(rng.choice("abcdeéжзиの 12") for _ in range(rng.randint(0, 300))) for _ in range(100)]
    together = _c(m, texts)
    assert together == [_c(m, [t])[0] for t in texts]  # 16 walks in lockstep change nothing


def test_bad_arguments_are_errors():
    m = _model()
    with pytest.raises(TypeError):
        clang.classify(["text"], m.step, m.feature, m.start, m.ptc, m.pc)
    with pytest.raises(TypeError):
        clang.classify([b"x"], m.step.astype(np.int64), m.feature, m.start, m.ptc, m.pc)
    with pytest.raises(ValueError):
        clang.classify([b"x"], m.step, m.feature[:10], m.start, m.ptc, m.pc)
    with pytest.raises(ValueError):
        clang.classify([b"x"], m.step, m.feature, len(m.step), m.ptc, m.pc)
    step, feature, start = _toy(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(ValueError):  # a transition out of the table
        clang.classify(
            [b"ab"],
            np.full(256, 10**6, dtype=np.int32),
            feature,
            0,
            np.zeros((2, 3), np.float32),
            np.zeros(3, np.float32),
        )
