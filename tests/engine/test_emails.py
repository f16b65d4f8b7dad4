"""Email extractor: plain and obfuscated forms, and the hand-labelled bench cases."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.emails import find_emails

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases" / "emails.jsonl"


def emails(text: str) -> list[tuple[str, bool]]:
    return [(v, o) for _s, _e, v, o in find_emails(text)]


@pytest.mark.parametrize(
    ("text", "value", "obfuscated"),
    [
        ("mail Tw.Doe@Example.com.", "tw.doe@example.com", False),
        ("tw.jade at gmail dot com", "tw.jade@gmail.com", True),
        ("tw.jade(at)mail[dot]ru", "tw.jade@mail.ru", True),
        ("tw.jade [at] yahoo [dot] fr", "tw.jade@yahoo.fr", True),
        ("t w j a d e @ g m a i l . c o m", "twjade@gmail.com", True),
        ("tw.jade＠gmail．com", "tw.jade@gmail.com", True),
        ("tw.jade arroba gmail punto com", "tw.jade@gmail.com", True),
        ("tw.jade собака mail точка ru", "tw.jade@mail.ru", True),
    ],
)
def test_forms(text, value, obfuscated):
    assert emails(text) == [(value, obfuscated)]


@pytest.mark.parametrize("text", ["meet me at hotel.com", "I am at home dot com", "x@y", "see you @ 10pm"])
def test_not_emails(text):
    assert emails(text) == []


def test_email_is_claimed_so_no_handle_or_url_inside():
    ad = ad_from_dict({"id": "e1", "body": "write tw.jade@example.com or tw.kim at gmail.com"})
    types = sorted((e.type, e.value) for e in extract_ad(ad).entities)
    assert types == [("email", "tw.jade@example.com"), ("email", "tw.kim@gmail.com")]


def _score(path: Path, etype: str, keys: tuple[str, ...] = ("value",)) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        ad = ad_from_dict({k: case[k] for k in ("id", "body", "country", "title", "url") if k in case})
        got = {
            tuple(str(e.value if k == "value" else e.attrs.get(k)) for k in keys)
            for e in extract_ad(ad).entities
            if e.type == etype
        }
        exp = {tuple(str(x.get(k)) for k in keys) for x in case["expected"] if x["type"] == etype}
        tp, fp, fn = tp + len(got & exp), fp + len(got - exp), fn + len(exp - got)
        if got != exp:
            wrong.append(case["id"])
    return tp / max(1, tp + fp), tp / max(1, tp + fn), wrong


def test_bench_cases_precision_and_recall():
    lines = CASES.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 60
    cases = [json.loads(ln) for ln in lines]
    # an obfuscated case is one whose expected address is not written out literally
    obfuscated = [c for c in cases if any(x["value"] not in c["body"].lower() for x in c["expected"])]
    assert len(obfuscated) >= 40
    precision, recall, wrong = _score(CASES, "email")
    assert precision >= 0.98, wrong
    assert recall >= 0.95, wrong


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 10**6 + "@",
        "@" * 10**6,
        "1 " * 500_000,
        "a @ " * 250_000,
        "a at " * 200_000,
        "a " * 500_000 + "@",
        "(at)" * 250_000,
        " at " * 250_000,
    ],
)
def test_hostile_input_is_linear(hostile):
    t = time.perf_counter()
    list(find_emails(hostile))
    assert time.perf_counter() - t < 1.0
