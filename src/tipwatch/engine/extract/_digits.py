"""Which decimal digits a field's text holds, asked once and shared by the extractors.

Python's ``\\d`` is any Unicode decimal digit, tested by looking the character up (much slower
than the bitmap a class like ``[0-9]`` is tested with). Most texts hold ASCII digits only; there
``[0-9]`` finds exactly what ``\\d`` finds, so extractors switch to their ``[0-9]`` patterns.
Every decimal digit other than 0-9 lies at U+0660 or above.
"""

from __future__ import annotations

import re

__all__ = ["ASCII", "NONE", "OTHER", "digits"]

NONE, ASCII, OTHER = 0, 1, 2  # no digit; ASCII digits only; some other decimal digit

_ASCII_DIGIT_RE = re.compile("[0-9]")
# a character at U+0660 or above that is a decimal digit: the regex engine skips Latin and
# Cyrillic text with a range test (written as a negated class: compiling the range up to
# U+10FFFF costs milliseconds at start-up)
_OTHER_DIGIT_RE = re.compile(r"[^\x00-\u065f](?<=\d)")
_CACHE: dict[str, int] = {}


def digits(text: str) -> int:
    """:data:`NONE`, :data:`ASCII` or :data:`OTHER` for ``text`` (the last few texts are cached:
    prices, ages and payments ask about the same field texts)."""
    kind = _CACHE.get(text)
    if kind is not None:
        return kind
    if not text.isascii() and _OTHER_DIGIT_RE.search(text) is not None:
        kind = OTHER
    else:
        kind = ASCII if _ASCII_DIGIT_RE.search(text) is not None else NONE
    if len(_CACHE) >= 16:  # bounded: a field is asked about while its ad is extracted
        _CACHE.clear()
    _CACHE[text] = kind
    return kind
