"""The corpus targets: recall on obfuscated pairs, false hits on benign lines."""

from __future__ import annotations

import importlib.util
from collections import Counter

from .conftest import DATA, benign_lines, corpus_pairs, corpus_terms


def test_pairs_corpus_is_large_and_multilingual():
    pairs = corpus_pairs()
    assert len(pairs) >= 300
    langs = Counter(p["lang"] for p in pairs)
    assert len([lang for lang, n in langs.items() if n >= 10]) >= 6
    assert {p["term"] for p in pairs} <= {t for t, _ in corpus_terms()}
    assert len(corpus_terms()) >= 60


def test_recall_on_obfuscated_pairs(matcher):
    pairs = corpus_pairs()
    missed = []
    for p, found in zip(pairs, matcher.find_many([p["text"] for p in pairs]), strict=True):
        for h in found:
            assert p["text"][h.start : h.end] == h.matched
        if p["term"] not in {h.term for h in found}:
            missed.append(p)
    recall = 1 - len(missed) / len(pairs)
    assert recall >= 0.95, missed[:20]


def test_benign_corpus_and_false_hit_rate(matcher):
    lines = benign_lines()
    assert len(lines) >= 1000
    text = "\n".join(lines)
    for word in (
        "Scunthorpe",
        "Essex",
        "Middlesex",
        "Sussex",
        "Penistone",
        "Cockermouth",
        "sextant",
        "analysis",
        "therapist",
        "grape",
        "Assassin",
        "ocktail",
        "Dickens",
        "Sexton",
        "Sechs",
        "sexta-feira",
        "sexto",
    ):
        assert word in text, word
    flagged = [(line, found) for line, found in zip(lines, matcher.find_many(lines), strict=True) if found]
    assert len(flagged) / len(lines) <= 0.01, flagged[:20]


def test_corpora_are_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location("make_corpora", DATA / "make_corpora.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.make_pairs() == corpus_pairs()
    assert gen.make_benign() == benign_lines()
