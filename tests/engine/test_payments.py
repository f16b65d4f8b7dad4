"""Payment extractor: every kind, checksums, card masking, and the labelled bench cases."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract._checksums import (
    b58encode,
    base58check_version,
    luhn_ok,
    valid_bech32_btc,
    valid_eip55,
    valid_xmr,
)
from tipwatch.engine.extract.payments import find_payments, mask_card

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases" / "payments.jsonl"


def b58check(version: int, payload: bytes) -> str:
    data = bytes([version]) + payload
    return b58encode(data + hashlib.sha256(hashlib.sha256(data).digest()).digest()[:4])


def kinds(text: str) -> list[tuple[str, str]]:
    return [(k, v) for _s, _e, k, v, _a in find_payments(text)]


def test_base58check_round_trip_and_versions():
    addr = b58check(0, bytes(range(20)))
    assert addr.startswith("1") and base58check_version(addr) == 0
    assert kinds(f"btc {addr}") == [("btc", addr)]
    tron = b58check(0x41, bytes(range(20)))
    assert tron.startswith("T") and kinds(f"usdt {tron}") == [("trx", tron)]
    broken = addr[:-1] + ("2" if addr[-1] != "2" else "3")
    assert base58check_version(broken) is None and kinds(broken) == []


def test_known_vectors():
    # BIP-173 / BIP-350 and EIP-55 published test vectors
    assert valid_bech32_btc("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")
    assert valid_bech32_btc("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
    assert not valid_bech32_btc("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")
    assert valid_eip55("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert not valid_eip55("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD")
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert not valid_xmr("4" + "1" * 94)


def test_cashtag_needs_a_letter():
    assert kinds("cashapp $Tw_Jane99 or $200 or $150hh") == [("cashtag", "$tw_jane99")]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("paypal.me/TwJaneDoe", "paypal", "paypal.me/twjanedoe"),
        ("venmo @tw-jane-doe", "venmo", "@tw-jane-doe"),
        ("venmo.com/tw-jane-doe", "venmo", "@tw-jane-doe"),
        ("IBAN DE89 3704 0044 0532 0130 00 thanks", "iban", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32", "iban", "GB82WEST12345698765432"),
        (
            "eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "eth",
            "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
        ),
    ],
)
def test_kinds(text, kind, value):
    assert kinds(text) == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 01",
        "order #4111111111111111",
        "card 4111 1111 1111 1112",
        "tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        "9999999999999995",
    ],
)
def test_invalid_ids_are_dropped(text):
    assert kinds(text) == []


def test_card_is_masked_everywhere():
    ad = ad_from_dict({"id": "p1", "body": "pay card 4111 1111 1111 1111 now"})
    [ent] = [e for e in extract_ad(ad).entities if e.type == "payment"]
    assert ent.value == mask_card("4111111111111111") == "411111******1111"
    assert ent.raw == "4111 11** **** 1111"
    assert ent.attrs["raw_masked"] is True and ent.attrs["kind"] == "card"
    assert "4111111111111111" not in json.dumps(ent.to_dict())


def test_payment_spans_are_claimed_before_phones_and_prices():
    addr = b58check(5, bytes(range(1, 21)))
    ad = ad_from_dict({"id": "p2", "body": f"deposit to {addr} first", "country": "US"})
    ents = extract_ad(ad).entities
    assert [(e.type, e.value) for e in ents] == [("payment", addr)]


def test_bench_cases_precision_and_recall():
    lines = CASES.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(ln) for ln in lines]
    assert len(cases) >= 80 and sum(1 for c in cases if not c["expected"]) >= 30
    assert {x["kind"] for c in cases for x in c["expected"]} >= {
        "cashtag", "paypal", "venmo", "iban", "card", "btc", "eth", "xmr", "trx",
    }  # fmt: skip
    tp = fp = fn = 0
    wrong = []
    for case in cases:
        ad = ad_from_dict({k: case[k] for k in ("id", "body", "country") if k in case})
        got = {(e.value, e.attrs["kind"]) for e in extract_ad(ad).entities if e.type == "payment"}
        exp = {(x["value"], x["kind"]) for x in case["expected"]}
        tp, fp, fn = tp + len(got & exp), fp + len(got - exp), fn + len(exp - got)
        if got != exp:
            wrong.append(case["id"])
    assert tp / max(1, tp + fp) >= 0.98, wrong
    assert tp / max(1, tp + fn) >= 0.95, wrong


@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 10**6,
        "1 " * 500_000,
        "1" * 10**6,
        "DE89 " * 200_000,
        "$a" * 500_000,
        "venmo @" * 140_000,
        "1-" * 500_000,
        "bc1" * 330_000,
    ],
)
def test_hostile_input_is_linear(hostile):
    t = time.perf_counter()
    list(find_payments(hostile))
    assert time.perf_counter() - t < 1.0
