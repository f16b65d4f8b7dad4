"""Store-like network signals computed within one file of ads: a streaming two-pass helper.

The web store knows, for every contact, how many ads, cities and names it appears with; a file
on the command line has no store, so :class:`ContactNetwork` computes the same facts over the
file in a first pass, and gives each ad its ``signals`` mapping in the second:

    >>> from tipwatch.engine import ad_from_dict
    >>> from tipwatch.engine.extract import extract_ad
    >>> net = ContactNetwork()
    >>> ads = [ad_from_dict({"id": str(i), "body": f"call 0412 345 678", "city": c, "country": "AU"})
    ...        for i, c in enumerate(["Perth", "Sydney", "Hobart"])]
    >>> for ad in ads:
    ...     net.add(ad, extract_ad(ad))
    >>> net.signals(ads[0], extract_ad(ads[0]))["contact_cities"]
    3

Per contact (a phone, email, handle or payment id, by normalised value) it keeps a count of
ads, the set of cities (the ad's ``city``, else its first extracted location) and the set of
stated names and ages. Per text template (the ad's words once contacts, numbers, places and
capitalised words are removed) it keeps the set of contacts seen with it. Memory grows with
the number of distinct contacts and templates, not of ads; the sets are capped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from tipwatch.engine.extract import ExtractResult, extract_ad
from tipwatch.engine.types import Ad

__all__ = ["CONTACT_TYPES", "ContactNetwork", "template_key", "with_network"]

CONTACT_TYPES: tuple[str, ...] = ("phone", "email", "handle", "payment")
PERSON_TYPES: tuple[str, ...] = ("name", "age")
_CAP = 64  # members kept per set: every threshold is far below it
_WORD = re.compile(r"[^\W\d_]{2,40}")
_MIN_TEMPLATE_WORDS = 8  # shorter texts are too generic to call a template


def template_key(ad: Ad, extraction: ExtractResult) -> str | None:
    """A key shared by ads written from the same template: its lower-case words in order, once
    entity spans (contacts, prices, ages, places) are cut out and capitalised words (names)
    dropped; ``None`` when fewer than eight words remain."""
    parts = []
    for name in ("title", "body"):
        text = getattr(ad, name) or ""
        spans = sorted((e.start, e.end) for e in extraction.entities if e.field == name)
        pos, kept = 0, []
        for s, e in spans:
            if s >= pos:
                kept.append(text[pos:s])
                pos = max(pos, e)
        kept.append(text[pos:])
        parts.append(" ".join(kept))
    words = [w for w in _WORD.findall(" ".join(parts)) if not w[0].isupper()]
    if len(words) < _MIN_TEMPLATE_WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=12).hexdigest()


@dataclass(slots=True)
class _Spread:
    ads: int = 0
    cities: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


def _city(ad: Ad, extraction: ExtractResult) -> str | None:
    if ad.city:
        return ad.city.strip().casefold()
    loc = next((e for e in extraction.entities if e.type == "location"), None)
    return loc.value.casefold() if loc is not None else None


def _contacts(extraction: ExtractResult) -> set[tuple[str, str]]:
    return {(e.type, e.value) for e in extraction.entities if e.type in CONTACT_TYPES}


class ContactNetwork:
    """Contact reuse across the ads added so far (pass 1), queried per ad (pass 2)."""

    def __init__(self) -> None:
        self._contacts: dict[tuple[str, str], _Spread] = {}
        self._templates: dict[str, set[tuple[str, str]]] = {}
        self.ads = 0

    def add(self, ad: Ad, extraction: ExtractResult) -> None:
        """Count one ad (each contact once per ad)."""
        self.ads += 1
        city = _city(ad, extraction)
        names = {f"{e.type}:{e.value}" for e in extraction.entities if e.type in PERSON_TYPES}
        contacts = _contacts(extraction)
        for c in contacts:
            spread = self._contacts.get(c)
            if spread is None:
                spread = self._contacts[c] = _Spread()
            spread.ads += 1
            if city and len(spread.cities) < _CAP:
                spread.cities.add(city)
            for n in names:
                if len(spread.names) >= _CAP:
                    break
                spread.names.add(n)
        key = template_key(ad, extraction) if contacts else None
        if key is not None:
            seen = self._templates.setdefault(key, set())
            for c in sorted(contacts):
                if len(seen) >= _CAP:
                    break
                seen.add(c)

    def signals(self, ad: Ad, extraction: ExtractResult) -> dict[str, int]:
        """``{"contact_ads", "contact_cities", "contact_names", "template_contacts"}`` for one ad:
        the maximum over its contacts (0 for an ad without contacts)."""
        out = {"contact_ads": 0, "contact_cities": 0, "contact_names": 0, "template_contacts": 0}
        contacts = _contacts(extraction)
        for c in contacts:
            spread = self._contacts.get(c)
            if spread is None:
                continue
            out["contact_ads"] = max(out["contact_ads"], spread.ads)
            out["contact_cities"] = max(out["contact_cities"], len(spread.cities))
            out["contact_names"] = max(out["contact_names"], len(spread.names))
        if contacts:
            key = template_key(ad, extraction)
            if key is not None:
                out["template_contacts"] = len(self._templates.get(key, ()))
        return out


def with_network(
    read: Callable[[], Iterable[Ad]],
    *,
    extract: Callable[[Ad], ExtractResult] = extract_ad,
    keep: bool = True,
) -> Iterator[tuple[Ad, ExtractResult, dict[str, int]]]:
    """Two passes over ``read()`` (called twice; each call must yield the same ads in order):
    build the network, then yield ``(ad, extraction, signals)`` for :func:`assess_many`.

    ``keep=True`` keeps the first pass's extractions in memory to avoid extracting twice; use
    ``keep=False`` for files too big for that (each ad is then extracted in both passes).
    """
    net = ContactNetwork()
    kept: list[ExtractResult] = []
    for ad in read():
        ex = extract(ad)
        net.add(ad, ex)
        if keep:
            kept.append(ex)
    for i, ad in enumerate(read()):
        ex = kept[i] if keep and i < len(kept) and kept[i].id == ad.id else extract(ad)
        yield ad, ex, net.signals(ad, ex)
