"""Payment identifiers: cashtags, PayPal.me, Venmo, IBANs, cards and crypto addresses.

Every identifier is checksum-validated so precision stays high (>= 0.98 on the bench):

======== ============================================ ===================================
kind     accepted                                     value
======== ============================================ ===================================
cashtag  "$jane99" (needs a letter first: "$200" is a  "$jane99" (lower-case)
         price)
paypal   "paypal.me/JaneDoe"                          "paypal.me/janedoe"
venmo    "venmo @jane-doe", "venmo.com/jane-doe"      "@jane-doe"
iban     mod-97 and the country's length              upper-case, no spaces
card     13-19 digits, Luhn AND a known IIN range     "411111******1111" (BIN6, last 4)
btc      Base58Check P2PKH/P2SH, Bech32/Bech32m       as written (bech32 lower-cased)
eth      "0x" + 40 hex (EIP-55 when mixed case)       lower-case
xmr      95 chars, Monero base58 + Keccak checksum    as written
trx      Base58Check with version byte 0x41 ("T...")  as written
======== ============================================ ===================================

A full card number is never kept: the entity's ``raw`` is masked too (``raw_masked=True``).
Spans are claimed so the phone, price and age extractors skip them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from tipwatch.engine.extract._checksums import (
    base58check_version,
    luhn_ok,
    valid_bech32_btc,
    valid_eip55,
    valid_iban,
    valid_xmr,
)
from tipwatch.engine.extract._data import lexicon
from tipwatch.engine.extract._digits import ASCII, NONE
from tipwatch.engine.extract._digits import digits as digit_kind
from tipwatch.engine.types import Entity

__all__ = ["extract", "find_payments", "mask_card"]

# The left boundary is a look-behind placed after the first character, so each pattern begins
# with a literal or a class and the regex engine skips ahead fast to where a match can start.
_CASHTAG_RE = re.compile(r"\$(?<![\w$]\$)(?P<tag>[A-Za-z][A-Za-z0-9_-]{0,19})(?![\w$-])")
_PAYPAL_RE = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?paypal\.(?:me|com/paypalme)/(?P<name>[A-Za-z0-9_.-]{0,19}[A-Za-z0-9_])",
    re.IGNORECASE,
)
_VENMO_RE = re.compile(
    r"(?<![\w.])(?:(?:https?://)?(?:www\.|account\.)?venmo\.com/(?:u/)?(?P<url>[A-Za-z0-9_-]{1,30})"
    r"|venmo(?:\s{0,3}(?:me|is|id|at|on|:|-|=)){0,2}\s{0,3}@(?P<tag>[A-Za-z0-9_-]{2,30}))(?![\w-])",
    re.IGNORECASE,
)
# Patterns begin with a character class, not a look-behind, so the regex engine skips ahead
# fast; the left boundary is checked by hand. IBANs are written in capitals.
_IBAN_RE = re.compile(r"(?P<iban>[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30})")
_CARD_RE = re.compile(r"(?P<card>\d(?<!\d\d)(?:[ \-]?\d){12,18})(?![\d])")
# the same with [0-9] for \d, for a text whose only digits are ASCII (see _digits): the same
# matches, tested with a bitmap instead of a Unicode look-up per character
_IBAN_ASCII_RE = re.compile(r"(?P<iban>[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){10,30})")
_CARD_ASCII_RE = re.compile(r"(?P<card>[0-9](?<![0-9][0-9])(?:[ \-]?[0-9]){12,18})(?![0-9])")
_TOKEN_RE = re.compile(r"[A-Za-z0-9]{25,}")
# UTF-8 bytes to their shape: ASCII upper case "A", lower case "a", digits "0", the rest a space
_SHAPE = bytes(
    ord("A")
    if 0x41 <= c <= 0x5A
    else ord("a")
    if 0x61 <= c <= 0x7A
    else ord("0")
    if 0x30 <= c <= 0x39
    else 0x20
    for c in range(256)
)
_RUN_25 = re.compile(rb"[Aa0]{25}")
_CARD_NOT_BEFORE = frozenset("0123456789-.,+")
_PLUS_BEFORE = re.compile(r"\+[ (]{0,2}$")
_ETH_RE = re.compile(r"0x[0-9a-fA-F]{40}")
_BTC_B58_RE = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{25,34}")
_TRX_RE = re.compile(r"T[1-9A-HJ-NP-Za-km-z]{33}")
_XMR_RE = re.compile(r"[48][1-9A-HJ-NP-Za-km-z]{94}")


@functools.cache
def _lex() -> dict[str, Any]:
    d = lexicon("payments")
    ranges = []
    for network, spans in d["card_iin"].items():
        for lo, hi, lengths in spans:
            ranges.append((str(lo), str(hi), frozenset(lengths), network))
    cues = sorted((re.escape(c) for c in d["reference_cues"]), key=len, reverse=True)
    return {
        "iban_length": {str(k): int(v) for k, v in d["iban_length"].items()},
        "card_ranges": ranges,
        "cashtag_stop": frozenset(str(w) for w in d["cashtag_stop"]),
        "ref_cue": re.compile(r"(?:\b(?:" + "|".join(cues) + r")\b|#)\s{0,2}[:.#№-]?\s{0,2}$", re.I),
    }


def card_network(digits: str) -> str | None:
    """The network whose IIN range and length fit ``digits`` (Luhn not checked here)."""
    for lo, hi, lengths, network in _lex()["card_ranges"]:
        if len(digits) in lengths and lo <= digits[: len(lo)] <= hi:
            return network
    return None


def mask_card(digits: str) -> str:
    """BIN (first 6) + "*" for the middle + last 4: "4111111111111111" -> "411111******1111"."""
    return digits[:6] + "*" * (len(digits) - 10) + digits[-4:]


def _mask_raw(raw: str) -> str:
    """Mask the same digits in the raw text, keeping its separators."""
    total = sum(ch.isdigit() for ch in raw)
    out, seen = [], 0
    for ch in raw:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= 6 or seen > total - 4 else "*")
        else:
            out.append(ch)
    return "".join(out)


def _card_groups_ok(raw: str) -> bool:
    seps = {ch for ch in raw if not ch.isdigit()}
    if not seps:
        return True
    if len(seps) > 1:
        return False
    groups = [len(g) for g in raw.split(seps.pop())]
    if groups in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


def _crypto(token: str) -> tuple[str, str] | None:
    n = len(token)
    if n == 42 and _ETH_RE.fullmatch(token):
        return ("eth", token.lower()) if valid_eip55(token) else None
    low = token.lower()
    if low.startswith("bc1"):
        return ("btc", low) if valid_bech32_btc(token) else None
    if n == 95 and _XMR_RE.fullmatch(token):
        return ("xmr", token) if valid_xmr(token) else None
    if n == 34 and token[0] == "T" and _TRX_RE.fullmatch(token):
        return ("trx", token) if base58check_version(token) == 0x41 else None
    if token[0] in "13" and _BTC_B58_RE.fullmatch(token):
        return ("btc", token) if base58check_version(token) in (0x00, 0x05) else None
    return None


def find_payments(text: str) -> Iterator[tuple[int, int, str, str, dict[str, Any]]]:
    """Yield ``(start, end, kind, value, extra_attrs)`` for every validated payment id."""
    lex = _lex()
    kind = digit_kind(text)
    if "$" in text:
        for m in _CASHTAG_RE.finditer(text):
            tag = m.group("tag").lower()
            if tag not in lex["cashtag_stop"]:
                yield m.start(), m.end(), "cashtag", "$" + tag, {}
    low = text.lower()
    if "paypal" in low:
        for m in _PAYPAL_RE.finditer(text):
            yield m.start(), m.end(), "paypal", "paypal.me/" + m.group("name").lower(), {}
    if "venmo" in low:
        for m in _VENMO_RE.finditer(text):
            name = (m.group("url") or m.group("tag")).lower()
            yield m.start(), m.end(), "venmo", "@" + name, {}
    if kind == NONE:
        return
    # what the three scans below need, read from one byte translation of the text: letters and
    # digits of an IBAN's start ("AA00"), 13 digits for a card, a run of 25 for an address (only
    # ASCII letters and digits count in those patterns; other characters' bytes are 0x80 or more)
    shape = text.encode("utf-8", "surrogatepass").translate(_SHAPE)
    iban_re, card_re = (_IBAN_ASCII_RE, _CARD_ASCII_RE) if kind == ASCII else (_IBAN_RE, _CARD_RE)
    if kind == ASCII and b"AA00" not in shape:
        iban_re = None
    if kind == ASCII and shape.count(b"0") < 13:
        card_re = None
    yield from _ibans(text, lex, iban_re)
    yield from _cards(text, lex, card_re)
    if _RUN_25.search(shape) is not None:
        yield from _tokens(text)


def _ibans(text: str, lex: dict[str, Any], iban_re: re.Pattern[str] | None) -> Iterator[tuple]:
    if iban_re is None:
        return
    lengths = lex["iban_length"]
    for m in iban_re.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue
        raw = m.group("iban")
        want = lengths.get(raw[:2].upper())
        if want is None:
            continue
        compact = raw.replace(" ", "").upper()[:want]
        if len(compact) < want or not valid_iban(compact, lengths):
            continue
        # end of the span: walk the raw text until ``want`` characters are consumed
        count, end = 0, m.start()
        while count < want:
            if text[end] != " ":
                count += 1
            end += 1
        yield m.start(), end, "iban", compact, {}


def _cards(text: str, lex: dict[str, Any], card_re: re.Pattern[str] | None) -> Iterator[tuple]:
    if card_re is None:
        return
    for m in card_re.finditer(text):
        if m.start() and (text[m.start() - 1] in _CARD_NOT_BEFORE or text[m.start() - 1].isalpha()):
            continue
        raw = m.group("card")
        if raw.startswith("00") or _PLUS_BEFORE.search(text, max(0, m.start() - 3), m.start()):
            continue  # "+4915093982119", "0049 ...": an international phone number, not a card
        digits = "".join(ch for ch in raw if ch.isdigit())
        if not (13 <= len(digits) <= 19) or not _card_groups_ok(raw) or not luhn_ok(digits):
            continue
        network = card_network(digits)
        if network is None or lex["ref_cue"].search(text, max(0, m.start() - 20), m.start()):
            continue
        yield m.start(), m.end(), "card", mask_card(digits), {"network": network, "raw_masked": True}


def _tokens(text: str) -> Iterator[tuple]:
    for m in _TOKEN_RE.finditer(text):
        if len(m.group()) > 110 or (m.start() and text[m.start() - 1].isalnum()):
            continue
        if m.end() < len(text) and text[m.end()].isalnum():
            continue  # glued to more letters (e.g. accented): not an address
        hit = _crypto(m.group())
        if hit is not None:
            yield m.start(), m.end(), hit[0], hit[1], {}


def extract(ctx) -> Iterable[Entity]:
    """Payment entities (claimed) from every field; email spans are skipped."""
    for fld in ctx.fields:
        found = sorted(find_payments(fld.text), key=lambda p: (p[0], -p[1]))
        last_end = -1
        for start, end, kind, value, extra in found:
            if start < last_end or ctx.is_claimed(fld.name, start, end, ("email",)):
                continue
            last_end = end
            ent = ctx.entity("payment", value, fld, start, end, claim=True, kind=kind, **extra)
            if kind == "card":
                ent.raw = _mask_raw(ent.raw)  # never keep the full number, not even in raw
            yield ent
