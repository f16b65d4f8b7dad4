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
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate, groupby
from operator import add
from typing import TYPE_CHECKING, Any

from tipwatch.engine.termmatch._fold import Folded, fold_plain

if TYPE_CHECKING:
    from tipwatch.engine.termmatch._matcher import TermMatcher

__all__ = ["KINDS", "MAX_MATCHES", "Match", "Scan", "Term", "runs"]

KINDS = ("exact", "folded", "phonetic", "fuzzy")
_RANK = {k: i for i, k in enumerate(KINDS)}
MAX_MATCHES = 1000  # per text: a flood of hits (hostile or repetitive input) stops the scan there
_FORMS_LIMIT = 100_000  # hit words whose folded forms the matcher remembers before starting afresh

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


def _split_words(t: str) -> tuple[list[str], list[int], list[int]]:
    """The words of a folded text (the matches of ``[^ ]+``), their starts and their ends.

    One ``split`` and C-level maps instead of a regex match object per word (and no span tuple
    per word): the empty strings of ``split`` (around a leading or trailing space, the only
    places a squeezed text can have them) are dropped, and part k starts after the k parts
    before it and a space after each.
    """
    parts = t.split(" ")
    lens = list(map(len, parts))
    starts = list(map(add, accumulate(lens[:-1], initial=0), range(len(parts))))
    if "" in parts:
        kept = [k for k, w in enumerate(parts) if w]
        parts = [parts[k] for k in kept]
        starts = [starts[k] for k in kept]
        lens = [lens[k] for k in kept]
    return parts, starts, list(map(add, starts, lens))


def _learn_words(
    learn: Callable[[list[str]], None], memo: dict[str, tuple[Any, ...]], words: set[str]
) -> None:
    """``learn(words)``, with the words of decimal digits alone (numbers of a URL, a price, a
    phone: what a scan most often finds new) remembered as relating to nothing without a call.

    Both learners give such a word nothing: relatives are looked for among words of letters
    alone, phonetic windows in runs of ASCII letters.
    """
    numbers = [w for w in words if w.isdecimal()]
    if len(numbers) < len(words):
        learn([w for w in words if not w.isdecimal()])
    memo.update(dict.fromkeys(numbers, ()))


class Scan:
    """The full scan of one folded text, with offsets (only for texts that passed the gate)."""

    def __init__(self, m: TermMatcher, f: Folded, best: dict[tuple[int, int, int], str]):
        self.m = m
        self.f = f
        self.t = f.text
        self.best = best
        self.words_, self.starts, self.ends = _split_words(self.t)
        self.single = _WS.search(f.original.strip()) is None
        self._compound: dict[int, bool] = {}
        self._phrases: list[int] | None = None
        self._phrase_ends: list[int] = []
        # the folded forms of a hit's word depend on its source text alone: the matcher keeps
        # them from text to text (the same words hit again and again)
        self._forms = m._source_forms
        if len(self._forms) > _FORMS_LIMIT:
            self._forms.clear()
        self._cuts: dict[int, list[int]] = {}
        self.full = len(best) >= MAX_MATCHES

    def word_at(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def compound(self, wi: int) -> bool:
        c = self._compound.get(wi)
        if c is None:
            ws, we = self.starts[wi], self.ends[wi]
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
        ws, we = self.starts[wi], self.ends[wi]
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
            _learn_words(m._learn, m._memo, missing)
        memo = m._memo
        # most words relate to no term: find the few that do with set operations, not a loop
        related = set(filter(memo.__getitem__, distinct))
        if not related:
            return
        terms = m._terms
        n = len(words)
        for wi in [i for i, w in enumerate(words) if w in related]:
            if self.full:
                return
            for tid, j, kind in memo[words[wi]]:
                tw = terms[tid].words
                first = wi - j
                k = len(tw)
                if first < 0 or first + k > n:
                    continue
                # the word itself relates to (tid, j) by ``kind``: a word has one relation per
                # term word, so looking it up again would find the same; the others must be the
                # term's words or relate to them
                fuzzy = kind == "fuzzy"
                for p in range(k):
                    if p == j:
                        continue
                    x = words[first + p]
                    if x == tw[p]:
                        continue
                    for r in memo.get(x, ()):
                        if r[0] == tid and r[1] == p:
                            fuzzy = fuzzy or r[2] == "fuzzy"
                            break
                    else:
                        break  # neither the term's word nor a relative of it: no hit here
                else:
                    s, e = self.starts[first], self.ends[first + k - 1]
                    if not self.dropped(s, e, tid):
                        self.add(s, e, tid, "fuzzy" if fuzzy else "phonetic")

    def windows(self) -> None:
        m = self.m
        words = self.words_
        distinct = set(words)
        missing = distinct.difference(m._wmemo)
        if missing:
            _learn_words(m._learn_windows, m._wmemo, missing)
        wmemo = m._wmemo
        windowed = set(filter(wmemo.__getitem__, distinct))
        if not windowed:
            return
        for wi, ws in enumerate(self.starts):
            if self.full:
                return
            w = words[wi]
            if w not in windowed or not self.compound(wi):
                continue
            found = wmemo[w]
            for tid, a, b in found:
                if not self.dropped(ws + a, ws + b, tid):
                    self.add(ws + a, ws + b, tid, "phonetic")
