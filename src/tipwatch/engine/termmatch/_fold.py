"""Folding for term matching, with an offset map back to the original text.

The steps, in order (each keeps its map back into the original):

1. :func:`tipwatch.engine.text.normalise` (HTML entities, NFKC, zero-width and bidi removal,
   TR39 confusables in Latin words, white-space runs);
2. lower case, final sigma read as sigma;
3. Latin diacritics stripped ("niña" -> "nina"); other scripts keep theirs;
4. leetspeak read as letters next to a letter ("s3x", "3sc0rt", "$ex", "s@x") but never inside
   a run of digits ("555 0123", "$200" stay as they are); "1", "!" and "|" are ambiguous, so a
   second reading with "l" is kept when one of them was read;
5. Latin look-alikes inside a Cyrillic-majority word read as Cyrillic ("прoститутка");
6. single letters spaced out one by one joined ("s.e.x", "s e x", "s-e-x", "s_e_x");
7. every other non-word character becomes a space;
8. runs of one repeated letter (or space) squeezed to one ("seeexxxy" -> "sexy").

Steps 2-5 and 7 keep one character per character; only 6 and 8 delete. :func:`fold_plain`
runs them as whole-string ``translate``/``re.sub`` passes and keeps no offsets;
:func:`fold` keeps the offsets, for the few texts that have something to report;
:func:`._batch.token_words` folds one white-space token in every reading, for the matcher's gate.
All agree on the folded string (tests check it).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from tipwatch.engine.termmatch._data import fold_table
from tipwatch.engine.text import normalise

__all__ = [
    "SEP",
    "SPACED",
    "Folded",
    "fold",
    "fold_plain",
    "fold_read",
    "has_spaced",
    "plain_class",
]

SEP = "\x1e"  # joins texts in a batch: normalise removes control characters, so no text holds one

_T = fold_table()


def _latin_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        d = unicodedata.normalize("NFD", chr(cp))
        if len(d) > 1 and d[0].isascii() and d[0].isalpha():
            table[cp] = d[0].lower()
    for src, dst in _T.latin.items():
        table[ord(src)] = dst
    return table


_LATIN = _latin_table()
_LATIN_RE = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
_LATIN_RUN = re.compile("[\u00c0-\u024f\u1e00-\u1eff]{1,64}")
# "İ".lower() is two characters; every other lower() keeps one: "İ" is read as "I" first

_LC = "".join(re.escape(c) for c in _T.leet)
# a run of leet symbols touching a letter, not part of a longer digit run:
#   (?<=[^\W\d_])[LC]{1,8}(?![0-9]) | (?<![0-9])[LC]{1,8}(?=[^\W\d_])
# written to start with the symbol itself, so the regex engine skips to the next symbol instead
# of trying the look-behinds at every character (ten times faster, the same matches)
_LEET_RUN = re.compile(
    rf"[{_LC}](?:(?<=[^\W\d_].)[{_LC}]{{0,7}}(?![0-9])|(?<![0-9].)[{_LC}]{{0,7}}(?=[^\W\d_]))"
)
_LEET_ANY = re.compile(f"[{_LC}]")
_AMBIGUOUS = frozenset(_T.leet_alt)

_CYR = re.compile("[\u0400-\u04ff]")
_MIXED = re.compile("[a-z][\u0400-\u04ff]|[\u0400-\u04ff][a-z]")
_CYR_TABLE = {ord(k): v for k, v in _T.cyrillic.items()}
_LETTER_RUN = re.compile(r"[^\W\d_]{2,64}")
_ASCII_LETTERS = re.compile("[a-z]")
_LOOKALIKE_WORD = re.compile("[" + "".join(_T.cyrillic) + "]+")
_LOOKALIKE_ANY = re.compile("[" + "".join(_T.cyrillic) + "]")

_SEPS = " ._\\-*~/,:\u00b7\u2022"
_SEP_SET = frozenset(_SEPS.replace("\\", ""))
_DROP_SEPS = {ord(c): None for c in _SEP_SET}
# single letters (not touching another letter or digit), each spaced by one or two separators
SPACED = re.compile(rf"(?<![^\W_])[^\W\d_](?![^\W_])(?:[{_SEPS}]{{1,2}}[^\W\d_](?![^\W_])){{2,40}}")
# what every SPACED match holds around its second letter; it starts with a separator, which the
# regex engine skips to, where SPACED tries its look-behind at every character (twice as slow)
_SPACED_HINT = re.compile(rf"[{_SEPS}][^\W\d_][{_SEPS}]{{1,2}}[^\W\d_](?![^\W_])")


def has_spaced(t: str) -> bool:
    """``SPACED.search(t) is not None``, faster on text without spaced-out letters."""
    return _SPACED_HINT.search(t) is not None and SPACED.search(t) is not None


def _punct_class() -> re.Pattern[str]:
    cps = [
        cp
        for cp in range(0x80, 0x10000)
        if not 0xD800 <= cp < 0xE000
        and (unicodedata.category(chr(cp))[0] in "PSZ" or unicodedata.category(chr(cp)) in ("Cc", "Cf"))
    ]
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{body}\U0001f000-\U0001faff\U000e0000-\U000e007f]")


_PUNCT_ASCII = {c: " " for c in range(128) if not chr(c).isalnum() and chr(c) not in (" ", SEP)}
_PUNCT_RE = _punct_class()
_PUNCT_ALL = re.compile("[" + "".join(re.escape(chr(c)) for c in _PUNCT_ASCII) + "]|" + _PUNCT_RE.pattern)
# the same squeeze as a deletion with a literal replacement: no Python call per match
_SQUEEZE_DEL = re.compile(r"(?<=([^\W\d_]| ))\1")
_NUMPY_FROM = 32  # shorter strings: the regex costs less than the arrays
# the ASCII characters a repeat of which is squeezed: a space or a letter (the test below)
_SQUEEZABLE_ASCII = np.array([c == 32 or (chr(c).isalnum() and not chr(c).isdecimal()) for c in range(128)])


def _squeezed_at(t: str) -> list[int]:
    """The positions ``_SQUEEZE_DEL`` matches: a character equal to the one before it, which is a
    letter (``[^\\W\\d_]``: alphanumeric, not a decimal digit) or a space.

    The regex tries its look-behind at every character (tens of microseconds for an ad); one
    array comparison of the code points finds the few repeats, and Python looks only at those.
    """
    if len(t) < _NUMPY_FROM:
        return [m.start() for m in _SQUEEZE_DEL.finditer(t)]
    ascii = t.isascii()  # a flag of the string: no scan
    if ascii:  # one byte per character
        cps = np.frombuffer(t.encode("ascii"), dtype=np.uint8)
    else:
        cps = np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    at = (cps[1:] == cps[:-1]).nonzero()[0]
    if not at.size:
        return []
    repeated = cps[at]
    if ascii or repeated.max() < 128:  # ASCII repeats (nearly always): one table look-up for all
        return (at[_SQUEEZABLE_ASCII[repeated]] + 1).tolist()
    out = []
    for i in at.tolist():
        c = t[i]
        if c == " " or (c.isalnum() and not c.isdecimal()):
            out.append(i + 1)
    return out


def _squeeze_text(t: str) -> str:
    """``_SQUEEZE_DEL.sub("", t)``, faster on long strings."""
    if len(t) < _NUMPY_FROM:
        return _SQUEEZE_DEL.sub("", t)
    gone = _squeezed_at(t)
    if not gone:
        return t
    out = []
    p = 0
    for i in gone:
        out.append(t[p:i])
        p = i + 1
    out.append(t[p:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and its map back into the original.

    ``offsets[i]`` is the index in ``original`` where ``text[i]`` comes from and
    ``offsets[len(text)] == len(original)``; ``ends[i]`` is the end of that stretch (a squeezed
    run "eee" or an entity ends after its last character). Map spans with :meth:`span`.
    """

    text: str
    offsets: Sequence[int]
    ends: Sequence[int]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The half-open span of ``original`` behind ``text[start:end]``."""
        if start >= end:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.ends[end - 1]


# --- steps -----------------------------------------------------------------------------------


def _leet(t: str, alt: bool, where: list[int] | None = None) -> tuple[str, bool]:
    """Read leet symbols next to letters; also say whether an ambiguous symbol was read (and
    append to ``where`` the start of each run where one was)."""
    if not _LEET_ANY.search(t):
        return t, False
    table = {**_T.leet, **_T.leet_alt} if alt else _T.leet
    inside = _T.leet_inside
    seen = [False]

    def repl(m: re.Match[str]) -> str:
        run = m.group()
        s, e = m.span()
        before = s > 0 and t[s - 1].isalpha()
        after = e < len(t) and t[e].isalpha()
        out = []
        for k, c in enumerate(run):
            if c in inside and not ((k > 0 or before) and after):
                out.append(c)  # "@handle", "wow!", "c++": not a letter here
                continue
            if c in _AMBIGUOUS:
                seen[0] = True
                if where is not None and (not where or where[-1] != s):
                    where.append(s)
            out.append(table[c])
        return "".join(out)

    return _LEET_RUN.sub(repl, t), seen[0]


def _cyrillic(t: str) -> str:
    """Read Latin look-alikes as Cyrillic in Cyrillic-majority words, or in words made only of
    look-alikes ("cekc") in a Cyrillic-majority text (normalise has read those as Latin)."""
    if not _CYR.search(t):
        return t
    if SEP in t:  # a batch: the majority is decided per text
        return SEP.join(_cyrillic(part) for part in t.split(SEP))
    text_cyr = len(_CYR.findall(t)) > len(_ASCII_LETTERS.findall(t))
    if not text_cyr and not _MIXED.search(t):
        return t

    def repl(m: re.Match[str]) -> str:
        w = m.group()
        if w.isascii():
            return w.translate(_CYR_TABLE) if text_cyr and _LOOKALIKE_WORD.fullmatch(w) else w
        cyr = len(_CYR.findall(w))
        latin = [c for c in w if c < "\x80"]
        if latin and (cyr >= len(latin) or (text_cyr and all(c in _T.cyrillic for c in latin))):
            return w.translate(_CYR_TABLE)
        return w

    return _LETTER_RUN.sub(repl, t)


def _punct(t: str) -> str:
    if t.isascii():  # translate has a fast path for ASCII-to-ASCII tables, and only then
        return t.translate(_PUNCT_ASCII)
    return _PUNCT_ALL.sub(" ", t)


def _collapse_fast(t: str) -> str:
    if not has_spaced(t):
        return t
    return SPACED.sub(lambda m: m.group().translate(_DROP_SEPS), t)


# --- fast path: no offsets -------------------------------------------------------------------


def _strip_run(m: re.Match[str]) -> str:
    return m.group().translate(_LATIN)


def _front(text: str, strip_latin: bool = True) -> str:
    # str.translate with a dict costs a dict look-up per character once the string is not ASCII
    # (tens of ns each): replace only the characters that need it, run by run
    if text.isascii():
        return text.lower()
    t = (text.replace("\u0130", "I") if "\u0130" in text else text).lower()
    if "\u03c2" in t:
        t = t.replace("\u03c2", "\u03c3")
    if strip_latin and _LATIN_RE.search(t):
        t = _LATIN_RUN.sub(_strip_run, t)
    return t


def _back(t: str, squeeze: bool = True) -> str:
    t = _punct(_collapse_fast(_cyrillic(t)))
    return _squeeze_text(t) if squeeze else t


@functools.cache
def _plain_class() -> re.Pattern[str]:
    """A character that may make :func:`normalise` change a text (or a stray ``SEP``).

    ASCII controls (``SEP`` aside), tab, CR and "&" always may; non-ASCII characters may unless normalise leaves
    them alone in every context tried (Latin-1 and Latin Extended letters, mostly). Asked of
    normalise itself once, so this stays true to it.
    """
    keep = []
    for cp in chain(range(0xA0, 0x250), range(0x1E00, 0x1F00)):
        c = chr(cp)
        if all(normalise(x).text == x for x in (c, f"x{c}x", c + c, f"\u0430{c}\u0430", f"1{c}1")):
            keep.append(re.escape(c))
    return re.compile(f"[^\\n\\x1e\\x20-\\x25\\x27-\\x7e{''.join(keep)}]")


def plain_class() -> re.Pattern[str]:
    """The character class of :func:`_plain_class` (built on first use, then cached)."""
    return _plain_class()


def _is_plain(text: str) -> bool:
    """Whether :func:`normalise` returns ``text`` unchanged (a sufficient test, not a necessary one)."""
    return (
        "  " not in text
        and "\n\n" not in text
        and " \n" not in text
        and "\n " not in text
        and _plain_class().search(text) is None
    )


def fold_plain(text: str, *, alt: bool = False, squeeze: bool = True, strip_latin: bool = True) -> str:
    """One text folded without offsets (terms, allowlist entries, tests)."""
    t, _ = _leet(_front(normalise(text).text, strip_latin), alt)
    return _back(t, squeeze)


# --- slow path: with offsets -----------------------------------------------------------------


def _delete(
    t: str,
    starts: list[int],
    ends: list[int],
    regex: re.Pattern[str],
    keep: Callable[[re.Match[str]], list[tuple[int, int]]],
) -> tuple[str, list[int], list[int]]:
    """Rewrite ``t`` keeping, in each match, the characters ``keep`` names as (char, end-from)."""
    out: list[str] = []
    os_: list[int] = []
    oe: list[int] = []
    p = 0
    for m in regex.finditer(t):
        s, e = m.span()
        if s > p:
            out.append(t[p:s])
            os_.extend(starts[p:s])
            oe.extend(ends[p:s])
        for i, j in keep(m):
            out.append(t[i])
            os_.append(starts[i])
            oe.append(ends[j])
        p = e
    if p == 0:
        return t, starts, ends
    out.append(t[p:])
    os_.extend(starts[p:])
    oe.extend(ends[p:])
    return "".join(out), os_, oe


def _keep_letters(m: re.Match[str]) -> list[tuple[int, int]]:
    s = m.start()
    return [(s + k, s + k) for k, c in enumerate(m.group()) if c not in _SEP_SET]


def fold(text: str, *, alt: bool = False) -> Folded:
    """Fold ``text`` for matching and keep the map back into it.

        >>> f = fold("Hot S.E.X 3sc0rt")
        >>> f.text
        'hot sex escort'
        >>> s, e = f.span(4, 7)
        >>> f.original[s:e]
        'S.E.X'

    ``alt=True`` reads "1", "!" and "|" as "l" instead of "i".
    """
    return fold_read(text, alt=alt)[0]


def fold_read(text: str, *, alt: bool = False, plain: bool | None = None) -> tuple[Folded, bool]:
    """:func:`fold`, and whether an ambiguous symbol ("1", "!", "|") was read as a letter:
    when none was, the ``alt`` reading folds to the very same text.

    ``plain=True`` says that normalise leaves ``text`` alone (``SEP not in text and
    _is_plain(text)``, as the matcher's gate knows of a plain batch); ``None`` tests it here.
    """
    if plain is None:
        plain = SEP not in text and _is_plain(text)
    if plain:
        return _fold_read_plain(text, alt)
    n = normalise(text)
    t = n.text
    size = len(t)
    starts = list(n.offsets[:size])
    ends = list(n.ends[:size]) if n.ends is not None else [n.span(i, i + 1)[1] for i in range(size)]
    t, ambiguous = _leet(_front(t), alt)
    t = _cyrillic(t)
    if has_spaced(t):
        t, starts, ends = _delete(t, starts, ends, SPACED, _keep_letters)
    t = _punct(t)
    t, starts, ends = _squeeze(t, starts, ends)
    starts.append(len(text))
    return Folded(t, starts, ends, text), ambiguous


def _fold_read_plain(text: str, alt: bool) -> tuple[Folded, bool]:
    """:func:`fold_read` for a text that :func:`normalise` leaves alone (``_is_plain``, no
    ``SEP``): its map is the identity (``offsets[i] == i``, ``ends[i] == i + 1``; tests check it
    against normalise), so normalise is not called and the map is built only at the end.

    Steps 2-5 and 7 keep one character per character; when no spaced-out letters are joined,
    only squeezing deletes, and a kept character then runs up to the next kept one: ``ends`` is
    ``offsets`` shifted by one, with no Python step per kept character (the general
    :func:`_squeeze` hands each deleted character's end to the kept one before it: the same).
    """
    size = len(text)
    t, ambiguous = _leet(_front(text), alt)
    t = _cyrillic(t)
    if has_spaced(t):  # rare: the general steps, from the identity map
        starts, ends = list(range(size)), list(range(1, size + 1))
        t, starts, ends = _delete(t, starts, ends, SPACED, _keep_letters)
        t = _punct(t)
        t, starts, ends = _squeeze(t, starts, ends)
        starts.append(size)
        return Folded(t, starts, ends, text), ambiguous
    t = _punct(t)
    gone = _squeezed_at(t)
    if not gone:
        offsets = list(range(size + 1))
        return Folded(t, offsets, offsets[1:], text), ambiguous
    out = []
    offsets = []
    p = 0
    for i in gone:  # the kept stretches: their text, and their offsets as ranges
        out.append(t[p:i])
        offsets.extend(range(p, i))
        p = i + 1
    out.append(t[p:])
    offsets.extend(range(p, size + 1))
    return Folded("".join(out), offsets, offsets[1:], text), ambiguous


def _squeeze(t: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Squeeze repeats keeping the offsets: each deleted character hands its end to the kept
    one before it (one Python step per deleted character, none per kept one)."""
    gone = _squeezed_at(t)
    if not gone:
        return t, starts, ends
    out: list[str] = []
    os_: list[int] = []
    oe: list[int] = []
    p = 0
    for i in gone:
        if i > p:
            out.append(t[p:i])
            os_.extend(starts[p:i])
            oe.extend(ends[p:i])
        oe[-1] = ends[i]  # a deleted character always follows a kept one of its run
        p = i + 1
    out.append(t[p:])
    os_.extend(starts[p:])
    oe.extend(ends[p:])
    return "".join(out), os_, oe  # the text without the deleted characters: no second regex pass
