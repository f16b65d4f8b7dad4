"""Where an ad is from (ISO 3166 alpha-2), so phones without a country code can be read.

In order, the first that answers wins:

1. ``ad.country`` when set (costs nothing: the common case for scraped ads);
2. the ad URL's country-code TLD (".co.uk" -> GB, ".ru" -> RU, ".com.br" -> BR) or a known site
   ("craigslist.org" -> US), then URLs written in the text, as the URL extractor reads them
   (so "Hi.My name is" and "see it.it" are not Malaysian or Italian domains);
3. ``ad.city`` in the gazetteer, then a city named in the text (the most populous match whose
   name is not shared by a comparably big city elsewhere);
4. an international calling code in the text ("+44 ...");
5. ``fallback``.

Generic-use ccTLDs (.io, .co, .me, .tv ...) say nothing about a country and are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tipwatch.engine.extract._data import domains

__all__ = ["country_from_host", "infer_region"]

_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.\-]{0,15}://)?(?:[^@/\s]{0,200}@)?([^/:?#\s]{1,253})", re.I)
_CALLING_RE = re.compile(r"(?<![\w+])\+\s?(\d{1,3})[\s\-.(]{0,2}\d")
_AMBIGUITY_RATIO = 0.5  # a name whose runner-up city elsewhere has >= half the people is ambiguous
_MAX_TEXT = 20_000


def country_from_host(host: str) -> str | None:
    """Country of a host name from its ccTLD, second-level suffix or a known site; else None."""
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    d = domains()
    labels = host.split(".")
    for n in (3, 2):  # "newyork.craigslist.org" -> "craigslist.org"
        if len(labels) >= n:
            site = ".".join(labels[-n:])
            if site in d["site_country"]:
                return d["site_country"][site]
    tld = labels[-1]
    country = d["cctld"].get(tld)
    return country if isinstance(country, str) else None


def _from_url(url: str | None) -> str | None:
    if not url:
        return None
    m = _HOST_RE.match(url.strip())
    return country_from_host(m.group(1)) if m else None


def _from_text_domains(text: str) -> str | None:
    # the URL extractor's own rules: "Hi.My name is ..." and "see it.it" are not domains
    if "." not in text:
        return None
    from tipwatch.engine.extract.urls import find_urls

    for _start, _end, _value, domain in find_urls(text):
        country = country_from_host(domain)
        if country:
            return country
    return None


def _best_country(results: Iterable[tuple[int, str] | None]) -> str | None:
    best = max((r for r in results if r), default=None)
    return best[1] if best else None


def _from_cities(text: str) -> tuple[int, str] | None:
    from tipwatch.engine.extract._gazetteer import gazetteer, name_key
    from tipwatch.engine.extract.locations import find_cities

    g = gazetteer()
    best: tuple[int, str] | None = None
    # the location extractor's context rules apply ("Nice girl" is not Nice)
    for start, end, top in find_cities(text, None):
        hit = g.lookup(name_key(text[start:end]))
        others = [c for c in hit[0] if c.country != top.country] if hit else []
        if others and others[0].population >= top.population * _AMBIGUITY_RATIO:
            continue  # "Valencia": ES or VE? ("London" is fine: GB 9M vs CA 0.4M)
        if best is None or top.population > best[0]:
            best = (top.population, top.country)
    return best


def _from_city_field(city: str | None) -> str | None:
    if not city:
        return None
    from tipwatch.engine.extract._gazetteer import gazetteer, name_key

    hit = gazetteer().lookup(name_key(city))
    return hit[0][0].country if hit else None


def _from_calling_code(text: str) -> str | None:
    if "+" not in text:
        return None
    import phonenumbers

    for m in _CALLING_RE.finditer(text):
        digits = m.group(1)
        for n in range(1, len(digits) + 1):
            regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:n]))
            if regions:
                region = regions[0]
                return region if region != "001" else None
    return None


def infer_region(ad: Any, fields: Iterable[Any] = (), fallback: str | None = None) -> str | None:
    """ISO alpha-2 region of ``ad`` (an :class:`~tipwatch.engine.types.Ad`); see the module doc.

    ``fields`` are the context's field texts (objects with ``.text``); when empty, the ad's
    title and body are used as they are.
    """
    country = getattr(ad, "country", None)
    if country:
        return country
    found = _from_url(getattr(ad, "url", None))
    if found:
        return found
    texts = (
        [f.text for f in fields]
        if fields
        else [getattr(ad, "title", "") or "", getattr(ad, "body", "") or ""]
    )
    text = "\n".join(t for t in texts if t)[:_MAX_TEXT]
    found = _from_text_domains(text) or _from_city_field(getattr(ad, "city", None))
    # city names field by field: the location extractor then reuses the cached tokens
    found = found or _best_country(_from_cities(t[:_MAX_TEXT]) for t in texts if t)
    if found:
        return found
    return _from_calling_code(text) or fallback
