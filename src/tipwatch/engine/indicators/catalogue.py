"""The indicator catalogue: versioned, sourced, weighted indicators loaded from data files.

The catalogue lives in ``tipwatch/data/indicators/`` (``catalogue.yaml`` plus one YAML file per
group of indicators) and references shared term lists in ``tipwatch/data/lexicons/indicators/``.
:func:`load_catalogue` reads it, validates it against
``tipwatch/data/schemas/indicator-catalogue.schema.json`` and a set of semantic checks, and
returns a :class:`Catalogue`:

    >>> from tipwatch.engine.indicators import load_catalogue
    >>> cat = load_catalogue()
    >>> ind = cat.indicator("recruit.visa_travel_paid")
    >>> ind.weight, ind.category
    (10, 'deceptive_recruitment')
    >>> "visa and tickets paid" in cat.triggers(ind, "en")
    True

How an indicator fires (the contract for the scorer):

* its *triggers* are the phrases of ``patterns[lang]``, the terms of every lexicon in
  ``lexicons`` (in the same language) and its ``computed`` signal; it needs one of them to hit,
  unless it has no triggers at all;
* every reference in ``all_of`` must match somewhere in the same ad, and at least one
  reference in ``any_of`` (when given). A reference is ``lexicon:NAME`` (any term of that
  lexicon) or ``indicator:ID`` (any phrase of that indicator's own patterns).

So ``all_of: [lexicon:no_experience, lexicon:high_pay, lexicon:abroad]`` alone means "no
experience AND high pay AND abroad in the same ad".
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tipwatch.engine.indicators import _checks
from tipwatch.engine.indicators._checks import CatalogueError

__all__ = [
    "Band",
    "Catalogue",
    "CatalogueError",
    "Indicator",
    "Lexicon",
    "Source",
    "SourceRef",
    "load_catalogue",
]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A citation of one source by an indicator: the registry ``key`` and where in it (``ref``)."""

    key: str
    ref: str


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the source registry in ``catalogue.yaml``."""

    key: str
    kind: str
    author: str
    title: str
    publisher: str
    year: int
    citation: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """A score band: scores from ``min`` to ``max`` (inclusive) are in it."""

    name: str
    min: int
    max: int
    description: str

    def contains(self, score: float) -> bool:
        return self.min <= score <= self.max


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A shared term list with phrases per language (``terms[lang]``)."""

    name: str
    description: str
    terms: dict[str, list[str]]
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: what it means, where it comes from, how much it weighs, how it matches.

    ``patterns`` maps a language code to lower-case phrases; ``lexicons`` names shared term lists
    whose terms count as phrases too; ``all_of`` / ``any_of`` are combination rules over
    ``lexicon:NAME`` / ``indicator:ID`` references; ``computed`` names a signal computed from
    extracted entities or the store. ``explanation`` is one plain sentence for analysts and may
    contain ``{matched}`` (see :meth:`explain`). ``min_score`` is a policy floor: when the
    indicator fires, the ad scores at least this much (``None``: no floor; a stated age under 18
    always reaches the high band). ``file`` is where it was defined (not content).
    """

    id: str
    name: str
    forms: list[str]
    category: str
    applies_to: str
    description: str
    sources: list[SourceRef]
    weight: int
    explanation: str
    patterns: dict[str, list[str]] = field(default_factory=dict)
    lexicons: list[str] = field(default_factory=list)
    all_of: list[str] = field(default_factory=list)
    any_of: list[str] = field(default_factory=list)
    computed: str | None = None
    evidence: str | None = None
    public: bool = False
    advice: dict[str, str] = field(default_factory=dict)
    min_score: int | None = None
    file: str = field(default="", compare=False)

    def explain(self, matched: str = "") -> str:
        """The explanation with ``{matched}`` filled in (quoted), or the bare sentence."""
        if "{matched}" not in self.explanation:
            return self.explanation
        if matched:
            return self.explanation.replace("{matched}", f'"{matched}"')
        # No matched text (a computed signal): drop the placeholder and its parentheses.
        return self.explanation.replace(" ({matched})", "").replace("{matched}", "").replace("  ", " ")

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON-ready form (empty optional fields left out; ``file`` excluded)."""
        d: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "forms": list(self.forms),
            "category": self.category,
            "applies_to": self.applies_to,
            "description": self.description,
            "sources": [{"key": s.key, "ref": s.ref} for s in self.sources],
            "weight": self.weight,
            "explanation": self.explanation,
        }
        optional = {
            "patterns": {k: list(v) for k, v in self.patterns.items()},
            "lexicons": list(self.lexicons),
            "all_of": list(self.all_of),
            "any_of": list(self.any_of),
            "computed": self.computed,
            "evidence": self.evidence,
            "public": self.public or None,
            "advice": dict(self.advice),
        }
        d.update({k: v for k, v in optional.items() if v})
        if self.min_score is not None:  # 0 is a value, not an absence
            d["min_score"] = self.min_score
        return d


