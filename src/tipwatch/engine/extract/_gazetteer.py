"""The offline city gazetteer (``data/gazetteer/cities.tsv``) and a fast name matcher.

Names are matched as token n-grams on word boundaries through one dict lookup per candidate
(no regex per city): a text is split into letter tokens once, tokens are folded (case and
accents removed) and only tokens that can start a city name are looked at further.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import pickle
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate, compress
from pathlib import Path
from typing import Any, NamedTuple

from tipwatch.engine._native import native
from tipwatch.engine.extract._data import DataError, fold, read_data_text

__all__ = [
    "City",
    "Gazetteer",
    "Match",
    "Tokens",
    "build_index",
    "gazetteer",
    "name_key",
    "tokens",
    "tsv_digest",
    "write_index",
]

_TOKEN_RE = re.compile(r"[^\W\d_]+")
_SPLIT_RE = re.compile(r"([^\W\d_]+)")
_SPLIT_ASCII_RE = re.compile(r"([a-z]+)")  # _SPLIT_RE on lower-case ASCII text
_GAP_RE = re.compile(r"[\s\-'’.]{1,3}")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
MAX_TOKENS = 5
MAX_TEXT = 100_000  # characters of a field searched for place names
MAX_MATCHES = 200  # city names looked at per field
INDEX_FILE = "cities.index.pickle"
INDEX_VERSION = 1  # bump when build_index's output changes shape
# (case ending, nominative ending) tried on Cyrillic tokens that name no city as written
_CYR_ENDINGS = (
    ("ы", "а"),
    ("е", "а"),
    ("у", "а"),
    ("ой", "а"),
    ("ою", "а"),
    ("и", "ь"),
    ("и", "я"),
    ("е", "я"),
    ("ю", "я"),
    ("е", ""),
    ("а", ""),
    ("у", ""),
    ("ом", ""),
    ("ым", ""),
    ("ском", "ск"),
    ("ске", "ск"),
)


# the endings above grouped by their last letter: a token is tried only against endings it can have
_ENDINGS_BY_LAST: dict[str, tuple[tuple[str, str], ...]] = {}
for _ending, _repl in _CYR_ENDINGS:
    _ENDINGS_BY_LAST[_ending[-1]] = (*_ENDINGS_BY_LAST.get(_ending[-1], ()), (_ending, _repl))


class _FoldCache(dict):
    """word (lower case) -> folded word; ASCII words map to themselves. Bounded: cleared when
    it grows past 100,000 words (hostile text cannot make it grow without limit)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 100_000:
            self.clear()
        folded = self[word] = word if word.isascii() else fold(word)
        return folded


_FOLDED = _FoldCache()


def _fold_token(tok: str) -> str:
    return tok if tok.isascii() else fold(tok)


def _py_split(low: str, cache: dict[str, str] | None) -> tuple[list[str], list[int], list[str], bool]:
    """``low`` split into letter tokens: (parts, offs, words, cyrillic) as :class:`Tokens` keeps
    them; ``words`` are the tokens, looked up in ``cache`` (the fold cache) unless it is None.

    The reference for the compiled ``_ctokens.split`` (same input, same output)."""
    ascii_ = low.isascii()
    # in lower-case ASCII text the letters are a-z: a plain range the regex engine tests
    # faster than the Unicode letter class (same tokens)
    parts = (_SPLIT_ASCII_RE if ascii_ else _SPLIT_RE).split(low)
    # offs[2j] = start of token j, offs[2j+1] = its end
    offs = list(accumulate(map(len, parts)))
    words = parts[1::2]
    if cache is not None:
        words = list(map(cache.__getitem__, words))  # a C-level loop; misses fold once
    return parts, offs, words, not ascii_ and _CYRILLIC_RE.search(low) is not None


_ctokens = native("tipwatch.engine.extract._ctokens")
# two passes in C over the characters (count, then build the lists at their size), no regex
# engine and no slicing or mapping of lists in Python: about a third of the cost
_split = _py_split if _ctokens is None else _ctokens.split


