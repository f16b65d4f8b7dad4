"""Generate ``docs/indicators.md`` from the catalogue (a stale doc is a bug; a test compares).

python -m tipwatch.engine.indicators.docs > docs/indicators.md
"""

from __future__ import annotations

import sys

from tipwatch.engine.indicators.catalogue import Catalogue, Indicator, load_catalogue

__all__ = ["main", "render"]

_APPLIES = {"job_offer": "job offers", "ad": "ads", "any": "job offers and ads"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _matching(cat: Catalogue, ind: Indicator) -> str:
    parts = []
    if ind.patterns:
        parts.append(f"own phrases in {len(ind.patterns)} languages")
    if ind.lexicons:
        parts.append("lexicons " + ", ".join(f"`{n}`" for n in ind.lexicons))
    if ind.all_of:
        parts.append("all of " + ", ".join(f"`{r}`" for r in ind.all_of))
    if ind.any_of:
        parts.append("any of " + ", ".join(f"`{r}`" for r in ind.any_of))
    if ind.computed:
        parts.append(f"computed signal `{ind.computed}`")
    langs = sorted(cat.coverage(ind))
    tail = f" (languages: {', '.join(langs)})" if langs else ""
    return "; ".join(parts) + tail


def _examples(cat: Catalogue, ind: Indicator) -> list[str]:
    phrases = cat.triggers(ind, "en")
    if not phrases and ind.all_of:
        phrases = [" + ".join(cat.reference_terms(r, "en")[0] for r in ind.all_of)]
    return phrases[:5]


def _indicator(cat: Catalogue, ind: Indicator) -> list[str]:
    forms = ", ".join(cat.forms[f]["name"] for f in ind.forms)
    lines = [
        f"### `{ind.id}`: {ind.name}",
        "",
        f"{ind.description}",
        "",
        f"- **Forms:** {forms}",
        f"- **Category:** {cat.categories[ind.category]['name']}; **applies to:** {_APPLIES[ind.applies_to]}; "
        f"**weight:** {ind.weight}; **public:** {'yes' if ind.public else 'no'}"
        + (f"; **floor:** {ind.min_score} (`min_score`)" if ind.min_score is not None else ""),
        f"- **Explanation:** {ind.explanation}",
        "- **Sources:** "
        + "; ".join(
            f"{cat.sources[s.key].title} ({cat.sources[s.key].year}) [`{s.key}`]: {s.ref}"
            for s in ind.sources
        ),
        f"- **Matches:** {_matching(cat, ind)}",
    ]
    examples = _examples(cat, ind)
    if examples:
        lines.append("- **Examples (en):** " + ", ".join(f"“{p}”" for p in examples))
    if ind.evidence:
        lines.append(f"- **Evidence:** {ind.evidence}")
    return [*lines, ""]


def _floor_lines(cat: Catalogue) -> list[str]:
    floored = [i for i in sorted(cat.indicators, key=lambda i: i.id) if i.min_score is not None]
    if not floored:
        return ["No indicator of this catalogue has a floor."]
    items = ", ".join(f"`{i.id}` ({i.min_score}, band {cat.band_for(i.min_score).name})" for i in floored)
    return [
        f"Floors in this catalogue: {items}.",
        "Each floored indicator's explanation says why its ads reach that band: a child cannot consent, so",
        "a stated age under 18 always goes to the high band for review, however little else the ad says.",
    ]


def render(cat: Catalogue | None = None) -> str:
    """The Markdown of ``docs/indicators.md`` for ``cat`` (default: the packaged catalogue)."""
    cat = cat or load_catalogue()
    by_category: dict[str, list[Indicator]] = {}
    for ind in sorted(cat.indicators, key=lambda i: i.id):
        by_category.setdefault(ind.category, []).append(ind)
    out = [
        "# Indicator catalogue",
        "",
        "<!-- Generated from src/tipwatch/data/indicators/ by "
        "`python -m tipwatch.engine.indicators.docs > docs/indicators.md`. Do not edit by hand. -->",
        "",
        f"Catalogue version **{cat.version}**, fingerprint `{cat.fingerprint}`.",
        f"{len(cat.indicators)} indicators, {len(cat.lexicons)} shared lexicons, "
        f"{len(cat.languages)} languages ({', '.join(cat.languages)}).",
        "",
        "Every automated flag carries the indicator id, the catalogue version, the matched span, the weight and",
        "the explanation below. Weights run from "
        f"{cat.weight_range[0]} to {cat.weight_range[1]} and follow the evidence: indicators that predicted",
        "trafficking in studies with known case outcomes weigh more, movement language weighs little.",
        "How to edit the catalogue, the versioning rule and the review process:",
        "`src/tipwatch/data/indicators/README.md`.",
        "",
        "## How an ad is scored",
        "",
        "An indicator fires when one of its triggers hits (an own phrase, a term of one of its lexicons,",
        "or its computed signal), every `all_of` reference matches and one `any_of` reference does. Phrases",
        "are matched in the ad's detected language and in English, with obfuscations folded (leetspeak,",
        "look-alike letters, spacing, accents). Each fired indicator counts once, with its weight `w`:",
        "",
        "    score = round(100 * (1 - prod(1 - w / 100)))",
        "",
        "(a noisy-OR: 0 with nothing fired, rising with every indicator, never above 100; two indicators",
        "of 16 give 29). The band follows from the score. Every flag shows its strongest evidence: the",
        "matched text and its span, or the entity behind a computed signal; network signals (contact",
        "reuse) have no span. The code: `src/tipwatch/engine/indicators/assess.py`.",
        "",
        "**Floors (`min_score`).** Some bright lines are policy, not evidence to be weighed against other",
        "evidence. An indicator with a `min_score` lifts the ad's score to at least that value when it fires:",
        "",
        "    score = max(noisy-OR, max min_score of the fired indicators)",
        "",
        *_floor_lines(cat),
        "",
        "## Score bands",
        "",
        "| band | score | meaning |",
        "|---|---|---|",
        *(f"| {b.name} | {b.min}-{b.max} | {_cell(b.description)} |" for b in cat.bands),
        "",
        "## Summary",
        "",
        "| id | name | category | weight | applies to | public |",
        "|---|---|---|---|---|---|",
    ]
    for category in cat.categories:
        for ind in by_category.get(category, []):
            out.append(
                f"| `{ind.id}` | {_cell(ind.name)} | {category} | {ind.weight} | {ind.applies_to} | "
                f"{'yes' if ind.public else 'no'} |"
            )
    out.append("")
    for category, meta in cat.categories.items():
        if category not in by_category:
            continue
        out += [f"## {meta['name']}", "", meta["description"], ""]
        for ind in by_category[category]:
            out += _indicator(cat, ind)
    out += ["## Computed signals", "", "| signal | meaning |", "|---|---|"]
    out += [f"| `{name}` | {_cell(text)} |" for name, text in cat.signals.items()]
    out += ["", "## Sources", ""]
    for key, src in cat.sources.items():
        line = f"- **`{key}`**: {src.citation}"
        if src.url:
            line += f" <{src.url}>"
        if src.note:
            line += f" *Note: {src.note}*"
        out.append(line)
    out += ["", "## Lexicons", "", "| lexicon | meaning | languages | terms |", "|---|---|---|---|"]
    for name, lex in sorted(cat.lexicons.items()):
        n = sum(len(v) for v in lex.terms.values())
        out.append(f"| `{name}` | {_cell(lex.description)} | {len(lex.terms)} | {n} |")
    return "\n".join(out) + "\n"


def main() -> int:
    """Write the generated Markdown to standard output (UTF-8)."""
    sys.stdout.buffer.write(render().encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
