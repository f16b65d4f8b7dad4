"""Word alternations for the extractors' regexes, written as tries.

A plain alternation (``whatsapp id|whatsapp|telegram|...``) makes the regex engine try every
word at every position it tests, and again at every backtracking step of what comes before it;
a trie (``t(?:elegram|g)|w(?:hatsapp(?:\\s{1,2}id)?|a)``) reads a handful of characters instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["alternation", "trie"]


def trie(words: Iterable[str], space: str = r"\ ") -> str:
    """A regex alternation of ``words`` (as written) as a trie: longest match first, a handful of
    characters tested per position; a space in a word matches ``space``."""
    return _emit(_build(words), space)


def alternation(words: Iterable[str], space: str = r"\s{1,2}") -> str:
    """A regex alternation of ``words`` (lower-cased; a space matches ``space``) that matches
    what the plain alternation sorted longest first matches, with the same priority.

    Two words that can both match at one position are a word and its continuation (they are
    literals), and the trie tries the continuation first, as longest-first order does. Under
    ``re.IGNORECASE`` two different characters can match the same one ("i" and "ı", "s" and
    "ſ"): when two branches of one trie node start with such characters the priority could
    differ, so the plain alternation is returned instead.
    """
    parts = sorted({str(w).lower() for w in words})
    root = _build(parts)
    if _clash(root):
        return "|".join(re.escape(p).replace(r"\ ", space) for p in sorted(parts, key=len, reverse=True))
    return _emit(root, space)


def _build(words: Iterable[str]) -> dict[str, dict]:
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return root


def _emit(node: dict[str, dict], space: str) -> str:
    alts = [
        (space if ch == " " else re.escape(ch)) + _emit(child, space)
        for ch, child in sorted(node.items())
        if ch
    ]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if "" in node:  # a word ends here: the longer words first, then this one
        return f"(?:{body})?" if len(alts) == 1 else body + "?"
    return body


def _clash(node: dict[str, dict]) -> bool:
    """Whether two branches of a node start with characters ``re.IGNORECASE`` reads alike."""
    keys = [k for k in node if k]
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if re.fullmatch(re.escape(a), b, re.IGNORECASE):
                return True
    return any(_clash(child) for child in node.values())