class Tokens:
    """A text split into letter tokens: ``words[j]`` (folded) spans ``offs[2j]:offs[2j+1]``;
    ``parts[2j]`` is the text before token j (``parts[2j+2]`` the gap after it).

    Built with one ``re.split`` and ``itertools.accumulate`` (both in C): far cheaper than a
    Python loop over match objects on every ad; or by the compiled ``_ctokens.split`` (one pass
    over the characters, the same lists)."""

    __slots__ = ("cyrillic", "lowered", "matches", "offs", "parts", "words")

    def __init__(self, text: str):
        if len(text) > MAX_TEXT:  # bounds the work on hostile input (a real ad is far shorter)
            text = text[:MAX_TEXT]
        low = text.lower()
        # True when every word is the folded form of a letter run of ``text.lower()`` at the
        # same offsets (other extractors then use the words as a prefilter for their own scans)
        self.lowered = len(low) == len(text)
        if not self.lowered:  # a rare character whose lower case is longer ("İ")
            low = text
        # the words of ASCII text are folded already; others through the fold cache, except
        # when ``low`` is not lower-cased (the cache holds lower-case words only)
        cache = None if low is text or low.isascii() else _FOLDED
        self.parts, self.offs, words, self.cyrillic = _split(low, cache)
        self.words = [fold(w) for w in words] if low is text else words
        self.matches: list[Match] | None = None  # filled by Gazetteer.find

    def span(self, j: int) -> tuple[int, int]:
        return self.offs[2 * j], self.offs[2 * j + 1]


class City(NamedTuple):
    """One gazetteer row (a tuple: cheap to build and to unpickle for 34,000 cities)."""

    geoname_id: int
    name: str
    country: str
    lat: float
    lon: float
    population: int


@dataclass(slots=True)
class Match:
    """A name found in a text: span, folded key, and the candidate cities (most populous first).
    ``primary`` is True when the key is a city's own name (not an alternate/foreign one)."""

    start: int
    end: int
    key: str
    cities: tuple[City, ...]
    primary: bool


def name_key(name: str) -> str:
    """Folded, token-joined key: "Saint-Denis" -> "saint denis", "St. Louis" -> "st louis"."""
    return " ".join(fold(t) for t in _TOKEN_RE.findall(name))


