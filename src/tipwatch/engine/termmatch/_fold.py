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
:func:`token_words` folds one white-space token in every reading, for the matcher's gate.
All agree on the folded string (tests check it).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain

from tipwatch.engine.termmatch._data import fold_table
from tipwatch.engine.text import normalise

__all__ = ["SEP", "SPACED", "Folded", "fold", "fold_plain", "lower_texts", "token_words"]

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
_LOWER_FIX = {0x130: "I"}  # "İ".lower() is two characters; every other lower() keeps one

_LC = "".join(re.escape(c) for c in _T.leet)
# a run of leet symbols touching a letter, not part of a longer digit run
_LEET_RUN = re.compile(rf"(?<=[^\W\d_])[{_LC}]{{1,8}}(?![0-9])|(?<![0-9])[{_LC}]{{1,8}}(?=[^\W\d_])")
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
_SQUEEZE = re.compile(r"([^\W\d_]| )\1+")
# the same squeeze as a deletion with a literal replacement: no Python call per match
_SQUEEZE_DEL = re.compile(r"(?<=([^\W\d_]| ))\1")


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


def _leet(t: str, alt: bool) -> tuple[str, bool]:
    """Read leet symbols next to letters; also say whether an ambiguous symbol was read."""
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
    t = t.translate(_PUNCT_ASCII)
    if not t.isascii():
        t = _PUNCT_RE.sub(" ", t)
    return t


def _collapse_fast(t: str) -> str:
    if not SPACED.search(t):
        return t
    return SPACED.sub(lambda m: m.group().translate(_DROP_SEPS), t)


# --- fast path: no offsets -------------------------------------------------------------------


def _front(text: str, strip_latin: bool = True) -> str:
    if text.isascii():
        return text.lower()
    t = text.translate(_LOWER_FIX).lower()
    if "\u03c2" in t:
        t = t.replace("\u03c2", "\u03c3")
    if strip_latin and _LATIN_RE.search(t):
        t = t.translate(_LATIN)
    return t


def _back(t: str, squeeze: bool = True) -> str:
    t = _punct(_collapse_fast(_cyrillic(t)))
    return _SQUEEZE_DEL.sub("", t) if squeeze else t


def lower_texts(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(normalised, lowered)``: lowered is lower-cased with Latin accents stripped, the input
    of :func:`token_words`; both split into the same white-space tokens."""
    joined = SEP.join([normalise(x).text for x in texts])
    return joined.split(SEP), _front(joined).split(SEP)


def token_words(token: str) -> set[str]:
    """Every folded word a white-space token of :func:`lower_texts` can give, in any context.

    Both leet readings, and for a token with Latin look-alikes its Cyrillic reading too, so
    that a token-level check never misses what the in-context fold of the text produces.
    """
    if token.isalpha() and token.isascii():  # the common case: a plain word
        words = {_SQUEEZE_DEL.sub("", token)}
        if _LOOKALIKE_WORD.fullmatch(token):
            words.add(_SQUEEZE_DEL.sub("", token.translate(_CYR_TABLE)))
        return words
    words = set()
    t, ambiguous = _leet(token, alt=False)
    words.update(_back(t).split())
    if ambiguous:
        words.update(_back(_leet(token, alt=True)[0]).split())
    if _LOOKALIKE_ANY.search(t) and (_CYR.search(t) or _LOOKALIKE_WORD.fullmatch(t)):
        words.update(_back(t.translate(_CYR_TABLE)).split())
    return words


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


def _keep_first(m: re.Match[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end() - 1)]


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
    n = normalise(text)
    t = n.text
    size = len(t)
    starts = list(n.offsets[:size])
    ends = list(n.ends[:size]) if n.ends is not None else [n.span(i, i + 1)[1] for i in range(size)]
    t, _ = _leet(_front(t), alt)
    t = _cyrillic(t)
    if SPACED.search(t):
        t, starts, ends = _delete(t, starts, ends, SPACED, _keep_letters)
    t = _punct(t)
    t, starts, ends = _delete(t, starts, ends, _SQUEEZE, _keep_first)
    starts.append(len(text))
    return Folded(t, starts, ends, text)
