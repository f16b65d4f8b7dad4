"""Tokenise a text once into digit-ish atoms and group them into runs.

An *atom* is a whole word made only of digit tokens: ASCII digits, number words in any lexicon
language ("for80", "2sixseven", "EIGHT"), and the letters O / l / I where they sit among digits
("6869O537"). Joiner words ("et", "y", "și") are atoms of their own. A *run* is a sequence of
atoms separated by short gaps of separator characters (spaces, dashes, dots, brackets, junk such
as ``*`` or ``~``); line breaks, commas, colons, ``+`` and letters end a run.

Everything here is linear: one bounded, possessive regex finds the atoms, and runs are built in
a single pass over them. Both passes are also compiled (``_cphone.c``, the same atoms and groups
from tries of the lexicon's words); the Python code is the fallback and the reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tipwatch.engine._native import native
from tipwatch.engine.extract._phone_lexicon import MAX_ATOM_TOKENS, PhoneLexicon, trie_pattern

__all__ = ["Atom", "Run", "run_digits", "scan"]

MAX_RUN_ATOMS = 60  # a longer run is a table of numbers or junk, not contact details
_GAP = re.compile(r"(?:[^\w\n,;:+$€£¥₽%!?&@<>]|_){1,5}")
# a sentence end or a list separator between spaces ends a run: "24/7. 0158 ...", "... | 8 9 6 7"
_BREAK = re.compile(r"\. | [|/•·] ")
_WORD_GAP = re.compile(r" ?, ?")  # "six four six, five five five": commas only between words
_LETTERS = frozenset("oli")


@dataclass(slots=True)
class Atom:
    start: int
    end: int
    kind: str  # "digits" (ASCII digits only), "word" (number words only), "mixed", "joiner"
    text: str = ""  # the digits of a "digits" atom
    # (value, is_word); not for "digits" (a shared empty tuple: no list built per digit atom)
    tokens: Sequence[tuple[int, bool]] = ()
    weak: bool = False  # a lone ambiguous word ("to", "for", "un"): only inside a run


@dataclass(slots=True)
class Run:
    atoms: list[Atom]
    gaps: list[str]  # gaps[k] is the text between atoms[k] and atoms[k + 1]
    # computed once per run, so the candidate loop tests a flag instead of re-walking the atoms
    plain: bool = False  # every atom is ASCII digits ("929 272 7898", the common case)
    weak: bool = False  # some atom is an ambiguous word ("to", "for", "un")


def _atom(m: re.Match[str], lex: PhoneLexicon) -> Atom | None:
    """The atom of a match of ``lex.atom`` (see :func:`_read_atom`)."""
    return _read_atom(*m.span(), m.group(), m.group("j") is not None, lex)


def _read_atom(s: int, e: int, text: str, joiner: bool, lex: PhoneLexicon) -> Atom | None:
    """The atom ``text`` at ``s:e`` (a joiner word when ``joiner``), or None when it is none."""
    if text.isdigit():  # the common atom, tested first (a joiner is letters: never digits)
        if e - s > 15:  # longer than any phone number: an id
            return None
        return Atom(s, e, "digits", text)
    if joiner:
        return Atom(s, e, "joiner")
    # the same few words come back in every ad ("and", "for", "twenty"): read each once
    owner, shapes = _WORD_SHAPES
    if owner is not lex:  # one lexicon in practice; a test may build another
        shapes = {}
        _WORD_SHAPES[:] = [lex, shapes]
    shape = shapes.get(text, _UNSEEN)
    if shape is _UNSEEN:
        shape = _word_shape(text, lex)
        if len(shapes) >= 50_000:  # bounded: hostile text cannot grow it without limit
            shapes.clear()
        shapes[text] = shape
    if shape is None:
        return None
    kind, tokens, weak = shape
    return Atom(s, e, kind, "", tokens, weak=weak)


_UNSEEN = object()
# [the lexicon they were read with, {atom text (not all digits): (kind, tokens, weak) or None}]
# (the lexicon is held, so it is compared by identity safely); see _word_shape
_WORD_SHAPES: list = [None, {}]


def _word_shape(text: str, lex: PhoneLexicon) -> tuple[str, tuple[tuple[int, bool], ...], bool] | None:
    """What an atom of ``text`` (not all digits) is: (kind, tokens, weak), or None when it is no
    atom at all. Depends on the text alone, so it is cached by :func:`_read_atom`."""
    tokens: list[tuple[int, bool]] = []
    ndigits = 0
    letters = 0
    values = lex.values
    for t in lex.token.findall(text):
        if "0" <= t <= "9":
            tokens.append((int(t), False))
            ndigits += 1
        else:
            if t in _LETTERS:
                letters += 1
            tokens.append((values[t], True))
    if letters and not ndigits:
        if len(text) == 1:  # a lone "l" / "i" / "o": a digit only between number words
            return "word", tuple(tokens), True
        if letters == len(tokens):
            return None  # "oil", "lol": letters stand for digits only among digits or number words
    if len(tokens) > 15:
        return None
    if ndigits == 0:
        return "word", tuple(tokens), len(tokens) == 1 and text in lex.ambiguous
    return "mixed", tuple(tokens), False


# What the text between two atoms does to a run, by that text alone (at most 5 characters, a
# handful of distinct ones: " ", "-", ") ", ". "): one dictionary look-up instead of two or
# three regex calls per pair of neighbouring atoms (see _gap_kind)
_JOIN, _SPLIT, _WORDS_ONLY = 1, 0, 2
_GAP_KINDS: dict[str, int] = {}


def _gap_kind(gap: str) -> int:
    """:data:`_SPLIT` (a sentence end or list separator, or no separator at all), :data:`_JOIN`
    (separators: "929-272"), or :data:`_WORDS_ONLY` (a comma: only between two number words)."""
    if _BREAK.search(gap):
        kind = _SPLIT
    elif _GAP.fullmatch(gap):
        kind = _JOIN
    elif _WORD_GAP.fullmatch(gap):
        kind = _WORDS_ONLY
    else:
        kind = _SPLIT
    if len(_GAP_KINDS) >= 4096:  # bounded: hostile text cannot grow it without limit
        _GAP_KINDS.clear()
    _GAP_KINDS[gap] = kind
    return kind


def scan(low: str, lex: PhoneLexicon, max_runs: int = 1000) -> list[Run]:
    """Atoms of ``low`` (lower-cased normalised text) grouped into runs of 7 digits or more.

    Stops after ``max_runs`` runs: a bound on the work hostile text can cause.
    """
    runs: list[Run] = []
    owner, scanner = _SCANNER
    if owner is not lex:  # one lexicon in practice; a test may build another
        scanner = _compiled_scanner(lex)
        _SCANNER[:] = [lex, scanner]
    if scanner is None:
        for group in _py_groups(low, lex):
            _flush_matches(group, low, lex, runs)
            if len(runs) >= max_runs:
                break
    else:
        pos = 0
        while pos >= 0:  # batches of at most max_runs groups: each makes a run or none
            groups, pos = scanner.groups(low, pos, max(max_runs, 1))
            for group in groups:
                _flush(group, low, lex, runs)
                if len(runs) >= max_runs:
                    return runs
    return runs


def _py_groups(low: str, lex: PhoneLexicon) -> Iterator[list[re.Match[str]]]:
    """The atoms of ``low`` (matches of ``lex.atom``) grouped by the gap rules: only groups that
    span 7 characters or more and whose atoms hold 7 or more (a token is at least one character
    long: fewer cannot make 7 digits). The reference for the compiled ``_cphone.Scanner.groups``
    (which gives each atom as ``(start, end, text, is_joiner)``)."""
    group: list[re.Match[str]] = []
    prev_end = -1
    first = chars = 0  # the group's first offset and its atoms' characters
    kinds = _GAP_KINDS
    for m in lex.atom.finditer(low):
        s, e = m.span()
        if group and (
            s - prev_end > 5
            or len(group) >= MAX_RUN_ATOMS
            or (kind := kinds.get(low[prev_end:s])) == _SPLIT
            or (kind is None and (kind := _gap_kind(low[prev_end:s])) == _SPLIT)
            or (kind == _WORDS_ONLY and (m.group()[0].isdigit() or low[prev_end - 1].isdigit()))
        ):
            # most groups are a lone short word or number: dropped here, without a call
            if prev_end - first >= 7 and chars >= 7:
                yield group
            group = []
        if not group:
            first, chars = s, 0
        group.append(m)
        chars += e - s
        prev_end = e
    if group and prev_end - first >= 7 and chars >= 7:
        yield group


_cphone = native("tipwatch.engine.extract._cphone")
# the gap patterns gap_kind in _cphone.c reproduces: another pattern here turns the C scanner off
_C_GAP_RULES = (r"(?:[^\w\n,;:+$€£¥₽%!?&@<>]|_){1,5}", r"\. | [|/•·] ", r" ?, ?")
# [the lexicon it was built for, its compiled scanner or None] (the lexicon is held: compared by
# identity)
_SCANNER: list = [None, None]


def _compiled_scanner(lex: PhoneLexicon) -> Any:
    """The lexicon's atom regex as tries in C (one pass over the characters, no match objects,
    the gap rules decided without slicing the gaps out), or None to use the regex: when the
    module is not built, or when ``lex.atom`` is not the regex the C code reproduces (an edit
    to _phone_lexicon then keeps the output right, just slower, until the C code follows)."""
    if _cphone is None:
        return None
    words, joiners = sorted(lex.values), sorted(lex.joiners)
    expected = (
        rf"(?<![^\W_])(?:(?P<j>{trie_pattern(joiners)})|(?:[0-9]|{trie_pattern(words)})"
        rf"{{1,{MAX_ATOM_TOKENS}}}+)(?![^\W_])"
    )
    if lex.atom.pattern != expected or lex.atom.flags != re.UNICODE:
        return None
    if (_GAP.pattern, _BREAK.pattern, _WORD_GAP.pattern) != _C_GAP_RULES:
        return None  # (the gap rules are written out in _cphone.c too)
    return _cphone.Scanner(words, joiners, MAX_ATOM_TOKENS, MAX_RUN_ATOMS)


def _flush_matches(group: list[re.Match[str]], low: str, lex: PhoneLexicon, runs: list[Run]) -> None:
    atoms: list[Atom] = []
    for m in group:
        a = _atom(m, lex)
        if a is None:  # an id-length digit block or letters that are not digits: split here
            _keep(atoms, low, runs)
            atoms = []
        else:
            atoms.append(a)
    _keep(atoms, low, runs)


def _flush(group: list[tuple[int, int, str, bool]], low: str, lex: PhoneLexicon, runs: list[Run]) -> None:
    # _flush_matches for the compiled scanner's atoms: (start, end, text, is_joiner)
    atoms: list[Atom] = []
    for s, e, text, joiner in group:
        # the common atom, ASCII digits of phone length, built here: what _read_atom does
        # first for it, without the call
        a = (
            Atom(s, e, "digits", text)
            if e - s <= 15 and text.isdigit()
            else _read_atom(s, e, text, joiner, lex)
        )
        if a is None:  # an id-length digit block or letters that are not digits: split here
            _keep(atoms, low, runs)
            atoms = []
        else:
            atoms.append(a)
    _keep(atoms, low, runs)


def _keep(atoms: list[Atom], low: str, runs: list[Run]) -> None:
    # one pass for the digit count and the run's two flags
    count = 0
    plain = True
    weak = False
    for a in atoms:
        count += len(a.text) or len(a.tokens)
        if a.kind != "digits":
            plain = False
        if a.weak:
            weak = True
    if count >= 7:
        gaps = [low[a.end : b.start] for a, b in zip(atoms, atoms[1:], strict=False)]
        runs.append(Run(atoms, gaps, plain, not plain and weak))


def run_digits(atoms: list[Atom]) -> str | None:
    """The digit string that ``atoms`` spell, or None when the words do not read as digits.

    Consecutive number words are read in pairs the way people say numbers: "seventy eight" = 78,
    "soixante-dix-huit" = 78, "quatre-vingt-douze" = 92, "vingt et un" = 21, "dix sept" = 17.
    """
    if all(a.kind == "digits" for a in atoms):
        return "".join(a.text for a in atoms)
    out: list[str] = []
    tokens: list[tuple[int, bool] | None] = []  # None marks a joiner
    for a in atoms:
        if a.kind == "joiner":
            tokens.append(None)
        elif a.kind == "digits":
            tokens.extend((int(c), False) for c in a.text)
        else:
            tokens.extend(a.tokens)
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        if t is None:
            return None  # a joiner not between tens and units
        v, is_word = t
        i += 1
        if not is_word or v < 10 and not (v == 4 and i < n and tokens[i] == (20, True)):
            out.append(str(v))
            continue
        if v == 4:  # quatre vingt = 80
            v = 80
            i += 1
        if v == 10 and i < n and tokens[i] is not None and tokens[i][1] and 7 <= tokens[i][0] <= 9:
            v += tokens[i][0]  # dix sept
            i += 1
        elif v >= 20 and v % 10 == 0 and i < n:
            j = i + 1 if tokens[i] is None and i + 1 < n else i  # skip a joiner: vingt et un
            nxt = tokens[j]
            if nxt is not None:  # a unit word or digit: "seventy eight", "trente4"
                if 1 <= nxt[0] <= 9 or (nxt[1] and v in (60, 80) and 10 <= nxt[0] <= 19):
                    v += nxt[0]
                    i = j + 1
                    if (
                        v in (70, 90)
                        and i < n
                        and tokens[i] is not None
                        and tokens[i][1]
                        and 1 <= tokens[i][0] <= 9
                    ):
                        v += tokens[i][0]  # soixante-dix-huit = 70 + 8
                        i += 1
        out.append(str(v))
    return "".join(out)
