"""Helpers of the matcher's batch gate: finding which texts of a batch hold given tokens, and
cheap tests on a text (camelCase, a single token) made with byte loops, not the regex engine."""

from __future__ import annotations

from bisect import bisect_right

__all__ = ["has_camel", "one_token", "texts_with"]

# ASCII lower-case letters to "a", upper-case to "A", every other byte to a space
_CAMEL_TABLE = bytes(
    ord("a") if 0x61 <= c <= 0x7A else ord("A") if 0x41 <= c <= 0x5A else 0x20 for c in range(256)
)


def has_camel(text: str) -> bool:
    """Whether an ASCII lower-case letter is followed by an upper-case one (the regex ``[a-z][A-Z]``),
    with byte loops instead of the regex engine."""
    return b"aA" in text.encode("utf-8", "surrogatepass").translate(_CAMEL_TABLE)


def one_token(norm: str) -> bool:
    """Whether a normalised text is a single token."""
    # normalise has collapsed white space to one " " or "\n"; ignore it at either end
    end = len(norm) - 1
    return norm.find(" ", 1, end) < 0 and norm.find("\n", 1, end) < 0


def texts_with(joined: bytes, bounds: list[int], tokens: set[bytes]) -> list[int]:
    """Index of the text (starting at ``bounds`` in ``joined``) of each occurrence of the tokens.

    ``joined`` has a space before and after every token, so " token " finds exactly the token.
    """
    out: list[int] = []
    for tok in tokens:
        needle = b" " + tok + b" "
        step = len(needle) - 1  # the next token may share the trailing space
        pos = joined.find(needle)
        while pos >= 0:
            out.append(bisect_right(bounds, pos) - 1)
            pos = joined.find(needle, pos + step)
    return out
