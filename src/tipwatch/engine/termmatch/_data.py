"""Load the term-matching data files (``tipwatch/data/termmatch``) once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

__all__ = ["FoldTable", "allowlist_entries", "fold_table", "single_letter_words"]

_KINDS = ("leet-any", "leet-inside", "latin", "cyrillic")


@dataclass(frozen=True, slots=True)
class FoldTable:
    """The rows of ``fold.tsv`` grouped by kind (see the file's header)."""

    leet: dict[str, str]  # leetspeak symbol -> letter
    leet_alt: dict[str, str]  # second reading of an ambiguous symbol ("1" -> "l")
    leet_inside: frozenset[str]  # symbols read as letters only between letters
    latin: dict[str, str]  # Latin letter without a useful decomposition -> ASCII letter
    cyrillic: dict[str, str]  # Latin look-alike -> Cyrillic letter


def _read(name: str) -> str:
    try:
        return (
            resources.files("tipwatch")
            .joinpath("data")
            .joinpath("termmatch")
            .joinpath(name)
            .read_text("utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError) as exc:  # pragma: no cover - packaging bug
        raise RuntimeError(
            f"data file tipwatch/data/termmatch/{name} is missing: reinstall tipwatch "
            "(see src/tipwatch/data/termmatch/README.md)"
        ) from exc


@functools.cache
def fold_table() -> FoldTable:
    """Parse ``fold.tsv``; a malformed row raises naming the file, the line and the fix."""
    leet: dict[str, str] = {}
    alt: dict[str, str] = {}
    inside: set[str] = set()
    latin: dict[str, str] = {}
    cyr: dict[str, str] = {}
    for lineno, line in enumerate(_read("fold.tsv").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 4 or parts[3] not in _KINDS or len(parts[0]) != 1 or len(parts[1]) != 1:
            raise RuntimeError(
                f"tipwatch/data/termmatch/fold.tsv:{lineno}: expected 'char<TAB>letter<TAB>alt|-<TAB>kind' "
                f"with kind one of {', '.join(_KINDS)} and single characters"
            )
        ch, target, alternative, kind = parts
        if kind.startswith("leet"):
            leet[ch] = target
            if alternative != "-":
                alt[ch] = alternative
            if kind == "leet-inside":
                inside.add(ch)
        elif kind == "latin":
            latin[ch] = target
        else:
            cyr[ch] = target
    return FoldTable(leet, alt, frozenset(inside), latin, cyr)


@functools.cache
def allowlist_entries() -> tuple[str, ...]:
    """The shipped allowlist entries as written (words and phrases)."""
    out = []
    for line in _read("allowlist.txt").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            out.append(entry)
    return tuple(out)


@functools.cache
def single_letter_words() -> frozenset[str]:
    """Common one-letter words (``single_letter_words.txt``), lower case."""
    return frozenset(
        w
        for w in (
            line.split("#", 1)[0].strip().lower() for line in _read("single_letter_words.txt").splitlines()
        )
        if w
    )
