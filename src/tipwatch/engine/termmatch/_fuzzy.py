"""Bounded edit distance over term words, fast enough to run on every new word of a text.

For one edit (the default) a half index finds every candidate with four dictionary look-ups
(one edit leaves either the first or the second half of the term word intact, as a prefix or a
suffix of the word: pigeonhole), and rapidfuzz's Levenshtein confirms; most words find nothing
and cost four slices. For more edits, candidates come from length buckets and rapidfuzz scores
them with ``score_cutoff``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

__all__ = ["MIN_FUZZY_LEN", "FuzzyIndex"]

MIN_FUZZY_LEN = 5  # shorter words have too many neighbours one edit away


class FuzzyIndex:
    """Term words (length >= 5) looked up within ``max_edits`` edits."""

    __slots__ = ("max_edits", "_words", "_heads", "_tails", "_buckets", "_squeezed", "_longest")

    def __init__(self, max_edits: int):
        self.max_edits = max_edits
        self._words: dict[str, list[Any]] = defaultdict(list)
        # first len // 2 letters -> term words; the other letters -> term words (one edit)
        self._heads: dict[str, list[str]] = defaultdict(list)
        self._tails: dict[str, list[str]] = defaultdict(list)
        self._buckets: dict[int, list[str]] = defaultdict(list)
        # one deletion that leaves a double letter, squeezed ("prostitute" -> "prostute"): the text
        # is squeezed before matching, so this one-edit typo would otherwise count as two
        self._squeezed: dict[str, set[str]] = defaultdict(set)
        self._longest = 0

    def add(self, word: str, ref: Any) -> None:
        if len(word) < MIN_FUZZY_LEN:
            return
        self._longest = max(self._longest, len(word))
        if word not in self._words:
            for i in range(1, len(word) - 1):
                if word[i - 1] == word[i + 1]:
                    self._squeezed[word[:i] + word[i + 2 :]].add(word)
            if self.max_edits == 1:
                h = len(word) // 2
                self._heads[word[:h]].append(word)
                self._tails[word[h:]].append(word)
            else:
                self._buckets[len(word)].append(word)
        self._words[word].append(ref)

    def lookup_many(self, words: list[str]) -> dict[str, list[Any]]:
        """``{word: lookup(word)}`` for the words that have relatives: most have none, and for one
        edit that is decided here with four look-ups, without a call per word."""
        if self.max_edits != 1:
            return {w: refs for w in words if (refs := self.lookup(w))}
        heads, tails, squeezed = self._heads.get, self._tails.get, self._squeezed.get
        lo, hi = MIN_FUZZY_LEN - 1, self._longest + 1
        out: dict[str, list[Any]] = {}
        for w in words:
            size = len(w)
            if size < lo or size > hi:
                continue
            half = size // 2
            c1 = heads(w[: (size - 1) // 2])
            c2 = heads(w[: (size + 1) // 2])
            c3 = tails(w[size - half :])
            c4 = tails(w[size - half - 1 :])
            sq = squeezed(w)
            if c1 or c2 or c3 or c4 or sq:  # lookup() again, from the lists just found
                refs = self._one_edit(w, (c1, c2, c3, c4), sq)
                if refs:
                    out[w] = refs
        return out

    def _one_edit(
        self, word: str, lists: tuple[list[str] | None, ...], squeezed: set[str] | None
    ) -> list[Any]:
        """The references of the candidates within one edit of ``word`` (the half-index lists
        and the squeezed deletions found for it), sorted by term word.

        rapidfuzz's ``extract`` runs Levenshtein over the candidates in one C-level call; it
        keeps those within the cutoff, the same words as one ``distance`` call each.
        """
        found: set[str] = set()
        for c in lists:
            if c:
                found.update(c)
        found.discard(word)
        hits = set(squeezed) if squeezed else set()
        if found:
            hits.update(
                w for w, _, _ in extract(word, found, scorer=Levenshtein.distance, score_cutoff=1, limit=None)
            )
        refs: list[Any] = []
        for w in sorted(hits):
            refs.extend(self._words[w])
        return refs

    def lookup(self, word: str) -> list[Any]:
        """References of the term words within ``max_edits`` of ``word`` (the word itself excluded)."""
        size = len(word)
        k = self.max_edits
        if size < MIN_FUZZY_LEN - k or size > self._longest + k:
            return []
        squeezed = self._squeezed.get(word)
        if k == 1:
            # a term word of n letters within one edit keeps its first n // 2 letters as the word's
            # prefix, or its other letters as the word's suffix (pigeonhole); n is size - 1, size
            # or size + 1, so n // 2 is (size - 1) // 2 or (size + 1) // 2 and the rest size // 2
            # or size // 2 + 1 letters. Candidates are a superset: Levenshtein decides.
            heads, tails = self._heads, self._tails
            half = size // 2
            c1 = heads.get(word[: (size - 1) // 2])
            c2 = heads.get(word[: (size + 1) // 2])
            c3 = tails.get(word[size - half :])
            c4 = tails.get(word[size - half - 1 :])
            if not (c1 or c2 or c3 or c4 or squeezed):
                return []  # the common case: nothing near
            return self._one_edit(word, (c1, c2, c3, c4), squeezed)
        hits = []
        for size in range(len(word) - k, len(word) + k + 1):
            bucket = self._buckets.get(size)
            if bucket:
                for w, _, _ in extract(word, bucket, scorer=Levenshtein.distance, score_cutoff=k, limit=None):
                    if w != word:
                        hits.append(w)
        hits.extend(w for w in squeezed or () if w not in hits)
        refs: list[Any] = []
        for w in sorted(hits):
            refs.extend(self._words[w])
        return refs
