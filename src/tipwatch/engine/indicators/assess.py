"""The risk assessment: fired indicators, each explained, combined into a 0-100 score and a band.

    >>> from tipwatch.engine import ad_from_dict
    >>> from tipwatch.engine.indicators import assess_ad
    >>> a = assess_ad(ad_from_dict({"id": "7", "body": "Visa and tickets paid, no experience needed"}))
    >>> a.band, [f.id for f in a.indicators][:1]
    ('low', ['recruit.no_skills_needed'])

**Score.** Each fired indicator counts once, with its catalogue weight ``w`` (1-25). The score is
the noisy-OR of the weights read as probabilities::

    score = round(100 * (1 - prod(1 - w_i / 100)))

so it is 0 with nothing fired, grows with every indicator (monotone), never exceeds 100 and
never double-counts: two indicators of 16 give 29, not 32; one of 25 alone gives 25.

**Floors.** Some bright lines are policy, not evidence to be weighed: an indicator with
``min_score`` lifts the score to at least that value when it fires, so
``score = max(noisy-OR, max min_score of the fired indicators)``. The catalogue sets the high
band's minimum on a stated age under 18 and on words naming a child or abuse material: such an
ad always reaches the high band for review, whatever else it says (its explanation says so).
The band is the catalogue's (``Catalogue.band_for``). Everything is deterministic: the same ad, signals
and catalogue give the same score, indicators and spans.

**Firing** follows the catalogue's rule (``tipwatch/data/indicators/README.md``): one trigger
(an own phrase, a term of one of its lexicons, or its computed signal) must hit, then every
``all_of`` reference and one ``any_of`` reference. Indicators apply to job offers
(``applies_to: job_offer``), to other ads (``ad``) or to both (``any``); ``kind=None`` detects
the kind from vocabulary: an ad hitting more references of job-offer indicators than of
ad indicators is a job offer.

**Matching.** One :class:`~tipwatch.engine.termmatch.TermMatcher` per catalogue fingerprint,
cached in this module, holds every phrase of every language keyed by ``(reference, language)``;
each ad's title and body are matched once (obfuscations folded: leetspeak, homoglyphs,
spacing). Hits count in the ad's detected language plus English (:data:`LANGUAGE_MODE`);
ads mix languages, but hits in every other language were measured to add false positives
(``bench/results/indicators.md``). The evidence shown for an indicator is its strongest hit:
exact before folded, title before body, then the first in the text. Spans index the
original field text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from tipwatch.engine.extract import ExtractResult, extract_ad
from tipwatch.engine.indicators.catalogue import Catalogue, Indicator, load_catalogue
from tipwatch.engine.indicators.signals import Evidence, compute_signals
from tipwatch.engine.termmatch import TermMatcher
from tipwatch.engine.types import Ad

__all__ = [
    "LANGUAGE_MODE",
    "Assessment",
    "FiredIndicator",
    "assess_ad",
    "assess_many",
    "combine",
    "detect_kind",
]

LANGUAGE_MODE = "detected"  # "detected": the ad's language + English; "all": every language
KINDS = ("job_offer", "ad")
_KIND_RANK = {"exact": 0, "folded": 1, "phonetic": 2, "fuzzy": 3}
_FIELD_RANK = {"title": 0, "body": 1}
_BATCH = 256
# Job-offer vocabulary that adult ads use as much as job offers ("model", "dancer", "young
# women", "send photos"): it does not tell the two kinds apart.
_SHARED_VOCABULARY = frozenset(
    {"lexicon:entertainment_jobs", "lexicon:looks_age", "lexicon:women_only", "lexicon:send_photos"}
)
# Price units that read as pay for a job (a salary) or as a price for time with a person.
_SALARY_UNITS = frozenset({"month", "year", "week"})
_SERVICE_UNITS = frozenset({"hour", "half_hour", "night"})


@dataclass(frozen=True, slots=True)
class FiredIndicator:
    """One indicator that fired, with the evidence an analyst sees highlighted.

    ``field``/``start``/``end``/``matched`` locate the strongest hit in the original field text;
    they are ``None`` for a signal with no span (a store fact such as contact reuse).
    """

    id: str
    name: str
    category: str
    weight: int
    explanation: str
    matched: str | None = None
    start: int | None = None
    end: int | None = None
    field: str | None = None
    public: bool = False
    advice: dict[str, str] = _field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The contract form: id, start, end, field, matched, weight, explanation, name, category."""
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "matched": self.matched,
            "weight": self.weight,
            "explanation": self.explanation,
            "name": self.name,
            "category": self.category,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The assessment of one ad: score 0-100, band, the catalogue it was made with, the evidence."""

    id: str
    score: int
    band: str
    catalogue_version: str
    catalogue_fingerprint: str
    indicators: list[FiredIndicator]
    kind: str = "ad"

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON (one line of ``tipwatch assess``)."""
        return {
            "id": self.id,
            "score": self.score,
            "band": self.band,
            "catalogue_version": self.catalogue_version,
            "indicators": [f.to_dict() for f in self.indicators],
        }