@dataclass(frozen=True)
class Catalogue:
    """The loaded catalogue. Treat it as read-only: it is cached and shared.

    ``fingerprint`` is the SHA-256 of the canonical JSON of :meth:`to_dict`, so it changes with
    any change of content (and only then: comments and file layout do not count).
    """

    version: str
    indicators: list[Indicator]
    sources: dict[str, Source]
    bands: list[Band]
    lexicons: dict[str, Lexicon]
    languages: dict[str, str] = field(default_factory=dict)
    advice_languages: list[str] = field(default_factory=list)
    weight_range: tuple[int, int] = (1, 25)
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    categories: dict[str, dict[str, str]] = field(default_factory=dict)
    signals: dict[str, str] = field(default_factory=dict)

    @functools.cached_property
    def fingerprint(self) -> str:
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @functools.cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; ``KeyError`` naming the id otherwise."""
        try:
            return self._by_id[indicator_id]
        except KeyError:
            raise KeyError(f"no indicator {indicator_id!r} in catalogue {self.version}") from None

    def band_for(self, score: float) -> Band:
        """The band a 0-100 score falls in (scores are clamped to the bands' range)."""
        lo, hi = self.bands[0], self.bands[-1]
        score = min(max(score, lo.min), hi.max)
        for band in self.bands:
            if band.contains(score):
                return band
        # Bands are contiguous over integers; a fractional score between two bands goes up.
        return next(b for b in self.bands if b.min >= score)

    def reference_terms(self, reference: str, lang: str) -> list[str]:
        """Phrases in ``lang`` behind an ``all_of`` / ``any_of`` reference."""
        kind, _, name = reference.partition(":")
        if kind == "lexicon":
            return list(self.lexicons[name].terms.get(lang, ()))
        return list(self.indicator(name).patterns.get(lang, ()))

    def triggers(self, indicator: Indicator, lang: str) -> list[str]:
        """The indicator's own phrases in ``lang`` plus the terms of its lexicons, deduplicated."""
        out = list(indicator.patterns.get(lang, ()))
        for name in indicator.lexicons:
            out.extend(self.lexicons[name].terms.get(lang, ()))
        return list(dict.fromkeys(out))

    def coverage(self, indicator: Indicator) -> set[str]:
        """Languages in which the indicator can match through phrases (empty when only computed).

        Own patterns and trigger lexicons count per language; an indicator with no triggers is
        covered where every ``all_of`` reference (and some ``any_of`` reference) has terms.
        """
        langs = set(indicator.patterns)
        for name in indicator.lexicons:
            langs |= set(self.lexicons[name].terms)
        if langs or not (indicator.all_of or indicator.any_of):
            return langs
        combo = set(self.languages)
        for ref in indicator.all_of:
            combo &= {lang for lang in self.languages if self.reference_terms(ref, lang)}
        if indicator.any_of:
            combo &= {
                lang for ref in indicator.any_of for lang in self.languages if self.reference_terms(ref, lang)
            }
        return combo

    def to_dict(self) -> dict[str, Any]:
        """The assembled catalogue as JSON-ready data (valid against the top-level schema)."""
        return {
            "version": self.version,
            "languages": dict(self.languages),
            "advice_languages": list(self.advice_languages),
            "weight_range": {"min": self.weight_range[0], "max": self.weight_range[1]},
            "bands": [dataclasses.asdict(b) for b in self.bands],
            "forms": {k: dict(v) for k, v in self.forms.items()},
            "categories": {k: dict(v) for k, v in self.categories.items()},
            "signals": dict(self.signals),
            "sources": {
                key: {k: v for k, v in dataclasses.asdict(s).items() if k != "key" and v is not None}
                for key, s in self.sources.items()
            },
            "indicators": [ind.to_dict() for ind in sorted(self.indicators, key=lambda i: i.id)],
            "lexicons": {
                name: {
                    "name": lex.name,
                    "description": lex.description,
                    **({"sources": list(lex.sources)} if lex.sources else {}),
                    "terms": {k: list(v) for k, v in lex.terms.items()},
                }
                for name, lex in sorted(self.lexicons.items())
            },
        }


# ---------------------------------------------------------------------------------------------
# Loading

_DEFAULT: Catalogue | None = None


def load_catalogue(path: Path | None = None, lexicon_path: Path | None = None) -> Catalogue:
    """Load, validate and return the indicator catalogue.

    ``path`` is a folder holding ``catalogue.yaml`` and the indicator files; by default the
    packaged ``tipwatch/data/indicators`` (loaded once per process and cached). Lexicons are read
    from ``lexicon_path``, by default ``path/../lexicons/indicators`` (the packaged layout).

    Raises :class:`CatalogueError` with *every* problem found (schema and semantic), each naming
    the file, the indicator and the fix.
    """
    global _DEFAULT
    if path is None and lexicon_path is None:
        if _DEFAULT is None:
            data = resources.files("tipwatch").joinpath("data")
            _DEFAULT = _load(
                data.joinpath("indicators"),
                data.joinpath("lexicons").joinpath("indicators"),
                "indicators",
                "lexicons/indicators",
            )
        return _DEFAULT
    if path is None:
        path = Path(str(resources.files("tipwatch").joinpath("data").joinpath("indicators")))
    path = Path(path)
    lex = Path(lexicon_path) if lexicon_path is not None else path.parent / "lexicons" / "indicators"
    return _load(path, lex, path.name, f"{lex.parent.name}/{lex.name}")


def _yaml_files(folder: Any) -> list[Any]:
    try:
        entries = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted((e for e in entries if e.name.endswith(".yaml") and e.is_file()), key=lambda e: e.name)


def _load(ind_dir: Any, lex_dir: Any, ind_label: str, lex_label: str) -> Catalogue:
    problems: list[str] = []
    head_file = ind_dir.joinpath("catalogue.yaml")
    head_label = f"{ind_label}/catalogue.yaml"
    if not head_file.is_file():
        raise CatalogueError(
            [f"{head_label}: missing; a catalogue folder needs catalogue.yaml (see README.md)"]
        )
    head = _checks.read_yaml(head_file, head_label, problems)
    files = []
    for entry in _yaml_files(ind_dir):
        if entry.name != "catalogue.yaml":
            label = f"{ind_label}/{entry.name}"
            files.append(
                (label, entry.read_text(encoding="utf-8"), _checks.read_yaml(entry, label, problems))
            )
    lexicon_files = []
    for entry in _yaml_files(lex_dir):
        label = f"{lex_label}/{entry.name}"
        lexicon_files.append((label, entry.name[: -len(".yaml")], _checks.read_yaml(entry, label, problems)))

    problems += _checks.check(head_label, head, files, lexicon_files)
    if problems:
        raise CatalogueError(problems)
    return _build(head, files, lexicon_files)


def _build(
    head: dict, files: Iterable[tuple[str, str, Any]], lexicon_files: Iterable[tuple[str, str, Any]]
) -> Catalogue:
    indicators = []
    for label, _text, data in files:
        for raw in data["indicators"]:
            indicators.append(
                Indicator(
                    id=raw["id"],
                    name=raw["name"],
                    forms=list(raw["forms"]),
                    category=raw["category"],
                    applies_to=raw["applies_to"],
                    description=raw["description"],
                    sources=[SourceRef(s["key"], s["ref"]) for s in raw["sources"]],
                    weight=raw["weight"],
                    explanation=raw["explanation"],
                    patterns={k: list(v) for k, v in raw.get("patterns", {}).items()},
                    lexicons=list(raw.get("lexicons", ())),
                    all_of=list(raw.get("all_of", ())),
                    any_of=list(raw.get("any_of", ())),
                    computed=raw.get("computed"),
                    evidence=raw.get("evidence"),
                    public=bool(raw.get("public", False)),
                    advice=dict(raw.get("advice", {})),
                    min_score=raw.get("min_score"),
                    file=label,
                )
            )
    lexicons = {
        data["name"]: Lexicon(
            name=data["name"],
            description=data["description"],
            terms={k: list(v) for k, v in data["terms"].items()},
            sources=list(data.get("sources", ())),
        )
        for _label, _stem, data in lexicon_files
    }
    return Catalogue(
        version=head["version"],
        indicators=indicators,
        sources={key: Source(key=key, **value) for key, value in head["sources"].items()},
        bands=[Band(**b) for b in sorted(head["bands"], key=lambda b: b["min"])],
        lexicons=lexicons,
        languages=dict(head["languages"]),
        advice_languages=list(head["advice_languages"]),
        weight_range=(head["weight_range"]["min"], head["weight_range"]["max"]),
        forms={k: dict(v) for k, v in head["forms"].items()},
        categories={k: dict(v) for k, v in head["categories"].items()},
        signals=dict(head["signals"]),
    )
