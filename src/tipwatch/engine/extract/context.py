"""What every extractor sees: the ad, each field's normalised text, the region and language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tipwatch.engine.text import NormalisedText, normalise
from tipwatch.engine.types import Ad, Entity

__all__ = ["ExtractContext", "FieldText", "build_context"]


@dataclass(slots=True)
class FieldText:
    name: str  # "title" or "body"
    norm: NormalisedText

    @property
    def original(self) -> str:
        return self.norm.original

    @property
    def text(self) -> str:
        return self.norm.text


@dataclass(slots=True)
class ExtractContext:
    ad: Ad
    fields: list[FieldText]
    region: str | None
    language: str | None
    claimed: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    def entity(
        self,
        type: str,
        value: str,
        fld: FieldText,
        start: int,
        end: int,
        *,
        obfuscated: bool = False,
        claim: bool = False,
        **attrs: Any,
    ) -> Entity:
        """Make an entity from a span of ``fld.text`` (normalised), mapped back to the original."""
        ostart, oend = fld.norm.span(start, end)
        if claim:
            self.claim(fld.name, start, end, type)
        return Entity(
            type=type,
            value=value,
            raw=fld.original[ostart:oend],
            start=ostart,
            end=oend,
            obfuscated=obfuscated,
            field=fld.name,
            attrs=attrs,
        )

    def claim(self, field_name: str, start: int, end: int, type: str) -> None:
        """Reserve a span of normalised text so later extractors skip it."""
        self.claimed.setdefault(field_name, []).append((start, end, type))

    def is_claimed(self, field_name: str, start: int, end: int, types: tuple[str, ...] | None = None) -> bool:
        """True when [start, end) of normalised text overlaps a claimed span (of ``types``)."""
        for s, e, t in self.claimed.get(field_name, ()):
            if s < end and start < e and (types is None or t in types):
                return True
        return False


def build_context(ad: Ad, *, fallback_region: str | None = None) -> ExtractContext:
    """Normalise the ad's fields once and decide its region and language (see region.py and
    language.py); ``fallback_region`` is used only when the ad does not tell."""
    fields = []
    if ad.title:
        fields.append(FieldText("title", normalise(ad.title)))
    fields.append(FieldText("body", normalise(ad.body)))
    # region: the ad's country field decides at once (the common case, no call at all)
    region = ad.country or _infer_region(ad, fields, fallback=fallback_region)
    language = ad.lang or _detect_language(" ".join(f.text for f in fields))
    return ExtractContext(ad=ad, fields=fields, region=region, language=language)


def _infer_region(ad: Ad, fields: list[FieldText], fallback: str | None) -> str | None:
    from tipwatch.engine.extract.region import infer_region  # imported on first use (cycle)

    return infer_region(ad, fields, fallback=fallback)


def _detect_language(text: str) -> str | None:
    from tipwatch.engine.extract.language import detect_language  # numpy only when needed

    return detect_language(text)