def combine(weights: Iterable[float]) -> int:
    """The score of fired weights: ``round(100 * (1 - prod(1 - w/100)))``, in 0..100."""
    keep = 1.0
    for w in weights:
        keep *= 1.0 - min(max(float(w), 0.0), 100.0) / 100.0
    return int(math.floor(100.0 * (1.0 - keep) + 0.5 + 1e-9))


# ---------------------------------------------------------------------------------------------
# The compiled catalogue: one matcher and the firing rules, cached per fingerprint


@dataclass(slots=True)
class _Rule:
    indicator: Indicator
    triggers: tuple[str, ...]  # references whose hit triggers it
    all_of: tuple[str, ...]
    any_of: tuple[str, ...]


class _Plan:
    def __init__(self, catalogue: Catalogue):
        terms: list[tuple[str, tuple[str, str]]] = []
        seen: set[tuple[str, str, str]] = set()

        def add(ref: str, lang: str, phrases: Iterable[str]) -> None:
            for p in phrases:
                if (ref, lang, p) not in seen and p.strip():
                    seen.add((ref, lang, p))
                    terms.append((p, (ref, lang)))

        self.rules: list[_Rule] = []
        self.floors = {ind.id: ind.min_score for ind in catalogue.indicators if ind.min_score is not None}
        for ind in catalogue.indicators:
            triggers = []
            if ind.patterns:
                triggers.append(f"indicator:{ind.id}")
            triggers += [f"lexicon:{name}" for name in ind.lexicons]
            self.rules.append(_Rule(ind, tuple(triggers), tuple(ind.all_of), tuple(ind.any_of)))
        refs = {r for rule in self.rules for r in (*rule.triggers, *rule.all_of, *rule.any_of)}
        for ref in sorted(refs):
            kind, _, name = ref.partition(":")
            source = (
                catalogue.indicator(name).patterns if kind == "indicator" else catalogue.lexicons[name].terms
            )
            for lang in sorted(source):
                add(ref, lang, source[lang])
        # Phonetic and edit-distance hits were measured to add false positives across ten
        # languages' everyday words ("deposit" ~ Romanian "depozit"); folding still undoes
        # leetspeak, homoglyphs, spacing and accents.
        self.matcher = TermMatcher(terms, phonetic=False, max_edits=0)
        self.languages = frozenset(catalogue.languages)
        job_refs: set[str] = set()
        ad_refs: set[str] = set()
        for rule in self.rules:
            own = set(rule.triggers) | set(rule.all_of)
            if rule.indicator.applies_to == "job_offer":
                job_refs |= own
            elif rule.indicator.applies_to == "ad":
                ad_refs |= own
        self.job_refs = frozenset(job_refs - ad_refs - _SHARED_VOCABULARY)
        self.ad_refs = frozenset(ad_refs - job_refs)


