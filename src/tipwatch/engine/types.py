"""Plain records shared by every layer: the input ad and an extracted entity.

The JSON shapes follow the contract in docs/architecture.md:

    ad:     {"id", "title"?, "body", "url"?, "country"?, "city"?, "lang"?, "posted_at"?, "images"?}
    entity: {"type", "value", "raw", "start", "end", "obfuscated", "field", ...attributes}

Entity spans index into the *original* text of the field they were found in
(``field`` is ``"body"`` or ``"title"``), so ``ad.body[start:end] == raw``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = ["Ad", "AdError", "Entity", "Rejected", "ad_from_dict", "content_hash"]

_AD_FIELDS = ("id", "title", "body", "url", "country", "city", "lang", "posted_at")
_KNOWN_KEYS = frozenset((*_AD_FIELDS, "images", "text"))  # everything else goes to ``extra``
MAX_FIELD_CHARS = 200_000  # longer fields are truncated (and flagged) so work stays bounded


class AdError(ValueError):
    """A record that cannot be read as an ad. ``code`` is stable, ``str()`` is for people."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass(slots=True, frozen=True)
class Rejected:
    """A record a reader could not turn into an ad: where, a stable code, and why.

    ``location`` is ``"path:line"`` (or ``"path#record"`` for WARC, the URL for the crawler).
    ``reason`` never quotes the record's content, which may hold personal data.
    """

    location: str
    code: str
    reason: str


@dataclass(slots=True)
class Ad:
    """One advertisement, job offer, post or page to analyse."""

    id: str
    body: str
    title: str = ""
    url: str | None = None
    country: str | None = None
    city: str | None = None
    lang: str | None = None
    posted_at: str | None = None
    images: list[str] = dataclasses.field(default_factory=list)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return content_hash(self.title, self.body)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "title": self.title, "body": self.body}
        for name in ("url", "country", "city", "lang", "posted_at"):
            value = getattr(self, name)
            if value is not None:
                d[name] = value
        if self.images:
            d["images"] = list(self.images)
        return d


@dataclass(slots=True)
class Entity:
    """Something pulled out of an ad: a phone, an email, a handle, a price ...

    ``value`` is normalised (phones in E.164, emails lower-cased, ages as digits);
    ``raw`` is the text exactly as it stood in the ad; ``attrs`` holds type-specific
    attributes (``platform`` for handles, ``currency`` and ``unit`` for prices ...).
    """

    type: str
    value: str
    raw: str
    start: int
    end: int
    obfuscated: bool = False
    field: str = "body"
    attrs: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "type": self.type,
            "value": self.value,
            "raw": self.raw,
            "start": self.start,
            "end": self.end,
            "obfuscated": self.obfuscated,
            "field": self.field,
        }
        if self.attrs:
            d.update(self.attrs)
        return d


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value


def content_hash(title: str, body: str) -> str:
    """SHA-256 of an ad's visible content: same words, same hash.

    NFC and collapsed white space, so a re-scraped copy with different line breaks
    is still recognised as the same content.
    """
    norm = " ".join(unicodedata.normalize("NFC", f"{title}\x1f{body}").split())
    return hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()


def ad_from_dict(data: Any, *, default_id: str | None = None) -> Ad:
    """Build an :class:`Ad` from a decoded JSON object, or raise :class:`AdError`.

    An ad with no ``id`` gets a stable one from its content hash (``default_id``
    overrides), so re-reading the same content yields the same id.
    """
    if not isinstance(data, dict):
        raise AdError(f"expected a JSON object, got {type(data).__name__}", "ad.not_object")
    body = data.get("body", data.get("text"))
    title = _text(data.get("title"))
    if body is None and not title:
        raise AdError("the record has no 'body' (nor 'title')", "ad.no_body")
    body = _text(body)
    extra: dict[str, Any] = {}
    if len(body) > MAX_FIELD_CHARS:
        body = body[:MAX_FIELD_CHARS]
        extra["truncated"] = True
    if len(title) > MAX_FIELD_CHARS:
        title = title[:MAX_FIELD_CHARS]
        extra["truncated"] = True
    ad_id = data.get("id")
    if ad_id is None or ad_id == "":
        ad_id = default_id or "h" + content_hash(title, body)[:20]
    images = data.get("images") or []
    if not isinstance(images, list):
        raise AdError("'images' must be a list of paths", "ad.bad_images")
    country = data.get("country")
    if country is not None:
        country = _text(country).strip().upper() or None
        if country is not None and (len(country) != 2 or not country.isalpha()):
            raise AdError(
                f"'country' must be an ISO 3166 alpha-2 code, got {country[:12]!r}", "ad.bad_country"
            )
    for key, value in data.items():
        if key not in _KNOWN_KEYS:
            extra[key] = value
    return Ad(
        id=_text(ad_id),
        title=title,
        body=body,
        url=_text(data.get("url")) or None,
        country=country,
        city=_text(data.get("city")) or None,
        lang=_text(data.get("lang")) or None,
        posted_at=_text(data.get("posted_at")) or None,
        images=[_text(p) for p in images],
        extra=extra,
    )
