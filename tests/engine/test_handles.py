"""Handle extractor: platform cues per language, profile URLs, and the labelled bench cases."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.handles import PLATFORMS, find_handles

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases" / "handles.jsonl"


def handles(body: str, country: str | None = None) -> list[tuple[str, str]]:
    ad = ad_from_dict({"id": "h", "body": body, "country": country})
    return [(e.value, e.attrs["platform"]) for e in extract_ad(ad).entities if e.type == "handle"]


@pytest.mark.parametrize(
    ("text", "value", "platform"),
    [
        ("kik: Tw_Jade22", "tw_jade22", "kik"),
        ("my snap is tw_lola99", "tw_lola99", "snapchat"),
        ("add me on telegram @tw_vip", "tw_vip", "telegram"),
        ("t.me/tw_jane_vip", "tw_jane_vip", "telegram"),
        ("instagram.com/tw_jane", "tw_jane", "instagram"),
        ("@tw_rita on insta", "tw_rita", "instagram"),
        ("телеграм: @tw_masha", "tw_masha", "telegram"),
        ("вк: tw_sonya99", "tw_sonya99", "vk"),
        ("x.com/tw_roxy", "tw_roxy", "twitter"),
        ("DM me @tw_mystery", "tw_mystery", "unknown"),
    ],
)
def test_handles(text, value, platform):
    assert handles(text) == [(value, platform)]


@pytest.mark.parametrize(
    "text",
    [
        "whatsapp +1 555 0100",
        "wa.me/15550100123",
        "Telegram only",
        "my line is busy",
        "tw.jade@example.com",
        "instagram.com/explore",
    ],
)
def test_no_handle(text):
    assert handles(text, "US") == []


def test_platform_list_matches_lexicon():
    from tipwatch.engine.extract._data import lexicon

    assert set(lexicon("platforms")["platforms"]) == set(PLATFORMS)


def test_bench_cases_precision_and_recall():
    cases = [json.loads(ln) for ln in CASES.read_text(encoding="utf-8").splitlines()]
    assert len(cases) >= 60
    assert len({x["platform"] for c in cases for x in c["expected"]}) >= 12
    tp = fp = fn = 0
    wrong = []
    for case in cases:
        ad = ad_from_dict({k: case[k] for k in ("id", "body", "country") if k in case})
        got = {(e.value, e.attrs["platform"]) for e in extract_ad(ad).entities if e.type == "handle"}
        exp = {(x["value"], x["platform"]) for x in case["expected"]}
        tp, fp, fn = tp + len(got & exp), fp + len(got - exp), fn + len(exp - got)
        if got != exp:
            wrong.append(case["id"])
    assert tp / max(1, tp + fp) >= 0.95, wrong
    assert tp / max(1, tp + fn) >= 0.95, wrong


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 10**6,
        "@" * 10**6,
        "@a " * 300_000,
        "telegram " * 100_000,
        "snap: " * 150_000,
        "ig @" * 250_000,
        "x.com/" * 150_000,
    ],
)
def test_hostile_input_is_linear(hostile):
    t = time.perf_counter()
    list(find_handles(hostile))
    assert time.perf_counter() - t < 1.0
