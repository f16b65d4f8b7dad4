"""Bounded edit distance over term words, fast enough to run on every new word of a text.

For one edit (the default) a deletion index finds every candidate with dictionary look-ups
(a word and a term word within one edit share the word itself or one of its one-letter
deletions); rapidfuzz's Levenshtein confirms. For more edits, candidates come from length
buckets and rapidfuzz scores them with ``score_cutoff``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

__all__ = ["MIN_FUZZY_LEN", "FuzzyIndex"]

MIN_FUZZY_LEN = 5  # shorter words have too many neighbours one edit away


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class FuzzyIndex:
    """Term words (length >= 5) looked up within ``max_edits`` edits."""

    __slots__ = ("max_edits", "_words", "_del", "_buckets", "_squeezed", "_longest")

    def __init__(self, max_edits: int):
        self.max_edits = max_edits
        self._words: dict[str, list[Any]] = defaultdict(list)
        self._del: dict[str, set[str]] = defaultdict(set)
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
                self._del[word].add(word)
                for d in _deletions(word):
                    self._del[d].add(word)
            else:
                self._buckets[len(word)].append(word)
        self._words[word].append(ref)

    def lookup(self, word: str) -> list[Any]:
        """References of the term words within ``max_edits`` of ``word`` (the word itself excluded)."""
        if len(word) < MIN_FUZZY_LEN - self.max_edits or len(word) > self._longest + self.max_edits:
            return []
        k = self.max_edits
        found: set[str] = set()
        squeezed = self._squeezed.get(word, set())
        if k == 1:
            probes = _deletions(word)
            probes.add(word)
            # most words share no deletion with a term word: one C-level intersection says so
            for probe in self._del.keys() & probes:
                found.update(self._del[probe])
            found.discard(word)
            hits = [w for w in found if Levenshtein.distance(word, w, score_cutoff=k) <= k or w in squeezed]
            hits.extend(w for w in squeezed if w not in found)
        else:
            hits = []
            for size in range(len(word) - k, len(word) + k + 1):
                bucket = self._buckets.get(size)
                if bucket:
                    for w, _, _ in extract(
                        word, bucket, scorer=Levenshtein.distance, score_cutoff=k, limit=None
                    ):
                        if w != word:
                            hits.append(w)
            hits.extend(w for w in squeezed if w not in hits)
        refs: list[Any] = []
        for w in sorted(hits):
            refs.extend(self._words[w])
        return refs
