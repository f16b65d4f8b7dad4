"""Shared fixtures: the corpus watchlist and a matcher built once per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tipwatch.engine.termmatch import TermMatcher

DATA = Path(__file__).parent / "data"


def corpus_terms() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "terms.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            term, lang = line.split("\t")
            rows.append((term, lang))
    return rows


def corpus_pairs() -> list[dict[str, str]]:
    return [json.loads(line) for line in (DATA / "pairs.jsonl").read_text("utf-8").splitlines() if line]


def benign_lines() -> list[str]:
    return [line for line in (DATA / "benign.txt").read_text("utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def matcher() -> TermMatcher:
    return TermMatcher([t for t, _ in corpus_terms()])
