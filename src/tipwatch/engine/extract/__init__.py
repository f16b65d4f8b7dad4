"""Entity extraction: one module per entity type, registered here, run in order.

    >>> from tipwatch.engine import ad_from_dict
    >>> from tipwatch.engine.extract import extract_ad
    >>> result = extract_ad(ad_from_dict({"id": "1", "body": "call 0412 345 678", "country": "AU"}))
    >>> [(e.type, e.value) for e in result.entities]
    [('phone', '+61412345678')]

Each extractor is a function ``extract(ctx: ExtractContext) -> Iterable[Entity]``. They run in
the order of :data:`EXTRACTORS`; an extractor may *claim* the spans it found so that later
ones skip them (a crypto address is not a phone, a phone is not a price).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from tipwatch.engine.extract.context import ExtractContext, build_context, build_contexts
from tipwatch.engine.types import Ad, Entity

__all__ = ["EXTRACTORS", "ExtractContext", "ExtractResult", "extract_ad", "extract_ads", "extractor_names"]

Extractor = Callable[[ExtractContext], Iterable[Entity]]

# name -> "module:function". Order matters: earlier extractors claim spans first.
EXTRACTORS: dict[str, str] = {
    "url": "tipwatch.engine.extract.urls:extract",
    "email": "tipwatch.engine.extract.emails:extract",
    "payment": "tipwatch.engine.extract.payments:extract",
    "phone": "tipwatch.engine.extract.phones:extract",
    "handle": "tipwatch.engine.extract.handles:extract",
    "price": "tipwatch.engine.extract.prices:extract",
    "age": "tipwatch.engine.extract.ages:extract",
    "location": "tipwatch.engine.extract.locations:extract",
}

_loaded: dict[str, Extractor] = {}


def _load(name: str) -> Extractor | None:
    fn = _loaded.get(name)
    if fn is None:
        module_name, _, attr = EXTRACTORS[name].partition(":")
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:  # an extractor not written yet is simply absent
            if exc.name == module_name:
                return None
            raise
        fn = getattr(module, attr)
        _loaded[name] = fn
    return fn


def extractor_names() -> list[str]:
    return [name for name in EXTRACTORS if _load(name) is not None]


@dataclass(slots=True)
class ExtractResult:
    id: str
    language: str | None
    region: str | None
    entities: list[Entity] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "region": self.region,
            "entities": [e.to_dict() for e in self.entities],
        }


def extract_ad(ad: Ad, *, region: str | None = None, only: Iterable[str] | None = None) -> ExtractResult:
    """Run every registered extractor (or those named in ``only``) over one ad.

    ``region`` is the fallback ISO country for phone numbers written without a country
    code, used only when the ad itself (country field, URL, city, text) does not tell.
    """
    return _run(build_context(ad, fallback_region=region), _extractors(only))


def extract_ads(
    ads: list[Ad], *, region: str | None = None, only: Iterable[str] | None = None
) -> list[ExtractResult]:
    """:func:`extract_ad` for each ad, in order; faster per ad than one call each (the
    language model reads the batch in one pass), with the same results."""
    fns = _extractors(only)
    return [_run(ctx, fns) for ctx in build_contexts(ads, fallback_region=region)]


def _extractors(only: Iterable[str] | None) -> list[Extractor]:
    wanted = set(only) if only is not None else None
    fns = []
    for name in EXTRACTORS:
        if wanted is not None and name not in wanted:
            continue
        fn = _load(name)
        if fn is not None:
            fns.append(fn)
    return fns


def _order(e: Entity) -> tuple:
    return (e.field != "title", e.start, e.end, e.type)


def _run(ctx: ExtractContext, fns: list[Extractor]) -> ExtractResult:
    entities: list[Entity] = []
    for fn in fns:
        entities.extend(fn(ctx))
    if len(entities) < 2:  # nothing to order or to drop
        return ExtractResult(ctx.ad.id, ctx.language, ctx.region, entities)
    entities.sort(key=_order)  # stable, as sorted() is
    seen: set[tuple] = set()
    unique: list[Entity] = []
    for ent in entities:
        key = (ent.type, ent.value, ent.field, ent.start, ent.end)
        if key not in seen:
            seen.add(key)
            unique.append(ent)
    return ExtractResult(ctx.ad.id, ctx.language, ctx.region, unique)
