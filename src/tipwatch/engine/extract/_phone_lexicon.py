"""Regexes the phone extractor builds once from ``data/lexicons/numbers.yaml``.

Word alternations are compiled as tries (``f(?:o(?:r(?:e)?|ur)|ive)``) so ``re`` tests a handful
of characters per position instead of hundreds of alternatives, and the longest word wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tipwatch.engine.extract._patterns import trie
from tipwatch.engine.text.numwords import number_lexicon, number_words

__all__ = ["PhoneLexicon", "phone_lexicon", "trie_pattern"]

MAX_ATOM_TOKENS = 40  # tokens in one digit-ish word: longer ones are ids, not phones


def trie_pattern(words: list[str]) -> str:
    """A regex alternation of ``words`` as a trie (longest match first, no backtracking blow-up)."""
    return trie(words)


@dataclass(frozen=True, slots=True)
class PhoneLexicon:
    values: dict[str, int]  # digit-ish token -> value (0-99); "l" and "i" are 1 inside digit runs
    ambiguous: frozenset[str]  # number words that are also common words
    joiners: frozenset[str]
    atom: re.Pattern[str]  # one digit-ish word, or a joiner word on its own
    token: re.Pattern[str]  # one token inside an atom
    context: re.Pattern[str]  # a word that announces a phone number
    messenger: re.Pattern[str]  # a messenger name right before a number (group "m")
    messenger_of: dict[str, str]  # messenger word -> platform


_lexicon: PhoneLexicon | None = None


def phone_lexicon() -> PhoneLexicon:
    """Build (once) and return the phone extractor's lexicon."""
    global _lexicon
    if _lexicon is None:
        _lexicon = _build()
    return _lexicon


def _build() -> PhoneLexicon:
    lex = number_lexicon()
    values = {w: v for w, v in number_words(None).items() if v < 100 and " " not in w and "-" not in w}
    ambiguous = frozenset(w for s in lex.values() for w in s["ambiguous"])
    joiners = frozenset(w for s in lex.values() for w in s["joiners"])
    tokens = sorted(set(values) | {"l", "i", "o"})
    values.setdefault("o", 0)
    values["l"] = values["i"] = 1
    body = trie_pattern(tokens)
    # [^\W_] is a letter or digit: an atom must be a whole word (or glued to digits only)
    atom = re.compile(
        rf"(?<![^\W_])(?:(?P<j>{trie_pattern(sorted(joiners))})|(?:[0-9]|{body}){{1,{MAX_ATOM_TOKENS}}}+)(?![^\W_])"
    )
    token = re.compile(rf"[0-9]|{body}")
    ctx_words: set[str] = set()
    messenger_of: dict[str, str] = {}
    for section in lex.values():
        ctx_words.update(section["phone_context"])
        for platform, names in section["messengers"].items():
            for name in names:
                messenger_of.setdefault(name, platform)
    ctx_words.update(messenger_of)
    context = re.compile(rf"(?<!\w)(?:{trie_pattern(sorted(ctx_words))})(?!\w)")
    messenger = re.compile(rf"(?<!\w)(?P<m>{trie_pattern(sorted(messenger_of))})\W{{0,6}}$")
    return PhoneLexicon(values, ambiguous, joiners, atom, token, context, messenger, messenger_of)