class Gazetteer:
    """Cities indexed by folded name. Build once (``gazetteer()``), share across threads.

    ``Gazetteer(rows)`` builds the index from the TSV rows (about half a second);
    :func:`gazetteer` loads the same index from ``cities.index.pickle`` (a few hundredths).
    """

    def __init__(self, rows: list[list[str]] | None = None, *, index: dict[str, Any] | None = None):
        if index is None:
            index = build_index(rows or [])
        self.cities = list(map(City._make, index["cities"]))
        # folded name -> row numbers; turned into City tuples only for names actually met
        self._primary: dict[str, tuple[int, ...]] = index["primary"]
        self._alternate: dict[str, tuple[int, ...]] = index["alternate"]
        self.first_tokens = frozenset(index["first_tokens"])
        self.prefixes = frozenset(index["prefixes"])
        self._names = self._primary.keys() | self._alternate.keys()  # one test per candidate key
        self._found: dict[str, tuple[tuple[City, ...], bool]] = {}  # lookups already turned into Cities
        # Cyrillic token -> its case-form reading (or None): ads repeat a small vocabulary
        self._inflections: dict[str, tuple[str, tuple[City, ...]] | None] = {}

    def lookup(self, key: str) -> tuple[tuple[City, ...], bool] | None:
        """Cities named ``key`` (already folded) and whether it is a primary name."""
        found = self._found.get(key)
        if found is not None:
            return found
        hit = self._primary.get(key)
        if hit is not None:
            found = self._rows(hit), True
        else:
            hit = self._alternate.get(key)
            if hit is None:
                return None
            found = self._rows(hit), False
        if len(self._found) < 100_000:  # bounded: hostile text cannot grow it past the gazetteer
            self._found[key] = found
        return found

    def _rows(self, rows: tuple[int, ...]) -> tuple[City, ...]:
        return tuple(map(self.cities.__getitem__, rows))

    def tokens(self, text: str) -> Tokens:
        """Letter tokens of ``text`` (see :func:`tokens`)."""
        return tokens(text)

    def find(
        self, text: str, max_matches: int = MAX_MATCHES, tokens: Tokens | None = None
    ) -> Iterator[Match]:
        """Longest non-overlapping city names in ``text`` on word boundaries."""
        if tokens is None:
            tokens = self.tokens(text)
        if max_matches != MAX_MATCHES:
            return self._find(tokens, max_matches)
        # region inference and the location extractor both ask for the same field's names
        if tokens.matches is None:
            tokens.matches = list(self._find(tokens, MAX_MATCHES))
        return iter(tokens.matches)

    def _find(self, tokens: Tokens, max_matches: int) -> Iterator[Match]:
        if _ctokens is None:
            return self._py_find(tokens, max_matches)
        # the same search in C (all of it at once: the callers take every match): no
        # comprehension over the words, no Python step per candidate
        return iter(
            _ctokens.find(
                tokens.words,
                tokens.offs,
                tokens.parts,
                self.first_tokens,
                self.prefixes,
                self._names,
                self._inflections if tokens.cyrillic else None,
                MAX_TOKENS,
                max_matches,
                self._inflected,
                self.lookup,
                Match,
                self._found,
            )
        )

    def _py_find(self, tokens: Tokens, max_matches: int) -> Iterator[Match]:
        """Longest non-overlapping city names among ``tokens`` (at most ``max_matches``): the
        reference for the compiled ``_ctokens.find`` (same input, same matches)."""
        words, offs, parts = tokens.words, tokens.offs, tokens.parts
        first, prefixes, names = self.first_tokens, self.prefixes, self._names
        cyrillic = tokens.cyrillic
        # candidate positions in one comprehension (cheap) instead of a Python loop per token
        if cyrillic:
            # (a Cyrillic word already known to be no case form of a city is no start: it
            # would be looked at for nothing, and found again in the cache)
            infl = self._inflections
            starts = [
                j
                for j, w in enumerate(words)
                if w in first or ("\u0400" <= w[:1] <= "\u04ff" and infl.get(w, True) is not None)
            ]
        else:  # compress/map run in C: no Python step per word
            starts = list(compress(range(len(words)), map(first.__contains__, words)))
        n, found, next_free = len(words), 0, 0
        for i in starts:
            if i < next_free:
                continue
            if found >= max_matches:
                return
            tok = words[i]
            if tok not in first:
                hit = self._inflected(tok)
                if hit is not None:
                    found += 1
                    yield Match(offs[2 * i], offs[2 * i + 1], hit[0], hit[1], True)
                continue
            if (
                i + 1 >= n
                or tok not in prefixes
                or ((key := f"{tok} {words[i + 1]}") not in names and key not in prefixes)
            ):
                # no key or prefix goes on with the next word ("in", "de", "new" before most
                # words): the loop below would stop after one step with the one-word name, if any
                if tok in names:
                    cities, is_primary = self.lookup(tok)  # type: ignore[misc]
                    found += 1
                    next_free = i + 1
                    yield Match(offs[2 * i], offs[2 * i + 1], tok, cities, is_primary)
                continue
            key, k = tok, i + 1
            best = (k, key) if key in names else None
            while k < n and k - i < MAX_TOKENS and key in prefixes:
                gap = parts[2 * k]  # the separator before token k (one space: most of them)
                if gap != " " and not _GAP_RE.fullmatch(gap):
                    break
                key = f"{key} {words[k]}"
                k += 1
                if key in names:
                    best = (k, key)
            if best is None:
                continue
            k, key = best
            cities, is_primary = self.lookup(key)  # type: ignore[misc]
            found += 1
            next_free = k
            yield Match(offs[2 * i], offs[2 * k - 1], key, cities, is_primary)

    def _inflected(self, tok: str) -> tuple[str, tuple[City, ...]] | None:
        """Russian/Ukrainian case forms of one-word city names: "москве", "москвы" -> "москва"."""
        try:
            return self._inflections[tok]
        except KeyError:
            pass
        hit = self._read_inflected(tok)
        if len(self._inflections) >= 100_000:  # bounded: hostile text cannot grow it without limit
            self._inflections.clear()
        self._inflections[tok] = hit
        return hit

    def _read_inflected(self, tok: str) -> tuple[str, tuple[City, ...]] | None:
        for ending, repl in _ENDINGS_BY_LAST.get(tok[-1:], ()):
            if tok.endswith(ending) and len(tok) > len(ending) + 2:
                key = tok[: -len(ending)] + repl
                hit = self._primary.get(key)
                if hit is not None:
                    return key, self._rows(hit)
        return None

    def best(self, cities: tuple[City, ...], region: str | None) -> City:
        """The city in ``region`` if any, else the most populous."""
        if region:
            for c in cities:
                if c.country == region:
                    return c
        return cities[0]


_TOKEN_CACHE: dict[str, Tokens] = {}


