"""Places: city names from the offline gazetteer, and the call mode (incall / outcall).

``location`` value: the gazetteer's canonical city name; attrs ``country`` (ISO alpha-2),
``lat``, ``lon``, ``geoname_id``. When the ad's region is known the city in that country wins
("Paris" in a US ad from Texas is Paris, TX only if the region says US); otherwise the most
populous city of that name. Names that are also everyday words ("Nice", "Mobile", "Reading",
"Split", "Orange", "Sale") or first names ("Victoria", "Charlotte") need context: a place
preposition ("in Nice") or, when capitalised mid-sentence, the ad's own country. Lower-case
mentions count only for big cities (>= 200,000 people) under their own name.

``callmode`` value: "incall" or "outcall" from phrases in many languages ("incalls only",
"salidas", "a domicilio", "déplacement", "выезд", "apartamentul meu"...).

Lists live in ``data/lexicons/locations.yaml``; the gazetteer in ``data/gazetteer/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import compress
from typing import Any

from tipwatch.engine.extract._data import fold, lexicon
from tipwatch.engine.extract._gazetteer import City, Match, Tokens, gazetteer, name_key
from tipwatch.engine.types import Entity

__all__ = ["extract", "find_callmodes", "find_cities", "locate"]

LOWERCASE_MIN_POP = 200_000
SENTENCE_START_MIN_POP = 100_000
SMALL_CITY_POP = 50_000
_SKIP = ("phone", "payment", "email", "url", "handle")
_WORD_RE = re.compile(r"[^\W\d_]+")
_GAP_RE = re.compile(r"[\s\-]{1,3}")
_BEFORE_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _norm(words: Iterable[Any]) -> frozenset[str]:
    return frozenset(" ".join(fold(str(w)).split()) for w in words)


@functools.cache
def _lex() -> dict[str, Any]:
    d = lexicon("locations")
    # call-mode phrases as folded token tuples, indexed by their first token
    modes: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for mode, phrases in d["callmode"].items():
        for p in phrases:
            toks = tuple(fold(t) for t in _WORD_RE.findall(str(p)))
            modes.setdefault(toks[0], []).append((toks, mode))
    for lst in modes.values():
        lst.sort(key=lambda x: -len(x[0]))
    # first token -> second token -> the phrases find_callmodes can match there, in the order it
    # tries them (the longer first); "" -> the one-token phrases, the only ones left when the
    # next word starts no phrase
    by_second: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
    for first, lst in modes.items():
        seconds = {p[1] for p, _ in lst if len(p) > 1}
        by_second[first] = {
            nxt: [(p, mode) for p, mode in lst if len(p) == 1 or p[1] == nxt] for nxt in (*seconds, "")
        }
    return {
        "common": _norm(d["common_words"]),
        "person": _norm(d["person_names"]),
        "intro": _norm(d["name_intro"]),
        "prep": _norm(d["prepositions"]),
        "modes": modes,
        "modes_by_second": by_second,
    }


# window of text before a capitalised name -> its last word and last two words (folded): ads
# repeat their phrasing ("in Paris", "Girls in Sochi"), so most windows were read before.
# Bounded: cleared when it grows past 10,000 windows (hostile text cannot grow it without limit)
_BEFORE_CACHE: dict[str, tuple[str, str]] = {}


def _before_words(text: str, start: int) -> tuple[str, str]:
    """The word and the two words right before ``start`` (folded)."""
    window = text[max(0, start - 30) : start]
    hit = _BEFORE_CACHE.get(window)
    if hit is None:
        words = _BEFORE_WORD_RE.findall(window)
        last = fold(words[-1]) if words else ""
        two = fold(" ".join(words[-2:])) if len(words) >= 2 else last
        hit = last, two
        if len(_BEFORE_CACHE) >= 10_000:
            _BEFORE_CACHE.clear()
        _BEFORE_CACHE[window] = hit
    return hit


def _sentence_start(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \t\"'«(“":
        j -= 1
    return j < 0 or text[j] in ".!?\n:;•*-–—|"


def _accept(text: str, m: Match, city: City, region: str | None, lex: dict[str, Any]) -> bool:
    capital = text[m.start : m.start + 1].isupper()
    if not capital:  # decided without looking at the context (the common, cheap case)
        if m.key in lex["person"] or m.key in lex["common"]:
            return False
        return m.primary and city.population >= LOWERCASE_MIN_POP and len(m.key) >= 4
    fame = m.cities[0].population  # how well known the name is, wherever the city lies
    last, two = _before_words(text, m.start)
    prep = last in lex["prep"] or two in lex["prep"]
    in_region = region is not None and city.country == region
    if m.key in lex["person"]:
        if last in lex["intro"] or two in lex["intro"]:
            return False
        return prep or (in_region and not _sentence_start(text, m.start))
    if m.key in lex["common"]:
        return prep or (in_region and not _sentence_start(text, m.start))
    if len(m.key) <= 3:
        return fame >= SENTENCE_START_MIN_POP and (prep or in_region or text[m.start : m.end].isupper())
    if not m.primary and not (fame >= SENTENCE_START_MIN_POP or in_region):
        return False
    if fame < SMALL_CITY_POP and not (prep or in_region):
        return False
    if _sentence_start(text, m.start) and fame < SENTENCE_START_MIN_POP and not prep:
        return False
    return True


# (name, primary, region) -> the city a lower-case mention of the name stands for, or None
_LOWER_CASE: dict[tuple[str, bool, str | None], City | None] = {}
_UNSEEN: Any = object()


def find_cities(
    text: str, region: str | None = None, tokens: Tokens | None = None
) -> Iterator[tuple[int, int, City]]:
    """Yield ``(start, end, city)`` for the city names in ``text`` that pass the context rules."""
    lex = _lex()
    g = gazetteer()
    for m in g.find(text, tokens=tokens):
        if not text[m.start : m.start + 1].isupper():
            # a lower-case name is judged without its context (see _accept): by the name, which
            # gives the cities, and the region, which picks one; the answer is cached
            key = (m.key, m.primary, region)
            city = _LOWER_CASE.get(key, _UNSEEN)
            if city is _UNSEEN:
                city = g.best(m.cities, region)
                if not _accept(text, m, city, region, lex):
                    city = None
                if len(_LOWER_CASE) >= 10_000:  # bounded, like the other caches
                    _LOWER_CASE.clear()
                _LOWER_CASE[key] = city
            if city is not None:
                yield m.start, m.end, city
            continue
        city = g.best(m.cities, region)
        if _accept(text, m, city, region, lex):
            yield m.start, m.end, city


def find_callmodes(text: str, tokens: Tokens | None = None) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, "incall"|"outcall")``."""
    lex = _lex()
    modes, by_second = lex["modes"], lex["modes_by_second"]
    if tokens is None:
        tokens = gazetteer().tokens(text)
    words, offs, parts = tokens.words, tokens.offs, tokens.parts
    n, next_free = len(words), 0
    # i: one past the first token (compress/map run in C: no Python step per word)
    for i in compress(range(1, n + 1), map(modes.__contains__, words)):
        if i <= next_free:
            continue
        nxt = words[i] if i < n else None
        # only the phrases whose second token is the next word (most "my", "la", "in" lead
        # nowhere): the others would fail the second-token test below
        seconds = by_second[words[i - 1]]
        for phrase, mode in seconds.get(nxt, seconds[""]):  # (None, past the end: no key)
            k = i - 1 + len(phrase)  # one past the phrase's last token
            if k > n or (k > i and phrase[1] != nxt):
                continue
            if all(
                words[i - 1 + j] == phrase[j] and _GAP_RE.fullmatch(parts[2 * (i - 1 + j)])
                for j in range(1, len(phrase))
            ):
                yield offs[2 * (i - 1)], offs[2 * (k - 1) + 1], mode
                next_free = k
                break


def extract(ctx) -> Iterable[Entity]:
    """Location and callmode entities from every field of ``ctx``."""
    g = gazetteer()
    for fld in ctx.fields:
        tokens = g.tokens(fld.text)
        for start, end, city in find_cities(fld.text, ctx.region, tokens):
            if ctx.is_claimed(fld.name, start, end, _SKIP):
                continue
            yield ctx.entity(
                "location",
                city.name,
                fld,
                start,
                end,
                country=city.country,
                lat=city.lat,
                lon=city.lon,
                geoname_id=city.geoname_id,
            )
        for start, end, mode in find_callmodes(fld.text, tokens):
            if not ctx.is_claimed(fld.name, start, end, _SKIP):
                yield ctx.entity("callmode", mode, fld, start, end)


@functools.lru_cache(maxsize=4096)
def locate(name: str, country: str = "") -> City | None:
    """The gazetteer city called ``name`` in ``country`` (ISO code; when empty, the most populous
    city of that name), or None. A namesake in another country is not returned."""
    if not name:
        return None
    found = gazetteer().lookup(name_key(name))
    if not found:
        return None
    cities = found[0]
    if country:
        cities = tuple(c for c in cities if c.country == country.upper())
    return cities[0] if cities else None
