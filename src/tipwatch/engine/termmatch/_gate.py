"""Helpers of the matcher's batch gate: finding which texts of a batch hold given tokens, cheap
tests on a text or a batch (camelCase, a single token) made with byte loops, not the regex engine,
and the canonical form of a token that its digit runs do not change (the memo key)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate
from operator import add
from typing import Any

import numpy as np

from tipwatch.engine.termmatch._data import fold_table

__all__ = [
    "COMMON",
    "GATE_BYTES",
    "HOT",
    "LAZY",
    "MARKED",
    "PAIRED",
    "SINGLE",
    "SUB",
    "PyGate",
    "any_camel",
    "canonical",
    "canonical_many",
    "has_camel",
    "new_gate",
    "one_token",
    "texts_with",
]

# ASCII lower-case letters to "a", upper-case to "A", every other byte to a space
_CAMEL_TABLE = bytes(
    ord("a") if 0x61 <= c <= 0x7A else ord("A") if 0x41 <= c <= 0x5A else 0x20 for c in range(256)
)


def has_camel(text: str) -> bool:
    """Whether an ASCII lower-case letter is followed by an upper-case one (the regex ``[a-z][A-Z]``),
    with byte loops instead of the regex engine."""
    return b"aA" in text.encode("utf-8", "surrogatepass").translate(_CAMEL_TABLE)


# ASCII lower-case letters to "a", upper-case to "B", every other byte to a space
_CAMEL_BYTES = bytes(
    ord("a") if 0x61 <= c <= 0x7A else ord("B") if 0x41 <= c <= 0x5A else 0x20 for c in range(256)
)
# a two-byte literal: the regex engine's literal search beats ``in`` on text that is nearly all "a"
_CAMEL_PAIR = re.compile(b"aB")


_NUMPY_FROM = 2048  # shorter batches: the arrays cost more than the translate and the search


def any_camel(raw: bytes) -> bool:
    """Whether an ASCII lower-case letter is followed by an upper-case one anywhere in ``raw``
    (a whole batch at once).

    A long batch is tested with byte arrays (a few vector passes, four times faster than the
    literal search over the translated batch, which steps byte by byte through the lower-case
    letters it is made of); a short one with one ``translate`` and one literal search. UTF-8
    bytes of other characters are all 0x80 or more: no ASCII letter in either test.
    """
    if len(raw) < _NUMPY_FROM:
        return _CAMEL_PAIR.search(raw.translate(_CAMEL_BYTES)) is not None
    a = np.frombuffer(raw, dtype=np.uint8)
    lower = (a[:-1] >= 0x61) & (a[:-1] <= 0x7A)
    upper = (a[1:] >= 0x41) & (a[1:] <= 0x5A)
    return bool((lower & upper).any())


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


_DIGIT = re.compile("[0-9]")
_DIGIT_RUN = re.compile("[0-9]+")
_LEET_DIGITS = frozenset(d for d in fold_table().leet if d.isdigit())
# a run of digits between ASCII marks that are no leetspeak (or a token edge): it folds to a word of
# digits alone, whatever its value, so "example12.com/ad/4567" and ".../ad/8910" are alike to the
# flags when no term word is without letters (the run touches no letter and no leet symbol)
_FREE_MARKS = "".join(
    re.escape(c) for c in map(chr, range(0x21, 0x7F)) if not c.isalnum() and c not in fold_table().leet
)
_FREE_DIGITS = re.compile(rf"(?<![^{_FREE_MARKS}])[0-9]{{3,40}}(?![^{_FREE_MARKS}])")


def _inert(m: re.Match[str]) -> str:
    run = m.group()
    return "9" if len(run) > 8 or not _LEET_DIGITS.issuperset(run) else run


def canonical(token: str, digit_forms: bool, letterless_words: bool) -> str:
    """The token with the digit runs that cannot change its flags made alike: tokens with the
    same canonical form are learnt once.

    When no term holds a digit, every run that cannot be leetspeak is alike ("example123.com/ad/4567"
    is learnt as "example9.com/ad/9"); when terms hold digits but no term word is digits alone,
    only the runs that touch no letter are ("example123.com/ad/000").
    """
    if not _DIGIT.search(token):
        return token
    if not digit_forms:
        return _DIGIT_RUN.sub(_inert, token)
    if not letterless_words:  # such a run folds to a word of digits alone, which is nothing
        return _FREE_DIGITS.sub("000", token)
    return token


_SEP = "\x1e"  # joins the tokens of canonical_many (as in the matcher's batches): in no token
# _FREE_DIGITS over tokens joined by _SEP, which counts as a token edge; written to start with the
# digit itself (the look-behind then reads the character before it), so that the regex engine
# skips to the next digit instead of trying the look-behind at every character
_FREE_DIGITS_JOINED = re.compile(
    rf"[0-9](?<![^{_FREE_MARKS}{_SEP}][0-9])[0-9]{{2,39}}(?![^{_FREE_MARKS}{_SEP}])"
)


def canonical_many(tokens: list[str], digit_forms: bool, letterless_words: bool) -> list[str]:
    """``[canonical(t, digit_forms, letterless_words) for t in tokens]`` for tokens without
    ``"\x1e"``, with one regex pass over the tokens joined by it.

    No digit run crosses the joint, and the joint reads as a token edge: it is no digit, and the
    joined regex counts it as a mark where the token-by-token one sees the edge of the string.
    """
    if not tokens or (digit_forms and letterless_words):
        return list(tokens)
    joined = _SEP.join(tokens)
    if not _DIGIT.search(joined):
        return list(tokens)
    if not digit_forms:
        return _DIGIT_RUN.sub(_inert, joined).split(_SEP)
    return _FREE_DIGITS_JOINED.sub("000", joined).split(_SEP)


# --- the gate index -------------------------------------------------------------------------

# a token's flags in the gate index: it anchors a term (HOT), holds one as a plain word (SUB) or
# as a marked one (MARKED: #, @, / or letters next to digits, compound wherever it stands), is a
# rare single letter (SINGLE), a relative of the anchor of multi-word terms only (PAIRED), or a
# plain token whose word's phonetic windows wait (LAZY, see TokenLearning._resolve_windows), or a
# common single letter ("a", "y": COMMON; spaced out, common letters spell terms too: "a n a")
HOT, SUB, MARKED, SINGLE, PAIRED, LAZY, COMMON = 1, 2, 4, 8, 16, 32, 64
_BITS = (HOT, SUB, MARKED, SINGLE, PAIRED, LAZY, COMMON)

# the gate's bytes: SEP (0x1E, between texts) and line breaks made spaces, ASCII lower case
GATE_BYTES = bytes(0x20 if c in (0x0A, 0x1E) else c + 32 if 0x41 <= c <= 0x5A else c for c in range(256))


class PyGate:
    """Every token the matcher has seen, with its flags, and the tokens of the last batch.

    A batch is the UTF-8 bytes of its texts joined by ``SEP`` (0x1E); a token is a run of bytes
    other than space, line feed and SEP, ASCII letters lower-cased. :meth:`scan` returns the
    batch's new tokens (known from then on, with no flags); the matcher learns them and sets
    their flags with :meth:`mark`; then :meth:`bits`, :meth:`texts`, :meth:`counts` and
    :meth:`tokens` answer for the batch. This is the pure-Python reference; the compiled
    ``_cgate.Gate`` has the same contract (and is what :func:`new_gate` returns when built).
    """

    __slots__ = ("_batch", "_flags", "_known")

    def __init__(self) -> None:
        self._known: set[bytes] = set()
        self._flags: dict[int, set[bytes]] = {bit: set() for bit in _BITS}
        self._batch: tuple[bytes, set[bytes], int] = (b"", set(), 0)

    def __len__(self) -> int:
        return len(self._known)

    def clear(self) -> None:
        self._known.clear()
        for tokens in self._flags.values():
            tokens.clear()
        self._batch = (b"", set(), 0)

    def scan(self, raw: bytes, ntexts: int) -> set[bytes]:
        # every token between single spaces: ASCII lower case, SEP and line breaks made spaces,
        # in one translate (a token is then found with one find, see texts_with)
        joined = b" " + raw.translate(GATE_BYTES) + b" "
        tokens = set(joined.split(b" "))
        tokens.discard(b"")
        held = raw.count(b"\x1e") + 1
        if held != ntexts:
            raise ValueError(f"scan: the batch holds {held} texts, not {ntexts}")
        new = tokens.difference(self._known)
        self._known.update(new)
        self._batch = (raw, tokens, ntexts)
        return new

    def _with(self, mask: int) -> set[bytes]:
        tokens = self._batch[1]
        out: set[bytes] = set()
        for bit in _BITS:
            if bit & mask:
                out |= tokens & self._flags[bit]
        return out

    def bits(self) -> int:
        tokens = self._batch[1]
        return sum(bit for bit in _BITS if not tokens.isdisjoint(self._flags[bit]))

    def _occurrences(self, mask: int) -> list[int]:
        raw = self._batch[0]
        joined = b" " + raw.translate(GATE_BYTES) + b" "
        # text i starts at byte bounds[i] of raw; in joined, that is where the space made of the
        # SEP before it stands (or the leading space), the space before its first token
        lens = list(map(len, raw.split(b"\x1e")))
        bounds = list(map(add, accumulate(lens[:-1], initial=0), range(len(lens))))
        return texts_with(joined, bounds, self._with(mask))

    def texts(self, mask: int) -> list[int]:
        return sorted(set(self._occurrences(mask)))

    def counts(self, mask: int) -> dict[int, int]:
        return dict(Counter(self._occurrences(mask)))

    def tokens(self, mask: int) -> set[bytes]:
        return self._with(mask)

    def runs(self, mask: int, least: int) -> list[int]:
        flagged = self._with(mask)
        if not flagged:
            return []
        out = []
        texts = self._batch[0].translate(GATE_BYTES[:0x1E] + b"\x1e" + GATE_BYTES[0x1F:]).split(b"\x1e")
        for i in sorted({i for i, n in self.counts(mask).items() if n >= least}):  # (a text has that many)
            run = 0
            for tok in texts[i].split(b" "):
                if not tok:
                    continue
                run = run + 1 if tok in flagged else 0
                if run >= least:
                    out.append(i)
                    break
        return out

    def mark(self, token: bytes, bits: int) -> None:
        self._known.add(token)
        for bit in _BITS:
            if bit & bits:
                self._flags[bit].add(token)

    def unmark(self, token: bytes, bits: int) -> None:
        for bit in _BITS:
            if bit & bits:
                self._flags[bit].discard(token)

    def get(self, token: bytes) -> int:
        if token not in self._known:
            return -1
        return sum(bit for bit in _BITS if token in self._flags[bit])


def new_gate(pure: bool = False) -> Any:
    """The compiled gate index when it is built (see engine/_native.py), else :class:`PyGate`."""
    from tipwatch.engine._native import native

    mod = None if pure else native("tipwatch.engine.termmatch._cgate")
    return PyGate() if mod is None else mod.Gate()
