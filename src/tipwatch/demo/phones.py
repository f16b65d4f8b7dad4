"""Synthetic phone numbers that libphonenumber accepts, written the way each country writes them.

Validating and formatting every number with ``phonenumbers`` costs ~50 µs, too slow for
20,000 ads/s. So a *prefix bank* is built once per process: national numbers minus their
last four digits, each checked with several random endings (all valid, all formatted with
the same layout). A number is then a bank prefix + four digits, and its written forms come
from the prefix's layouts by plain string formatting. The bank is built from a fixed internal
seed, so it is the same in every run and independent of the world seed.

Numbers come from counters (prefix = counter mod P, ending = a per-prefix permutation of
counter div P), so two people never share a number until a pool of P * 10,000 is used up.
Three disjoint pools per country: ``private`` (independents, sellers), ``op`` (operations,
shared on purpose) and ``landline`` (companies).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

__all__ = ["COUNTRIES", "Phone", "PhoneBook"]

COUNTRIES = ("US", "CA", "GB", "ES", "FR", "RU", "RO", "PT", "BR", "MX", "DE", "IT", "UA", "PL")
_POOL_SIZES = {"private": 32, "op": 16, "landline": 16}
_CHECKS = 6  # random endings tried per prefix before it joins the bank
_SPLIT = re.compile(r"[^#0-9]+")
_TRUNK = re.compile(r"[0-9]{1,2} ?")
_bank: dict[tuple[str, str], list[_Prefix]] = {}


@dataclass(slots=True, frozen=True)
class _Prefix:
    country: str
    cc: str
    head: str  # national number without its last 4 digits
    national: tuple[str, ...]  # format strings ("{}" per national-number digit)
    international: tuple[str, ...]
    mult: int  # per-prefix permutation of the 4-digit ending
    offset: int


@dataclass(slots=True, frozen=True)
class Phone:
    """One number: E.164 ``value``, its country and the ways it can be written."""

    value: str
    country: str
    prefix: _Prefix
    nn: str  # national significant number

    def written(self, rng: random.Random, *, national: bool) -> str:
        """The number as an ad writes it: a national layout (no "+") or an international one."""
        fmts = self.prefix.national if national else self.prefix.international
        return rng.choice(fmts).format(*self.nn)


def _shape(text: str, nn: str) -> str:
    """Replace the national-number digits (the last len(nn) digits of ``text``) with '#'."""
    chars = list(text)
    left = len(nn)
    for i in range(len(chars) - 1, -1, -1):
        if left and chars[i].isdigit():
            chars[i] = "#"
            left -= 1
    return "".join(chars)


def _variants(nat: str, intl: str, cc: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    groups = [g for g in _SPLIT.split(nat) if g]
    national = [nat, " ".join(groups), ".".join(groups), "-".join(groups), "".join(groups)]
    if cc == "49" and len(groups) == 2:  # "0160/20425239", the German habit
        national.append("/".join(groups))
    igroups = [g for g in _SPLIT.split(intl) if g]  # first group is the country code
    international = [intl, "+" + cc + " " + " ".join(igroups[1:]), "+" + "".join(igroups)]
    international.append("+" + cc + "-" + "-".join(igroups[1:]))
    trunk = _TRUNK.match(nat)
    if trunk:  # "07700 900123" -> "+44 7700 900123", "8 (916) 123-45-67" -> "+7 (916) 123-45-67"
        international.append("+" + cc + " " + nat[trunk.end() :])
    elif nat.startswith("("):  # "(929) 272-7898" -> "+1 (929) 272-7898"
        international.append("+" + cc + " " + nat)
    seen: dict[str, None] = {}
    for v in national:
        seen.setdefault(v.replace("#", "{}"))
    nat_out = tuple(seen)
    seen = {}
    for v in international:
        seen.setdefault(v.replace("#", "{}"))
    return nat_out, tuple(seen)


def _accept(country: str, kind: str, nn: str) -> tuple[str, str] | None:
    num = phonenumbers.parse("+" + str(phonenumbers.country_code_for_region(country)) + nn)
    if not phonenumbers.is_valid_number(num) or phonenumbers.region_code_for_number(num) != country:
        return None
    ntype = phonenumbers.number_type(num)
    if kind == "landline":
        ok = ntype in (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    else:
        ok = ntype in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if not ok:
        return None
    nat = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    return _shape(nat, nn), _shape(intl, nn)


def _build(country: str, kind: str) -> list[_Prefix]:
    rng = random.Random(f"tipwatch-demo-phone-bank:{country}:{kind}")
    ptype = PhoneNumberType.FIXED_LINE if kind == "landline" else PhoneNumberType.MOBILE
    example = phonenumbers.example_number_for_type(country, ptype)
    ex = phonenumbers.national_significant_number(example)  # keeps Italy's leading 0
    cc = str(example.country_code)
    taken = {p.head for k in _POOL_SIZES for p in _bank.get((country, k), ())}
    out: list[_Prefix] = []
    for _ in range(20000):
        if len(out) == _POOL_SIZES[kind]:
            break
        lead = ex[:2] if rng.random() < 0.5 else ex[:1]
        head = lead + "".join(str(rng.randrange(10)) for _ in range(len(ex) - 4 - len(lead)))
        if head in taken:
            continue
        shapes = {_accept(country, kind, head + str(rng.randrange(10000)).zfill(4)) for _ in range(_CHECKS)}
        if len(shapes) != 1 or None in shapes:
            continue
        (nat, intl) = shapes.pop()
        national, international = _variants(nat, intl, cc)
        taken.add(head)
        out.append(
            _Prefix(
                country,
                cc,
                head,
                national,
                international,
                rng.choice((1, 3, 7, 9)) * 1237 % 10000,
                rng.randrange(10000),
            )
        )
    if len(out) < _POOL_SIZES[kind]:
        raise RuntimeError(
            f"phone bank: found only {len(out)} {kind} prefixes for {country}; lower _POOL_SIZES"
        )
    return out


def _pool(country: str, kind: str) -> list[_Prefix]:
    key = (country, kind)
    pool = _bank.get(key)
    if pool is None:
        for k in _POOL_SIZES:  # build in a fixed order so the pools never depend on call order
            if (country, k) not in _bank:
                _bank[(country, k)] = _build(country, k)
        pool = _bank[key]
    return pool


class PhoneBook:
    """Hands out fresh numbers per country and pool; one per world, deterministic by call order."""

    def __init__(self) -> None:
        self._counters: dict[tuple[str, str], int] = {}

    def new(self, country: str, kind: str = "private") -> Phone:
        pool = _pool(country, kind)
        key = (country, kind)
        c = self._counters.get(key, 0)
        self._counters[key] = c + 1
        prefix = pool[c % len(pool)]
        ending = ((c // len(pool)) * prefix.mult + prefix.offset) % 10000
        nn = prefix.head + str(ending).zfill(4)
        return Phone("+" + prefix.cc + nn, country, prefix, nn)
