"""Checksums behind payment identifiers: Luhn, IBAN mod-97, Base58Check, Bech32/Bech32m,
Monero base58 with a Keccak checksum, and EIP-55 mixed-case Ethereum addresses.

Each ``valid_*`` function is total: it returns False (never raises) on any malformed input.
"""

from __future__ import annotations

import hashlib

from Crypto.Hash import keccak

__all__ = [
    "b58decode",
    "b58encode",
    "base58check_version",
    "keccak256",
    "luhn_ok",
    "valid_bech32_btc",
    "valid_eip55",
    "valid_iban",
    "valid_xmr",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}
_BECH32M_CONST = 0x2BC830A3


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def valid_iban(iban: str, lengths: dict[str, int]) -> bool:
    """``iban`` upper-case without spaces; ``lengths`` maps country code -> IBAN length."""
    if lengths.get(iban[:2]) != len(iban) or not iban[2:4].isdigit() or not iban.isalnum():
        return False
    moved = iban[4:] + iban[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in moved))
    except ValueError:
        return False
    return number % 97 == 1


def b58decode(s: str) -> bytes | None:
    n = 0
    for ch in s:
        i = _B58_INDEX.get(ch)
        if i is None:
            return None
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\x00" * pad + body


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\x00"))
    return "1" * pad + "".join(reversed(out))


def base58check_version(s: str, size: int = 25) -> int | None:
    """Version byte of a valid Base58Check string of ``size`` decoded bytes, else None."""
    raw = b58decode(s)
    if raw is None or len(raw) != size:
        return None
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload[0]


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def valid_bech32_btc(addr: str) -> bool:
    """BIP-173/BIP-350 segwit address on mainnet ("bc1..."): witness v0 uses Bech32, v1+ Bech32m."""
    if addr.lower() != addr and addr.upper() != addr:
        return False
    addr = addr.lower()
    hrp, sep, data_part = addr.rpartition("1")
    if hrp != "bc" or not sep or len(data_part) < 7 or len(addr) > 90:
        return False
    data = [_BECH32_INDEX.get(c, -1) for c in data_part]
    if -1 in data:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = _bech32_polymod(expanded + data)
    witver = data[0]
    if const != (1 if witver == 0 else _BECH32M_CONST) or witver > 16:
        return False
    prog = _convertbits(data[1:-6], 5, 8)
    if prog is None or not 2 <= len(prog) <= 40:
        return False
    return not (witver == 0 and len(prog) not in (20, 32))


def keccak256(data: bytes) -> bytes:
    k = keccak.new(digest_bits=256)
    k.update(data)
    return k.digest()


def valid_eip55(addr: str) -> bool:
    """``addr`` is "0x" + 40 hex; all-lower or all-upper pass, mixed case must match EIP-55."""
    body = addr[2:]
    if body.lower() == body or body.upper() == body:
        return True
    digest = keccak256(body.lower().encode("ascii")).hex()
    for ch, h in zip(body, digest[:40], strict=True):
        if ch.isalpha() and (ch.isupper() != (int(h, 16) >= 8)):
            return False
    return True


_XMR_BLOCK = {0: 0, 2: 1, 3: 2, 5: 3, 6: 4, 7: 5, 9: 6, 10: 7, 11: 8}  # encoded chars -> bytes


def _xmr_b58decode(s: str) -> bytes | None:
    out = bytearray()
    for i in range(0, len(s), 11):
        block = s[i : i + 11]
        size = _XMR_BLOCK.get(len(block))
        if not size:
            return None
        n = 0
        for ch in block:
            v = _B58_INDEX.get(ch)
            if v is None:
                return None
            n = n * 58 + v
        if n >= 1 << (8 * size):
            return None
        out += n.to_bytes(size, "big")
    return bytes(out)


def valid_xmr(addr: str) -> bool:
    """95-character Monero standard (net byte 18) or subaddress (42) with a Keccak checksum."""
    if len(addr) != 95:
        return False
    raw = _xmr_b58decode(addr)
    if raw is None or len(raw) != 69 or raw[0] not in (18, 42):
        return False
    return keccak256(raw[:-4])[:4] == raw[-4:]
