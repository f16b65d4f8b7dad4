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
from phonenumbers import phonenumberutil as _pu

__all__ = ["parsed", "region_for", "to_e164"]

# Regions where a national number is always written with its trunk 0 ("040 668822", "07911 ...");
# without it, an 8-digit reference number would read as a valid landline ("40668822" in Hamburg).
# Brazil and India are left out: their mobiles are commonly written without the 0.
TRUNK_ZERO = frozenset(
    {"GB", "DE", "FR", "AU", "NL", "BE", "AT", "CH", "RO", "UA", "TR", "NZ", "IE", "SE", "FI"}
)
_NANP = frozenset({"US", "CA", "PR", "DO", "JM", "TT", "BS", "BB"})


# E.164 -> (the parsed number, its region), for the numbers validated lately: the extractor
# asks for the region of the numbers it keeps, and parsing again (or finding the region among
# the many that share +1 or +7 again) would cost as much as validating did
_PARSED: dict[str, tuple[phonenumbers.PhoneNumber, str | None]] = {}
_MAX_PARSED = 4096


# phonenumbers re-compiles (through re's own cache) every metadata pattern each time it uses
# one; its pattern cache (a public switch, phonenumbers >= 9.0.43) keeps the compiled patterns
# instead: the same patterns, so the same answers, for a fifth less time per validation
_enable_pattern_cache = getattr(phonenumbers, "enable_pattern_cache", None)
if _enable_pattern_cache is not None:
    _enable_pattern_cache()

_UNSURE = object()  # _read's answer where only phonenumbers.parse itself may answer
# the library internals _read follows; without one of them (another release) parse does it all
_FAST = all(
    hasattr(_pu, name)
    for name in (
        "SUPPORTED_REGIONS",
        "COUNTRY_CODE_TO_REGION_CODE",
        "PhoneMetadata",
        "ValidationResult",
        "re_compile",
        "region_code_for_country_code",
        "_extract_country_code",
        "_match_national_number",
        "_maybe_strip_national_prefix_carrier_code",
        "_set_italian_leading_zeros_for_phone_number",
        "_test_number_length",
    )
)
_SHORT = (
    frozenset(
        {
            _pu.ValidationResult.TOO_SHORT,
            _pu.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
            _pu.ValidationResult.INVALID_LENGTH,
        }
    )
    if _FAST
    else frozenset()
)


def _read(digits: str, region: str | None, plus: bool) -> object:
    """``phonenumbers.parse(("+" if plus else "") + digits, region)`` for a string of ASCII
    digits: the same PhoneNumber, None where parse raises NumberParseException, or
    :data:`_UNSURE` outside the cases followed here (parse is then asked).

    parse's steps in its order, less those that leave such a string as it is: reading an
    RFC 3966 form, cutting a possible number out of text, the viability test, extension
    stripping and digit normalisation (the differential tests check each on every region).
    """
    if len(digits) < 3 or (plus and region is not None) or not digits.isascii() or not digits.isdigit():
        return _UNSURE
    numobj = phonenumbers.PhoneNumber()
    if plus:
        metadata = None
        full = digits  # the "+" stripped: an international number
    else:
        if region not in _pu.SUPPORTED_REGIONS:
            return None  # "Missing or invalid default region."
        metadata = _pu.PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            return _UNSURE
        full = None
        idd = metadata.international_prefix
        if idd is not None:
            m = _pu.re_compile(idd).match(digits)
            if m is not None and (m.end() == len(digits) or digits[m.end()] != "0"):
                full = digits[m.end() :]  # an international dialling prefix ("00", "011", "810")
    country_code = 0
    if full is not None:
        # _maybe_extract_country_code after a "+" or an IDD: a country code must follow
        if len(full) <= 2:
            return None  # too short after the IDD
        country_code, national = _pu._extract_country_code(full)
        if country_code == 0:
            return None  # an unknown country code (parse's retry without the "+" finds none)
        numobj.country_code = country_code
    else:
        # _maybe_extract_country_code in the default region: the region's own country code,
        # written without "+" ("44 7911 123456"), is taken off when the rest reads better
        code = str(metadata.country_code)
        if digits.startswith(code):
            general = metadata.general_desc
            _, potential, _ = _pu._maybe_strip_national_prefix_carrier_code(digits[len(code) :], metadata)
            if (
                not _pu._match_national_number(digits, general, False)
                and _pu._match_national_number(potential, general, False)
            ) or _pu._test_number_length(digits, metadata) == _pu.ValidationResult.TOO_LONG:
                country_code, national = metadata.country_code, potential
                numobj.country_code = country_code
        if country_code == 0:
            numobj.country_code = 0
    if country_code != 0:
        number_region = _pu.region_code_for_country_code(country_code)
        if number_region != region:
            metadata = _pu.PhoneMetadata.metadata_for_region_or_calling_code(country_code, number_region)
            if metadata is None:
                return _UNSURE  # parse asserts here
    else:
        national = digits
        country_code = metadata.country_code
        numobj.country_code = country_code
    if len(national) < 2:
        return None
    _, potential, _ = _pu._maybe_strip_national_prefix_carrier_code(national, metadata)
    if _pu._test_number_length(potential, metadata) not in _SHORT:
        national = potential
    if not 2 <= len(national) <= 17:
        return None
    _pu._set_italian_leading_zeros_for_phone_number(national, numobj)
    numobj.national_number = int(national)
    return numobj


def _parse(number: str, region: str | None) -> str | None:
    plus = number.startswith("+")
    n = _read(number[1:] if plus else number, region, plus) if _FAST else _UNSURE
    if n is _UNSURE:
        try:
            n = phonenumbers.parse(number, region)
        except NumberParseException:
            return None
    elif n is None:
        return None
    # phonenumbers.is_valid_number(n) is these two calls; the region is kept for region_for
    number_region = phonenumbers.region_code_for_number(n)
    if not phonenumbers.is_valid_number_for_region(n, number_region):
        return None
    e164 = phonenumbers.format_number(n, PhoneNumberFormat.E164)
    if len(_PARSED) >= _MAX_PARSED:
        _PARSED.clear()
    _PARSED[e164] = (n, number_region)
    return e164


def parsed(e164: str) -> phonenumbers.PhoneNumber:
    """The parsed form of an E.164 string (reused when :func:`to_e164` just produced it)."""
    entry = _PARSED.get(e164)
    return entry[0] if entry is not None else phonenumbers.parse(e164, None)


def region_for(e164: str) -> str | None:
    """``phonenumbers.region_code_for_number(parsed(e164))``: the ISO region of an E.164 string,
    kept from the validation when :func:`to_e164` just produced it (the same parsed number,
    so the same answer)."""
    entry = _PARSED.get(e164)
    if entry is not None:
        return entry[1]
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))


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
