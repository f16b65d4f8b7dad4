"""Payment identifiers with valid checksums: base58check, bech32, IBAN mod-97, Luhn cards.

The encoders are written out here (not taken from a library) so the generator has no
dependency beyond the standard library, and the tests can check them against the rules
of each format: base58check uses a double SHA-256 checksum, bech32 follows BIP-173, an
IBAN satisfies ISO 13616 mod-97 == 1, a card number passes Luhn.
"""

from __future__ import annotations

import hashlib
import random

__all__ = [
    "b58check_decode",
    "b58check_encode",
    "bech32_decode",
    "bech32_encode",
    "btc_address",
    "card_number",
    "eth_address",
    "iban",
    "iban_valid",
    "luhn_valid",
    "mask_card",
    "trx_address",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58check_encode(payload: bytes) -> str:
    """Base58 of ``payload`` + first 4 bytes of its double SHA-256 (leading zero bytes -> '1')."""
    data = payload + _sha256d(payload)[:4]
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58check_decode(text: str) -> bytes | None:
    """The payload of a base58check string, or None when a character or the checksum is wrong."""
    n = 0
    for c in text:
        i = _B58_INDEX.get(c)
        if i is None:
            return None
        n = n * 58 + i
    pad = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    data = b"\0" * pad + body
    if len(data) < 5 or _sha256d(data[:-4])[:4] != data[-4:]:
        return None
    return data[:-4]


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _BECH32_GEN[i]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convertbits(data: bytes, frombits: int, tobits: int) -> list[int]:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def bech32_encode(hrp: str, witver: int, program: bytes) -> str:
    """A BIP-173 (bech32, witness version 0) segwit address, e.g. ``bc1q...``."""
    data = [witver] + _convertbits(program, 8, 5)
    polymod = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def bech32_decode(addr: str) -> tuple[str, list[int]] | None:
    """(hrp, data without checksum) of a valid bech32 string, else None."""
    addr = addr.lower()
    pos = addr.rfind("1")
    if pos < 1 or pos + 7 > len(addr):
        return None
    hrp, rest = addr[:pos], addr[pos + 1 :]
    if any(c not in _BECH32 for c in rest):
        return None
    data = [_BECH32.index(c) for c in rest]
    if _polymod(_hrp_expand(hrp) + data) != 1:
        return None
    return hrp, data[:-6]


def btc_address(rng: random.Random) -> str:
    """A random mainnet address: P2PKH ("1..."), P2SH ("3...") or bech32 P2WPKH ("bc1q...")."""
    program = rng.randbytes(20)
    r = rng.random()
    if r < 0.4:
        return b58check_encode(b"\x00" + program)
    if r < 0.6:
        return b58check_encode(b"\x05" + program)
    return bech32_encode("bc", 0, program)


def trx_address(rng: random.Random) -> str:
    """A TRON address: base58check with version byte 0x41, always starting with "T"."""
    return b58check_encode(b"\x41" + rng.randbytes(20))


def eth_address(rng: random.Random) -> str:
    """ "0x" + 40 lower-case hex digits (written lower-case, so no EIP-55 checksum applies)."""
    return "0x" + rng.randbytes(20).hex()


# country -> BBAN layout: "n" digit, "a" upper-case letter; lengths per the IBAN registry
_BBAN = {
    "DE": "n" * 18,
    "ES": "n" * 20,
    "FR": "n" * 23,
    "RO": "aaaa" + "n" * 16,
    "PT": "n" * 21,
    "GB": "aaaa" + "n" * 14,
}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _iban_digits(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text))


def iban(rng: random.Random, country: str) -> str:
    """A random IBAN (compact, upper-case) for DE, ES, FR, RO, PT or GB with valid mod-97 digits."""
    layout = _BBAN.get(country)
    if layout is None:
        raise ValueError(f"iban(): no BBAN layout for country {country!r}; use one of {sorted(_BBAN)}")
    bban = "".join(rng.choice(_LETTERS) if k == "a" else str(rng.randrange(10)) for k in layout)
    check = 98 - _iban_digits(bban + country + "00") % 97
    return f"{country}{check:02d}{bban}"


def iban_valid(text: str) -> bool:
    s = text.replace(" ", "").upper()
    return len(s) > 4 and s.isalnum() and _iban_digits(s[4:] + s[:4]) % 97 == 1


def luhn_valid(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_number(rng: random.Random) -> str:
    """A 16-digit Luhn-valid number with a Visa (4) or Mastercard (51-55, 2221-2720) prefix."""
    r = rng.random()
    if r < 0.5:
        prefix = "4" + str(rng.randrange(10**5)).zfill(5)
    elif r < 0.8:
        prefix = str(rng.randrange(51, 56)) + str(rng.randrange(10**4)).zfill(4)
    else:
        prefix = str(rng.randrange(2221, 2721)) + str(rng.randrange(100)).zfill(2)
    body = prefix + str(rng.randrange(10**9)).zfill(9)
    for d in "0123456789":
        if luhn_valid(body + d):
            return body + d
    raise AssertionError("unreachable: one check digit always satisfies Luhn")


def mask_card(number: str) -> str:
    """The only form of a card number tipwatch keeps: BIN (6) + stars + last 4."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
