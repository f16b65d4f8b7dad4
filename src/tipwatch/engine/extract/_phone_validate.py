"""Validate digit strings as phone numbers with libphonenumber (``phonenumbers``), cached.

Region policy (documented in phones.py): with a region, national numbers are read in it; with
none, a number needs a ``+`` / ``00`` prefix (the caller may pass "US" for a number written in
the North American 3-3-4 shape). A national number is never guessed across a list of regions:
"06 12 34 56 78" is valid in France, the Netherlands, Germany and Italy alike.
"""

from __future__ import annotations

import functools

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

__all__ = ["parsed", "to_e164"]

# Regions where a national number is always written with its trunk 0 ("040 668822", "07911 ...");
# without it, an 8-digit reference number would read as a valid landline ("40668822" in Hamburg).
# Brazil and India are left out: their mobiles are commonly written without the 0.
TRUNK_ZERO = frozenset(
    {"GB", "DE", "FR", "AU", "NL", "BE", "AT", "CH", "RO", "UA", "TR", "NZ", "IE", "SE", "FI"}
)
_NANP = frozenset({"US", "CA", "PR", "DO", "JM", "TT", "BS", "BB"})


# E.164 -> the parsed number, for the numbers validated lately: the extractor asks for the
# region of the numbers it keeps, and parsing again would cost as much as validating did
_PARSED: dict[str, phonenumbers.PhoneNumber] = {}
_MAX_PARSED = 4096


def _parse(number: str, region: str | None) -> str | None:
    try:
        n = phonenumbers.parse(number, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(n):
        return None
    e164 = phonenumbers.format_number(n, PhoneNumberFormat.E164)
    if len(_PARSED) >= _MAX_PARSED:
        _PARSED.clear()
    _PARSED[e164] = n
    return e164


def parsed(e164: str) -> phonenumbers.PhoneNumber:
    """The parsed form of an E.164 string (reused when :func:`to_e164` just produced it)."""
    n = _PARSED.get(e164)
    return n if n is not None else phonenumbers.parse(e164, None)


def _international(digits: str) -> str | None:
    e164 = _parse("+" + digits, None)
    if e164 is None:  # "+44 (0) 7911 ...": drop the national trunk 0 written after the code
        for cc in (1, 2, 3):
            if len(digits) > cc + 7 and digits[cc] == "0":
                e164 = _parse("+" + digits[:cc] + digits[cc + 1 :], None)
                if e164 is not None:
                    break
    return e164


@functools.lru_cache(maxsize=8192)
def to_e164(digits: str, plus: bool, region: str | None) -> str | None:
    """E.164 for ``digits`` (ASCII digits only) or None when no valid number reads from them.

    ``plus``: a ``+`` was written before the number. ``region``: ISO alpha-2 or None.
    """
    if not 7 <= len(digits) <= 15:
        return None
    if plus:
        return _international(digits)
    if digits.startswith("00"):
        return _international(digits[2:])
    if not region:
        return None
    region = region.upper()
    if region in _NANP and digits.startswith("011"):
        return _international(digits[3:])
    e164 = _parse(digits, region)
    if e164 is not None and region in TRUNK_ZERO and digits[0] != "0":
        cc = str(phonenumbers.country_code_for_region(region))
        if not (digits.startswith(cc) and e164 == "+" + digits):  # "44 7911 123456" is fine
            return None
    return e164
