"""Obfuscation-aware term matching: the engine behind indicator patterns and watchlists.

    >>> from tipwatch.engine.termmatch import TermMatcher
    >>> m = TermMatcher(["sex", ("EuroJobs Agency", "watch-17")])
    >>> [(h.term, h.matched, h.kind) for h in m.find("new born secks, ask 3ur0jobs agency")]
    [('sex', 'secks', 'phonetic'), ('EuroJobs Agency', '3ur0jobs agency', 'folded')]

Text and terms are folded the same way (:func:`fold`: normalisation, case, Latin accents,
leetspeak, Cyrillic look-alikes, spaced-out letters, repeated letters), then matched by an
Aho-Corasick automaton (exact and folded hits), Metaphone keys per word (phonetic hits) and a
bounded edit distance on words of five letters or more (fuzzy hits). Hits inside benign words
(Scunthorpe, Essex, sextant, grape, ...: ``tipwatch/data/termmatch/allowlist.txt``) are dropped.
Every hit carries a span into the original text.
"""

from tipwatch.engine.termmatch._fold import Folded, fold
from tipwatch.engine.termmatch._matcher import KINDS, Match, TermMatcher

__all__ = ["Folded", "KINDS", "Match", "TermMatcher", "fold"]
