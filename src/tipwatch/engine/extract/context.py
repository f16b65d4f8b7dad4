"""What every extractor sees: the ad, each field's normalised text, the region and language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tipwatch.engine.text import NormalisedText, normalise
from tipwatch.engine.types import Ad, Entity

__all__ = ["ExtractContext", "FieldText", "build_context", "build_contexts"]


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
        norm = fld.norm
        ends = norm.ends
        if start < end and ends is not None:  # NormalisedText.span's own two look-ups, inline
            ostart, oend = norm.offsets[start], ends[end - 1]
        else:
            ostart, oend = norm.span(start, end)
        if claim:
            self.claimed.setdefault(fld.name, []).append((start, end, type))  # self.claim, inline
        # positional, in Entity's field order: type, value, raw, start, end, obfuscated, field, attrs
        return Entity(type, value, norm.original[ostart:oend], ostart, oend, obfuscated, fld.name, attrs)

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
    return build_contexts([ad], fallback_region=fallback_region)[0]


def build_contexts(ads: list[Ad], *, fallback_region: str | None = None) -> list[ExtractContext]:
    """:func:`build_context` for each ad; the language model reads the whole batch at once
    (it is much cheaper per text that way, and the answers are the same)."""
    out: list[ExtractContext] = []
    pending: list[int] = []  # ads whose language the text must tell
    texts: list[str] = []
    for ad in ads:
        body = normalise(ad.body)
        if ad.title:
            title = normalise(ad.title)
            fields = [FieldText("title", title), FieldText("body", body)]
            text = title.text + " " + body.text  # the fields' texts joined by a space
        else:
            fields = [FieldText("body", body)]
            text = body.text
        # region: the ad's country field decides at once (the common case, no call at all)
        region = ad.country or _infer_region(ad, fields, fallback=fallback_region)
        if not ad.lang:
            pending.append(len(out))
            texts.append(text)
        out.append(ExtractContext(ad, fields, region, ad.lang))
    if pending:
        for i, lang in zip(pending, _detect_languages(texts), strict=True):
            out[i].language = lang
    return out


def _infer_region(ad: Ad, fields: list[FieldText], fallback: str | None) -> str | None:
    from tipwatch.engine.extract.region import infer_region  # imported on first use (cycle)

    return infer_region(ad, fields, fallback=fallback)


def _detect_languages(texts: list[str]) -> list[str | None]:
    from tipwatch.engine.extract.language import detect_languages  # numpy only when needed

    return detect_languages(texts)
