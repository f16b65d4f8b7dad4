"""Spaced-out terms made of common one-letter words ("a n a", "o y e"): the gate lets their
texts through (three single letters in a row), so ``find_many`` finds what the full scan finds."""

from __future__ import annotations

import random

from tipwatch.engine.termmatch import TermMatcher
from tipwatch.engine.termmatch._data import single_letter_words

TERMS = ["ana", "oye", "aya", "sex", "Kalina Agency", "eva"]


def test_common_letters_spaced_out_are_found():
    m = TermMatcher(TERMS)
    texts = [
        "a n a",
        "call a n a now",
        "O Y E",
        "o. y. e.",
        "a, y, a tonight",
        "e v a",
        "s e x",
        "k a l i n a agency",
    ]
    for text in texts:
        assert m.find(text) == m._find_slow(text) != [], text
    assert [r != [] for r in m.find_many(texts)] == [True] * len(texts)


def test_ordinary_text_with_common_one_letter_words_finds_nothing():
    m = TermMatcher(TERMS)
    texts = [
        "y a la casa o a la playa",
        "I am a good girl e o a",  # three in a row, but no term: the full scan finds nothing
        "trabajo y a tiempo e ingles",
    ]
    assert m.find_many(texts) == [[] for _ in texts]


def test_batches_equal_the_full_scan():
    rng = random.Random(8)
    common = sorted(single_letter_words())
    words = ["hola", "casa", "call", "me", "now", "agency", "kalina", "sweet"] + common
    texts = []
    for _ in range(500):
        parts = [rng.choice(words) for _ in range(rng.randint(0, 10))]
        if rng.random() < 0.3:  # a term spelled out somewhere
            term = rng.choice(["ana", "oye", "aya", "eva", "sex"])
            parts.insert(rng.randint(0, len(parts)), rng.choice([" ", ". ", ", "]).join(term))
        texts.append(" ".join(parts))
    m = TermMatcher(TERMS)
    assert m.find_many(texts) == [TermMatcher(TERMS)._find_slow(t) for t in texts]
