"""The full scan of one text with offsets, and the result type.

Only texts that pass the batch gate of :class:`~tipwatch.engine.termmatch.TermMatcher` come
here: the text is folded again with its offset map, then scanned by the automaton (exact and
folded hits), word by word (phonetic and fuzzy hits, multi-word terms word by word) and, in
compound tokens, for stretches that sound like a term. Every hit is checked against the
allowlist and kept with its best kind.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, groupby
from typing import TYPE_CHECKING, Any

from tipwatch.engine.termmatch._fold import Folded, fold_plain

if TYPE_CHECKING:
    from tipwatch.engine.termmatch._matcher import TermMatcher

__all__ = ["KINDS", "MAX_MATCHES", "Match", "Scan", "Term", "runs"]

KINDS = ("exact", "folded", "phonetic", "fuzzy")
_RANK = {k: i for i, k in enumerate(KINDS)}
MAX_MATCHES = 1000  # per text: a flood of hits (hostile or repetitive input) stops the scan there

_WS = re.compile(r"\s")
_CAMEL = re.compile("[a-z][A-Z]")
_DIGLET = re.compile(r"[^\W\d_][0-9]|[0-9][^\W\d_]")
_WORDS = re.compile("[^ ]+")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class Match:
    """One hit: ``matched == text[start:end]`` of the original text.

    ``kind`` is ``exact`` (the term as written, ignoring case), ``folded`` (after leetspeak,
    homoglyph, spacing, repeat or accent folding), ``phonetic`` (sounds like the term) or
    ``fuzzy`` (within the edit budget).
    """

    term: str
    key: Any
    matched: str
    start: int
    end: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "matched": self.matched,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    key: Any
    core: str  # casefolded, edges without letters trimmed: what counts as "exact"
    words: tuple[str, ...]  # folded words
    compact: str
    raw: frozenset[str]  # words and compact form folded without squeezing: allowlist exceptions
    raw_accented: frozenset[str]
    pkey: str  # Metaphone key of the compact form ("" when not Latin)
    anchor: int  # index of the longest word: a hit needs it, exactly or as a relative
    runs: tuple[tuple[str, int], ...] | None  # letter runs of a short term that squeezing shortens


def runs(s: str) -> tuple[tuple[str, int], ...]:
    return tuple((c, len(list(g))) for c, g in groupby(s))


class Scan:
    """The full scan of one folded text, with offsets (only for texts that passed the gate)."""

    def __init__(self, m: TermMatcher, f: Folded, best: dict[tuple[int, int, int], str]):
        self.m = m
        self.f = f
        self.t = f.text
        self.best = best
        self.spans = [mm.span() for mm in _WORDS.finditer(self.t)]
        self.words_ = [self.t[a:b] for a, b in self.spans]
        self.starts = [s for s, _ in self.spans]
        self.single = _WS.search(f.original.strip()) is None
        self._compound: dict[int, bool] = {}
        self._phrases: list[int] | None = None
        self._phrase_ends: list[int] = []
        self._forms: dict[str, tuple[str, str]] = {}
        self._cuts: dict[int, list[int]] = {}
        self.full = len(best) >= MAX_MATCHES

    def word_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def compound(self, wi: int) -> bool:
        c = self._compound.get(wi)
        if c is None:
            ws, we = self.spans[wi]
            o1, o2 = self.f.span(ws, we)
            orig = self.f.original
            c = (
                self.single
                or (o1 > 0 and orig[o1 - 1] in "#@/")
                or _CAMEL.search(orig, o1, o2) is not None
                or _DIGLET.search(self.t, ws, we) is not None
            )
            self._compound[wi] = c
        return c

    def dropped(self, s: int, e: int, tid: int) -> bool:
        """Whether the hit lies inside an allowlisted phrase or word the term does not contain."""
        m = self.m
        if m._phrases is not None:
            if self._phrases is None:
                spans = sorted(
                    (end - n + 1, end + 1)
                    for end, (n, _) in m._phrases.iter(self.t)
                    if self._aligned(end - n + 1, end + 1)
                )
                self._phrases = [a for a, _ in spans]
                self._phrase_ends = list(accumulate((b for _, b in spans), max))
            k = bisect_right(self._phrases, s) - 1
            if k >= 0 and self._phrase_ends[k] >= e:
                return True
        wi = self.word_at(s)
        ws, we = self.spans[wi]
        if e > we:
            return False
        o1, o2 = self.f.span(ws, we)
        source = self.f.original[o1:o2]
        forms = self._forms.get(source)
        if forms is None:
            forms = self._forms[source] = (
                fold_plain(source, squeeze=False).replace(" ", ""),
                fold_plain(source, squeeze=False, strip_latin=False).replace(" ", "")
                if m._allow_accented
                else "",
            )
        plain, accented = forms
        term = m._terms[tid]
        if plain in m._allow and plain not in term.raw:
            return True
        cuts = self._cuts.get(wi)
        if cuts is None:
            cuts = self._cuts[wi] = [
                o1,
                *(c.start() + 1 for c in _CAMEL.finditer(self.f.original, o1, o2)),
                o2,
            ]
        if len(cuts) > 2:  # "EssexLife": judge the camelCase part alone
            h1, h2 = self.f.span(s, e)
            k = bisect_right(cuts, h1) - 1
            for a, b in itertools.pairwise(cuts[k : k + 2]):
                if a <= h1 and h2 <= b:
                    part = fold_plain(self.f.original[a:b], squeeze=False).replace(" ", "")
                    squeezed = fold_plain(self.f.original[a:b]).replace(" ", "")
                    if (part in m._allow and part not in term.raw) or (
                        squeezed in m._allow_squeezed and squeezed not in term.words
                    ):
                        return True
        # a hit inside a longer word: the squeezed spelling counts too ("Esssex" is still Essex)
        if (s, e) != (ws, we) and self.t[ws:we] in m._allow_squeezed and self.t[ws:we] not in term.words:
            return True
        return accented in m._allow_accented and accented not in term.raw_accented

    def _aligned(self, s: int, e: int) -> bool:
        t = self.t
        return (s == 0 or t[s - 1] == " ") and (e == len(t) or t[e] == " ")

    def add(self, s: int, e: int, tid: int, kind: str) -> None:
        o1, o2 = self.f.span(s, e)
        if kind in ("exact", "folded"):
            term = self.m._terms[tid]
            if term.runs is not None:
                found = runs(fold_plain(self.f.original[o1:o2], squeeze=False).replace(" ", ""))
                if len(found) != len(term.runs) or any(
                    c != tc or n < tn for (c, n), (tc, tn) in zip(found, term.runs, strict=True)
                ):
                    return
            kind = "exact" if _EDGE.sub("", self.f.original[o1:o2].casefold()) == term.core else "folded"
        k = (o1, o2, tid)
        if len(self.best) >= MAX_MATCHES and k not in self.best:
            self.full = True
            return
        old = self.best.get(k)
        if old is None or _RANK[kind] < _RANK[old]:
            self.best[k] = kind

    def automaton(self) -> None:
        a = self.m._automaton
        if a is None:
            return
        whole = self.m.whole_words
        t = self.t
        for end, (length, tids) in a.iter(t):
            if self.full:
                return
            s, e = end - length + 1, end + 1
            if whole:
                left = s == 0 or t[s - 1] == " "
                right = e == len(t) or t[e] == " "
                if not left and not self.compound(self.word_at(s)):
                    continue
                if not right and not self.compound(self.word_at(e - 1)):
                    continue
            for tid in tids:
                if not self.dropped(s, e, tid):
                    self.add(s, e, tid, "folded")

    def words(self) -> None:
        m = self.m
        words = self.words_
        distinct = set(words)
        missing = distinct.difference(m._memo)
        if missing:
            m._learn(missing)
        memo = m._memo
        # most words relate to no term: find the few that do with set operations, not a loop
        related = {w for w in distinct if memo[w]}
        for wi, w in enumerate(words):
            if self.full:
                return
            if w not in related:
                continue
            for tid, j, _kind in memo[w]:
                term = m._terms[tid]
                first = wi - j
                k = len(term.words)
                if first < 0 or first + k > len(words):
                    continue
                kinds = []
                for p in range(k):
                    x = words[first + p]
                    if x == term.words[p]:
                        continue
                    rel = next((r[2] for r in memo.get(x, ()) if r[0] == tid and r[1] == p), None)
                    if rel is None:
                        break
                    kinds.append(rel)
                else:
                    s, e = self.spans[first][0], self.spans[first + k - 1][1]
                    if not self.dropped(s, e, tid):
                        self.add(s, e, tid, "fuzzy" if "fuzzy" in kinds else "phonetic")

    def windows(self) -> None:
        m = self.m
        words = self.words_
        distinct = set(words)
        missing = distinct.difference(m._wmemo)
        if missing:
            m._learn_windows(list(missing))
        wmemo = m._wmemo
        windowed = {w for w in distinct if wmemo[w]}
        if not windowed:
            return
        for wi, (ws, _) in enumerate(self.spans):
            if self.full:
                return
            w = words[wi]
            if w not in windowed or not self.compound(wi):
                continue
            found = wmemo[w]
            for tid, a, b in found:
                if not self.dropped(ws + a, ws + b, tid):
                    self.add(ws + a, ws + b, tid, "phonetic")
