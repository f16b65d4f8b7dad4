"""Phonetic keys (Metaphone) and the guards that keep them from over-matching.

Metaphone alone is too generous for short words: "six", "socks" and "seeks" all share the key
of "sex". A phonetic hit therefore also needs the same first letter and the same vowel
skeleton as the term word (:func:`vowels_agree`), and a similar length; benign words that still collide ("seeks", "secs")
belong in the allowlist.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

import jellyfish

__all__ = [
    "VOWELS",
    "guard",
    "key",
    "keys",
    "run_spans",
    "sounds_alike",
    "vowel_skeleton",
    "vowels_agree",
    "windows",
]

_GROUPS = re.compile("[aeiouy]+")
ASCII_RUN = re.compile("[a-z]{3,64}")


def key(word: str) -> str:
    """The Metaphone key of an ASCII word (lower case)."""
    return jellyfish.metaphone(word)


def keys(words: Sequence[str]) -> list[str]:
    """``[key(w) for w in words]``, with one C-level map (no Python call per word)."""
    return list(map(jellyfish.metaphone, words))


VOWELS = "aeiouy"


def guard(term_word: str) -> tuple[str, int, int, tuple[str, ...], bool]:
    """What :func:`sounds_alike` needs of a term word, computed once: the word, its length, the
    length difference allowed, its vowel skeleton, and whether it ends without a vowel."""
    return (
        term_word,
        len(term_word),
        max(2, len(term_word) // 2),
        vowel_skeleton(term_word),
        term_word[-1] not in VOWELS,
    )


@functools.lru_cache(maxsize=1 << 16)  # term words come back again and again
def vowel_skeleton(word: str) -> tuple[str, ...]:
    """First letter of each vowel group, "y" read as "i": ("a", "e") for "raype" and "rape"."""
    return tuple("i" if g[0] == "y" else g[0] for g in _GROUPS.findall(word))


def vowels_agree(word: str, term_word: str) -> bool:
    """Same vowel skeleton, or the word adds one final vowel ("sexo", "sexe" for "sex").

    The vowels tell apart words that Metaphone merges: "stare" is not "sador", "not" is not "noti".
    """
    w, t = vowel_skeleton(word), vowel_skeleton(term_word)
    if w == t:
        return True
    return len(w) == len(t) + 1 and w[:-1] == t and word[-1] in "aeiouy" and term_word[-1] not in "aeiouy"


def sounds_alike(word: str, term_word: str) -> bool:
    """Extra guards once the Metaphone keys are equal (see the module docstring)."""
    return (  # the cheap tests first
        word[0] == term_word[0]
        and abs(len(word) - len(term_word)) <= max(2, len(term_word) // 2)
        and vowels_agree(word, term_word)
    )


def windows(run: str, candidates: Iterable[tuple[int, str, str]]) -> list[tuple[int, int, int]]:
    """Stretches of a run of letters (a username, a hashtag) that sound like a term.

    ``candidates`` are ``(term id, compact folded term, its key)`` whose key occurs in the key of
    ``run``; returns ``(term id, start, end)`` for the shortest matching stretch at each start.
    The exact form is left to the automaton.
    """
    out: list[tuple[int, int, int]] = []
    size = len(run)
    metaphone = jellyfish.metaphone
    # stretches come back for every candidate with the same first letter: key each once
    known: dict[str, str] = {}
    for tid, compact, term_key in candidates:
        lo, hi = max(3, len(compact) - 1), len(compact) + 3
        start = run.find(compact[0])
        while start >= 0:
            for end in range(start + lo, min(start + hi, size) + 1):
                sub = run[start:end]
                if sub.startswith(compact):
                    break
                k = known.get(sub)
                if k is None:
                    k = known[sub] = metaphone(sub)
                if k == term_key and vowels_agree(sub, compact):  # the key rules out more, cheaper
                    out.append((tid, start, end))
                    break
            start = run.find(compact[0], start + 1)
    return out


def run_spans(word: str) -> Sequence[tuple[int, int]]:
    """The ASCII letter runs of a folded word, as spans."""
    return [m.span() for m in ASCII_RUN.finditer(word)]