def tokens(text: str) -> Tokens:
    """Letter tokens of ``text``, folded (case and accents removed), with their offsets.

    The last few results are cached: region inference, the handle and the location extractors
    all tokenise the same field texts (a str caches its hash, so the lookup is cheap)."""
    hit = _TOKEN_CACHE.get(text)
    if hit is not None:
        return hit
    if len(_TOKEN_CACHE) >= 8:
        _TOKEN_CACHE.clear()
    toks = Tokens(text)
    _TOKEN_CACHE[text] = toks
    return toks


def _cyrillic(s: str) -> bool:
    return _CYRILLIC_RE.search(s) is not None


def build_index(rows: list[list[str]]) -> dict[str, Any]:
    """The name index of the TSV ``rows`` (header removed) as plain data, ready to pickle:
    ``cities`` (row tuples), ``primary`` / ``alternate`` (folded name -> row numbers, most
    populous first), ``first_tokens`` and ``prefixes`` (of multi-token names)."""
    cities: list[tuple[int, str, str, float, float, int]] = []
    primary: dict[str, list[int]] = {}
    alternate: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        try:
            cities.append((int(r[0]), r[1], r[3], float(r[4]), float(r[5]), int(r[6])))
        except (IndexError, ValueError) as exc:
            raise DataError(
                f"tipwatch/data/gazetteer/cities.tsv line {i + 2} is malformed; regenerate it with "
                "src/tipwatch/data/gazetteer/build.py"
            ) from exc
        own = {name_key(r[1]), name_key(r[2])}
        for key in own:
            if key:
                primary.setdefault(key, []).append(i)
        for alt in r[7].split("|") if len(r) > 7 and r[7] else ():
            key = name_key(alt)
            if key and key not in own:
                # Cyrillic names of Cyrillic-script cities are as good as the primary name
                target = primary if not alt.isascii() and _cyrillic(alt) else alternate
                lst = target.setdefault(key, [])
                if not lst or lst[-1] != i:
                    lst.append(i)
    alt_only = {k: tuple(v) for k, v in alternate.items() if k not in primary}
    keys = (*primary, *alt_only)
    # every proper prefix of a multi-token key, so a match is extended only while it can grow
    prefixes = set()
    for k in keys:
        parts = k.split(" ")
        for j in range(1, min(len(parts), MAX_TOKENS)):
            prefixes.add(" ".join(parts[:j]))
    return {
        "cities": cities,
        "primary": {k: tuple(v) for k, v in primary.items()},
        "alternate": alt_only,
        "first_tokens": sorted({k.split(" ", 1)[0] for k in keys}),
        "prefixes": sorted(prefixes),
    }


def tsv_digest(text: str) -> str:
    """SHA-256 of the TSV text: ties the pickled index to the exact ``cities.tsv`` it came from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_index(text: str, path: Path) -> None:
    """Pickle the name index of ``cities.tsv`` (its ``text``) to ``path`` (zlib-compressed).

    Run by ``data/gazetteer/build.py`` whenever the TSV changes; the runtime falls back to
    building the index from the TSV when the file is missing or was made from another TSV."""
    rows = [line.split("\t") for line in text.splitlines()[1:] if line]
    blob = pickle.dumps(
        {"version": INDEX_VERSION, "tsv_sha256": tsv_digest(text), **build_index(rows)},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    path.write_bytes(zlib.compress(blob, 9))


def _load_index(text: str) -> dict[str, Any] | None:
    """The shipped pickled index when it matches ``text``, else None (then built from the TSV)."""
    try:
        blob = resources.files("tipwatch").joinpath("data", "gazetteer", INDEX_FILE).read_bytes()
        blob = zlib.decompress(blob)
        collect = gc.isenabled()
        gc.disable()  # 80,000 small containers: the cyclic collector would run dozens of times
        try:
            index = pickle.loads(blob)  # our own package file, as trusted as this code
        finally:
            if collect:
                gc.enable()
    except Exception:  # missing, truncated or from another Python: rebuild (slower, same result)
        return None
    if not isinstance(index, dict) or index.get("version") != INDEX_VERSION:
        return None
    if index.get("tsv_sha256") != tsv_digest(text):
        return None  # cities.tsv was regenerated without the index: never use a stale one
    return index


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded on first use (from the pickled index: a few hundredths of
    a second; from the TSV when the index is missing or stale: about half a second)."""
    text = read_data_text("gazetteer", "cities.tsv")
    index = _load_index(text)
    if index is not None:
        return Gazetteer(index=index)
    rows = [line.split("\t") for line in text.splitlines()[1:] if line]
    return Gazetteer(rows)