_PLANS: dict[str, _Plan] = {}


def _plan(catalogue: Catalogue) -> _Plan:
    plan = _PLANS.get(catalogue.fingerprint)
    if plan is None:
        if len(_PLANS) >= 4:  # a long-lived process that reloads catalogues keeps the last few
            _PLANS.pop(next(iter(_PLANS)))
        plan = _PLANS[catalogue.fingerprint] = _Plan(catalogue)
    return plan


# ---------------------------------------------------------------------------------------------
# Assessing

_Hit = tuple[int, int, int, int, str, str]  # kind rank, field rank, start, end, field, matched


def _hits(
    plan: _Plan, title: str, body: str, found: list[Any], langs: frozenset[str] | None
) -> dict[str, _Hit]:
    """Best hit per reference, from the matches of ``title + "\\n" + body``."""
    cut = len(title) + 1 if title else 0
    best: dict[str, _Hit] = {}
    for m in found:
        ref, lang = m.key
        if langs is not None and lang not in langs:
            continue
        if cut and m.start < cut:
            if m.end > cut - 1:
                continue  # spans the title/body seam: not a phrase of either
            hit = (_KIND_RANK.get(m.kind, 4), 0, m.start, m.end, "title", m.matched)
        else:
            hit = (_KIND_RANK.get(m.kind, 4), 1, m.start - cut, m.end - cut, "body", m.matched)
        cur = best.get(ref)
        if cur is None or hit < cur:
            best[ref] = hit
    return best


def detect_kind(
    hits: Mapping[str, Any], extraction: ExtractResult | None = None, plan: _Plan | None = None
) -> str:
    """``"job_offer"`` or ``"ad"``: which vocabulary the ad uses more.

    Job evidence: each hit reference of a job-offer indicator (job titles, pay, fees, visas...;
    not the vocabulary adult ads share, such as "model") and a salary (a price per month, week
    or year). Ad evidence: each hit reference of an ad indicator, a stated age and a price per
    hour or night. More job evidence makes a job offer (a monthly rent reads as a salary:
    pass ``kind`` when the source says what it is).
    """
    plan = plan or _plan(load_catalogue())
    jobs = sum(1 for ref in hits if ref in plan.job_refs)
    ads = sum(1 for ref in hits if ref in plan.ad_refs)
    if extraction is not None:
        units = {e.attrs.get("unit") for e in extraction.entities if e.type == "price"}
        jobs += bool(units & _SALARY_UNITS)
        ads += bool(units & _SERVICE_UNITS) + any(e.type == "age" for e in extraction.entities)
    return "job_offer" if jobs > ads else "ad"


