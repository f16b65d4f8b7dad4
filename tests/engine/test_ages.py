"""Age extractor: cues in many languages, numbers in words, and what is never an age."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.ages import find_ages

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases" / "ages.jsonl"


def ages(body: str, country: str = "US") -> list[str]:
    ad = ad_from_dict({"id": "a", "body": body, "country": country})
    return [e.value for e in extract_ad(ad).entities if e.type == "age"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("19yo", "19"), ("sexy 21 y/o", "21"), ("age: 23", "23"), ("I am 20yrs", "20"), ("20 years old", "20"),
        ("tengo 19 años", "19"), ("j'ai 20 ans", "20"), ("мне 19 лет", "19"), ("19 лет", "19"),
        ("am 19 ani", "19"), ("tenho 19 anos", "19"), ("I'm 17", "17"), ("I'm 19.", "19"),
    ],
)  # fmt: skip
def test_digit_ages(text, value):
    assert ages(text) == [value]


@pytest.mark.parametrize(
    ("text", "value"), [("nineteen years old", "19"), ("veintidós años", "22"), ("dix-neuf ans", "19")]
)
def test_ages_in_words(text, value):
    assert ages(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "5'6 and 120 lbs",
        "165cm 55kg",
        "$19 special",
        "34-24-36",
        "since 2019",
        "3 years experience",
        "15 years experience",
        "hace 20 años",
        "I'm 100% real",
        "18+ only",
        "age 9",
        "I am 95",
    ],
)
def test_never_ages(text):
    assert ages(text) == []


def test_span_covers_the_cue():
    [(s, e, v)] = list(find_ages("Hi, I'm 19 and new"))
    assert "Hi, I'm 19 and new"[s:e] == "I'm 19" and v == "19"


def test_bench_cases_precision_and_recall():
    cases = [json.loads(ln) for ln in CASES.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 60 and sum(1 for c in cases if not c["expected"]) >= 25
    tp = fp = fn = 0
    wrong = []
    for case in cases:
        ad = ad_from_dict({k: case[k] for k in ("id", "body", "country") if k in case})
        got = {e.value for e in extract_ad(ad).entities if e.type == "age"}
        exp = {x["value"] for x in case["expected"]}
        tp, fp, fn = tp + len(got & exp), fp + len(got - exp), fn + len(exp - got)
        if got != exp:
            wrong.append(case["id"])
    assert tp / max(1, tp + fp) >= 0.95, wrong
    assert tp / max(1, tp + fn) >= 0.9, wrong


@pytest.mark.parametrize(
    "hostile", ["1 " * 500_000, "19 " * 330_000, "19 years " * 110_000, "yo " * 330_000, "i am 19 " * 125_000]
)
def test_hostile_input_is_linear(hostile):
    t = time.perf_counter()
    list(find_ages(hostile))
    assert time.perf_counter() - t < 1.0
