"""Payment identifiers: the encoders against known vectors, and every planted id validates."""

from __future__ import annotations

import random
import re

import pytest

from tipwatch.demo.checksums import (
    b58check_decode,
    b58check_encode,
    bech32_decode,
    bech32_encode,
    btc_address,
    card_number,
    eth_address,
    iban,
    iban_valid,
    luhn_valid,
    mask_card,
    trx_address,
)


def test_known_vectors():
    # BIP-173 test vector (P2WPKH) and a well-known P2PKH address
    assert bech32_decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4") is not None
    assert bech32_decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5") is None
    program = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert bech32_encode("bc", 0, program) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert b58check_decode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2") is not None
    assert b58check_decode("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3") is None
    assert b58check_encode(b"\x00" + bytes(20)) == "1111111111111111111114oLvT2"
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and iban_valid("DE89370400440532013000")
    assert not iban_valid("DE89370400440532013001")
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    assert mask_card("4111111111111111") == "411111******1111"


@pytest.mark.parametrize("country", ["DE", "ES", "FR", "RO", "PT", "GB"])
def test_iban_generator(country):
    rng = random.Random(country)
    lengths = {"DE": 22, "ES": 24, "FR": 27, "RO": 24, "PT": 25, "GB": 22}
    for _ in range(200):
        value = iban(rng, country)
        assert value.startswith(country) and len(value) == lengths[country] and iban_valid(value)


def test_iban_unknown_country_names_the_fix():
    with pytest.raises(ValueError, match="use one of"):
        iban(random.Random(1), "ZZ")


def test_crypto_and_card_generators():
    rng = random.Random(5)
    kinds = set()
    for _ in range(300):
        btc = btc_address(rng)
        if btc.startswith("bc1q"):
            hrp, data = bech32_decode(btc)
            assert hrp == "bc" and data[0] == 0
            kinds.add("bech32")
        else:
            payload = b58check_decode(btc)
            assert payload is not None and len(payload) == 21 and payload[0] in (0, 5)
            kinds.add(btc[0])
        trx = trx_address(rng)
        assert trx.startswith("T") and b58check_decode(trx)[0] == 0x41
        assert re.fullmatch(r"0x[0-9a-f]{40}", eth_address(rng))
        card = card_number(rng)
        assert len(card) == 16 and luhn_valid(card)
        assert card[0] == "4" or 51 <= int(card[:2]) <= 55 or 2221 <= int(card[:4]) <= 2720
    assert kinds == {"1", "3", "bech32"}


def test_planted_payments_validate(world_pairs):
    kinds = set()
    for _, truth in world_pairs:
        for e in truth["entities"]:
            if e["type"] != "payment":
                continue
            kind, value, raw = e["kind"], e["value"], e["raw"]
            kinds.add(kind)
            if kind == "btc":
                assert value == raw
                assert bech32_decode(value) if value.startswith("bc1") else b58check_decode(value)
            elif kind == "trx":
                assert value.startswith("T") and b58check_decode(value)[0] == 0x41
            elif kind == "eth":
                assert re.fullmatch(r"0x[0-9a-f]{40}", value) and raw == value
            elif kind == "iban":
                assert value == raw.replace(" ", "") and iban_valid(value)
            elif kind == "card":
                digits = raw.replace(" ", "")
                assert luhn_valid(digits) and value == mask_card(digits) and "*" in value
            elif kind == "cashtag":
                assert value == raw.lower() and value.startswith("$") and any(c.isalpha() for c in value)
            elif kind == "paypal":
                assert value == raw.lower() and value.startswith("paypal.me/")
            elif kind == "venmo":
                assert value == raw.lower() and value.startswith("@")
            else:
                raise AssertionError(f"unexpected payment kind {kind}")
    assert kinds >= {"btc", "iban", "card", "trx", "paypal", "cashtag"}