def _evaluate(
    plan: _Plan,
    catalogue: Catalogue,
    ad: Ad,
    extraction: ExtractResult,
    hits: dict[str, _Hit],
    signals: Mapping[str, Any] | None,
    kind: str | None,
    public_only: bool,
) -> Assessment:
    if kind is None:
        kind = detect_kind(hits, extraction, plan)
    elif kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} or None (detect), got {kind!r}")
    computed = compute_signals(ad, extraction, signals, kind=kind)
    fired: list[FiredIndicator] = []
    for rule in plan.rules:
        ind = rule.indicator
        if ind.applies_to not in (kind, "any") or (public_only and not ind.public):
            continue
        if rule.all_of and not all(ref in hits for ref in rule.all_of):
            continue
        if rule.any_of and not any(ref in hits for ref in rule.any_of):
            continue
        trig = [hits[ref] for ref in rule.triggers if ref in hits]
        signal_on = ind.computed is not None and ind.computed in computed
        if (rule.triggers or ind.computed) and not trig and not signal_on:
            continue
        hit: _Hit | None = min(trig) if trig else None
        if hit is None and signal_on:
            ev = computed[ind.computed]  # type: ignore[index]
            if isinstance(ev, Evidence):
                hit = (0, _FIELD_RANK.get(ev.field, 1), ev.start, ev.end, ev.field, ev.matched)
        if hit is None:  # a pure combination: show its first reference's hit
            refs = [hits[ref] for ref in (*rule.all_of, *rule.any_of) if ref in hits]
            hit = min(refs, key=lambda h: (h[1], h[2])) if refs else None
        if hit is None:
            fired.append(
                FiredIndicator(
                    ind.id,
                    ind.name,
                    ind.category,
                    ind.weight,
                    ind.explain(""),
                    public=ind.public,
                    advice=dict(ind.advice),
                )
            )
        else:
            _, _, start, end, fld, matched = hit
            fired.append(
                FiredIndicator(
                    ind.id,
                    ind.name,
                    ind.category,
                    ind.weight,
                    ind.explain(matched),
                    matched,
                    start,
                    end,
                    fld,
                    ind.public,
                    dict(ind.advice),
                )
            )
    score = combine(f.weight for f in fired)
    # Policy floors (min_score): a bright line such as a stated age under 18 is not outweighed.
    floors = [plan.floors[f.id] for f in fired if f.id in plan.floors]
    if floors:
        score = max(score, *floors)
    return Assessment(
        id=ad.id,
        score=score,
        band=catalogue.band_for(score).name,
        catalogue_version=catalogue.version,
        catalogue_fingerprint=catalogue.fingerprint,
        indicators=fired,
        kind=kind,
    )


def _langs(plan: _Plan, extraction: ExtractResult, mode: str) -> frozenset[str] | None:
    if mode == "all" or not extraction.language or extraction.language not in plan.languages:
        return None
    return frozenset((extraction.language, "en"))


def assess_ad(
    ad: Ad,
    extraction: ExtractResult | None = None,
    *,
    signals: Mapping[str, Any] | None = None,
    catalogue: Catalogue | None = None,
    kind: str | None = None,
    public_only: bool = False,
) -> Assessment:
    """Assess one ad (see the module docstring for the score and the firing rule).

    ``extraction`` is computed when ``None``; ``signals`` holds store facts (``contact_ads``,
    ``contact_cities``, ``contact_names``, ``template_contacts``: the max over the ad's
    contacts); ``kind`` is ``"job_offer"``, ``"ad"`` or ``None`` (detect); ``public_only`` keeps
    the indicators marked public (the public check page).
    """
    return next(
        assess_many([(ad, extraction, signals)], catalogue=catalogue, kind=kind, public_only=public_only)
    )


def assess_many(
    items: Iterable[tuple[Ad, ExtractResult | None, Mapping[str, Any] | None]],
    *,
    catalogue: Catalogue | None = None,
    kind: str | None = None,
    public_only: bool = False,
    language_mode: str | None = None,
) -> Iterator[Assessment]:
    """Assess ``(ad, extraction or None, signals or None)`` triples in order; faster than a loop of
    :func:`assess_ad` (texts are matched in batches). ``language_mode`` overrides
    :data:`LANGUAGE_MODE` ("detected" or "all")."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    mode = language_mode or LANGUAGE_MODE
    if mode not in ("detected", "all"):
        raise ValueError(f"language_mode must be 'detected' or 'all', got {mode!r}")
    plan = _plan(catalogue)
    batch: list[tuple[Ad, ExtractResult, Mapping[str, Any] | None]] = []

    def flush() -> Iterator[Assessment]:
        texts = [f"{ad.title}\n{ad.body}" if ad.title else ad.body for ad, _, _ in batch]
        for (ad, ex, sig), found in zip(batch, plan.matcher.find_many(texts), strict=True):
            hits = _hits(plan, ad.title, ad.body, found, _langs(plan, ex, mode))
            yield _evaluate(plan, catalogue, ad, ex, hits, sig, kind, public_only)

    for ad, extraction, signals in items:
        batch.append((ad, extraction if extraction is not None else extract_ad(ad), signals))
        if len(batch) >= _BATCH:
            yield from flush()
            batch = []
    if batch:
        yield from flush()
