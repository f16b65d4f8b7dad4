"""Validation of the catalogue files: JSON Schema first, then semantic checks.

Every check *collects* problems (one string each, naming file:line, the indicator or lexicon and
the fix); the loader raises one :class:`CatalogueError` with all of them.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import string
from collections.abc import Iterable
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator

__all__ = ["CatalogueError", "check", "read_yaml", "schema"]

# libyaml's safe loader parses the catalogue about ten times faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(ValueError):
    """The catalogue is invalid. ``problems`` lists every problem found, one line each."""

    code = "catalogue.invalid"

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"indicator catalogue is invalid ({n} problem{'s' if n != 1 else ''}):"
        super().__init__("\n  ".join([head, *self.problems]))


@functools.cache
def schema() -> dict[str, Any]:
    """The parsed ``indicator-catalogue.schema.json`` (cached)."""
    node = (
        resources.files("tipwatch")
        .joinpath("data")
        .joinpath("schemas")
        .joinpath("indicator-catalogue.schema.json")
    )
    return json.loads(node.read_text(encoding="utf-8"))


@functools.cache
def _validator(part: str) -> Draft202012Validator:
    full = schema()
    return Draft202012Validator({"$ref": f"#/$defs/{part}", "$defs": full["$defs"]})


def read_yaml(entry: Any, label: str, problems: list[str]) -> Any:
    """Parse a YAML file; a syntax error becomes a problem (with its line) and ``None``."""
    try:
        return yaml.load(entry.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark is not None else label
        problems.append(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax")
        return None


def _line_of(text: str, indicator_id: str) -> int | None:
    m = re.search(rf"^\s*-\s*id:\s*['\"]?{re.escape(indicator_id)}['\"]?\s*$", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _schema_problems(part: str, data: Any, where: Any) -> list[str]:
    """Schema errors of ``data`` against ``$defs/part``; ``where(path)`` names the place."""
    out = []
    for err in sorted(_validator(part).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(err.absolute_path)
        field = ".".join(str(p) for p in path) or "(top level)"
        out.append(f"{where(path)}: {field}: {err.message}; see indicator-catalogue.schema.json $defs/{part}")
    return out


def _hint(name: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"


def check(
    head_label: str, head: Any, files: list[tuple[str, str, Any]], lexicon_files: list[tuple[str, str, Any]]
) -> list[str]:
    """All problems of a catalogue: schema of every file, then cross-file semantic checks."""
    problems: list[str] = []
    if head is not None:
        problems += _schema_problems("head", head, lambda path: head_label)
    head = head if isinstance(head, dict) else {}

    def as_dict(key: str) -> dict:
        value = head.get(key)
        return value if isinstance(value, dict) else {}

    languages, sources, signals = as_dict("languages"), as_dict("sources"), as_dict("signals")
    forms, categories = as_dict("forms"), as_dict("categories")
    wr = as_dict("weight_range")
    wmin, wmax = wr.get("min", 1), wr.get("max", 25)
    advice_langs = head.get("advice_languages") if isinstance(head.get("advice_languages"), list) else []
    for lang in advice_langs:
        if lang not in languages:
            problems.append(f"{head_label}: advice_languages: {lang!r} is not in languages; add it there")
    problems += _check_bands(head_label, head.get("bands"))

    # Lexicons.
    lexicons: dict[str, dict] = {}
    for label, stem, data in lexicon_files:
        if data is None:
            continue
        found = _schema_problems("lexicon", data, lambda path, label=label: label)
        problems += found
        if not isinstance(data, dict):
            continue
        name = data.get("name", stem)
        if name != stem:
            problems.append(f"{label}: lexicon name {name!r} differs from the file name; name it {stem!r}")
        lexicons[stem] = data
        for key in data.get("sources", []) or []:
            if key not in sources:
                problems.append(
                    f"{label}: lexicon {stem!r}: unknown source {key!r}; add it to sources in {head_label} ({_hint(key, sources)})"
                )
        problems += _check_phrases(label, f"lexicon {stem!r}", "terms", data.get("terms"), languages)

    # Indicators: schema per file, then semantics per indicator.
    seen: dict[str, str] = {}
    raw_by_id: dict[str, dict] = {}
    entries: list[tuple[str, dict]] = []
    for label, text, data in files:
        if data is None:
            continue

        def where(path: list, label: str = label, text: str = text, data: Any = data) -> str:
            if len(path) >= 2 and path[0] == "indicators" and isinstance(path[1], int):
                item = data["indicators"][path[1]]
                ident = item.get("id") if isinstance(item, dict) else None
                line = _line_of(text, ident) if isinstance(ident, str) else None
                loc = f"{label}:{line}" if line else label
                return f"{loc}: indicator {ident!r}" if ident else f"{loc}: indicator #{path[1] + 1}"
            return label

        problems += _schema_problems("indicator_file", data, where)
        items = data.get("indicators") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            ident = item["id"]
            line = _line_of(text, ident)
            loc = f"{label}:{line}" if line else label
            if ident in seen:
                problems.append(
                    f"{loc}: indicator {ident!r}: duplicate id, also defined at {seen[ident]}; give each indicator a unique id"
                )
                continue
            seen[ident] = loc
            raw_by_id[ident] = item
            entries.append((loc, item))

    for loc, item in entries:
        problems += _check_indicator(
            loc,
            item,
            languages,
            sources,
            signals,
            forms,
            categories,
            lexicons,
            raw_by_id,
            advice_langs,
            (wmin, wmax),
            head_label,
        )
    return problems


def _check_bands(label: str, bands: Any) -> list[str]:
    if not isinstance(bands, list) or not all(isinstance(b, dict) for b in bands):
        return []
    try:
        ordered = sorted(bands, key=lambda b: b["min"])
        expected = 0
        out = []
        for b in ordered:
            if b["min"] != expected or b["max"] < b["min"]:
                out.append(
                    f"{label}: bands: band {b['name']!r} starts at {b['min']}, expected {expected}; bands must cover 0-100 without gaps or overlaps"
                )
            expected = b["max"] + 1
        if expected != 101:
            out.append(f"{label}: bands: the last band ends at {expected - 1}; bands must end at 100")
        return out
    except (KeyError, TypeError):
        return []  # the schema already reported the malformed band


def _check_phrases(label: str, owner: str, field: str, phrases: Any, languages: dict) -> list[str]:
    out = []
    if not isinstance(phrases, dict):
        return out
    for lang, items in phrases.items():
        if lang not in languages:
            out.append(
                f"{label}: {owner}: {field}: unknown language {lang!r}; add it to languages in catalogue.yaml ({_hint(str(lang), languages)})"
            )
        if not isinstance(items, list):
            continue
        seen = set()
        for phrase in items:
            if not isinstance(phrase, str):
                continue
            if phrase != phrase.strip() or "  " in phrase:
                out.append(
                    f"{label}: {owner}: {field}.{lang}: {phrase!r} has extra spaces; write single spaces, none at the ends"
                )
            if phrase != phrase.lower():
                out.append(
                    f"{label}: {owner}: {field}.{lang}: {phrase!r} is not lower-case; write it lower-case (matching ignores case)"
                )
            if phrase in seen:
                out.append(
                    f"{label}: {owner}: {field}.{lang}: {phrase!r} is listed twice; remove the duplicate"
                )
            seen.add(phrase)
    return out


def _placeholders(text: str) -> list[str] | None:
    try:
        return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return None


def _check_indicator(
    loc: str,
    item: dict,
    languages: dict,
    sources: dict,
    signals: dict,
    forms: dict,
    categories: dict,
    lexicons: dict,
    raw_by_id: dict,
    advice_langs: list,
    weights: tuple[int, int],
    head_label: str,
) -> list[str]:
    ident = item["id"]
    at = f"{loc}: indicator {ident!r}"
    out: list[str] = []
    weight = item.get("weight")
    # Weights outside the schema's 1..25 are already reported by the schema; this catches a
    # narrower weight_range set in catalogue.yaml.
    if isinstance(weight, int) and 1 <= weight <= 25 and not weights[0] <= weight <= weights[1]:
        out.append(
            f"{at}: weight {weight} is outside {weights[0]}..{weights[1]}; set a weight in that range (weight_range in {head_label})"
        )
    for form in item.get("forms", []) if isinstance(item.get("forms"), list) else []:
        if isinstance(form, str) and form not in forms:
            out.append(
                f"{at}: unknown form {form!r}; use one of forms in {head_label} ({_hint(form, forms)})"
            )
    category = item.get("category")
    if isinstance(category, str) and category not in categories:
        out.append(
            f"{at}: unknown category {category!r}; use one of categories in {head_label} ({_hint(category, categories)})"
        )
    for ref in item.get("sources", []) if isinstance(item.get("sources"), list) else []:
        key = ref.get("key") if isinstance(ref, dict) else None
        if isinstance(key, str) and key not in sources:
            out.append(
                f"{at}: unknown source {key!r}; add it to sources in {head_label} ({_hint(key, sources)})"
            )
    computed = item.get("computed")
    if isinstance(computed, str) and computed not in signals:
        out.append(
            f"{at}: unknown computed signal {computed!r}; declare it under signals in {head_label} ({_hint(computed, signals)})"
        )
    for name in item.get("lexicons", []) if isinstance(item.get("lexicons"), list) else []:
        if isinstance(name, str) and name not in lexicons:
            out.append(
                f"{at}: lexicons: unknown lexicon {name!r}; add lexicons/indicators/{name}.yaml or fix the name ({_hint(name, lexicons)})"
            )
    for rule in ("all_of", "any_of"):
        refs = item.get(rule)
        for ref in refs if isinstance(refs, list) else []:
            if not isinstance(ref, str):
                continue
            kind, _, name = ref.partition(":")
            if kind == "lexicon" and name not in lexicons:
                out.append(
                    f"{at}: {rule}: unknown lexicon {name!r}; add lexicons/indicators/{name}.yaml or fix the reference ({_hint(name, lexicons)})"
                )
            elif kind == "indicator" and name == ident:
                out.append(f"{at}: {rule}: refers to itself; reference another indicator or a lexicon")
            elif kind == "indicator" and name not in raw_by_id:
                out.append(
                    f"{at}: {rule}: unknown indicator {name!r}; fix the reference ({_hint(name, raw_by_id)})"
                )
            elif kind == "indicator" and not raw_by_id[name].get("patterns"):
                out.append(
                    f"{at}: {rule}: indicator {name!r} has no patterns to match; reference a lexicon instead"
                )
    out += _check_phrases(loc, f"indicator {ident!r}", "patterns", item.get("patterns"), languages)
    advice = item.get("advice")
    if isinstance(advice, dict):
        for lang in advice:
            if lang not in languages:
                out.append(
                    f"{at}: advice: unknown language {lang!r}; add it to languages in {head_label} ({_hint(str(lang), languages)})"
                )
    if item.get("public") is True:
        missing = [lang for lang in advice_langs if not (isinstance(advice, dict) and advice.get(lang))]
        if missing:
            out.append(
                f"{at}: public indicator without advice in {', '.join(missing)}; write the advice sentence in each"
            )
    explanation = item.get("explanation")
    if isinstance(explanation, str):
        names = _placeholders(explanation)
        if names is None or any(n != "matched" for n in names):
            out.append(
                f"{at}: explanation: only the placeholder {{matched}} is allowed; escape other braces as {{{{ }}}}"
            )
    floor = item.get("min_score")
    # The schema bounds min_score to 0..100; a floor at or below the indicator's own weight can
    # never raise a score (the noisy-OR of fired weights is at least each weight), so it is a
    # mistake rather than a policy.
    if (
        isinstance(floor, int)
        and not isinstance(floor, bool)
        and isinstance(weight, int)
        and 0 <= floor <= weight
    ):
        out.append(
            f"{at}: min_score {floor} is not above its weight {weight}, so it never changes a score; "
            "raise it to the band the indicator must reach (e.g. the high band's min) or remove it"
        )
    if not any(item.get(k) for k in ("patterns", "lexicons", "computed", "all_of", "any_of")):
        out.append(f"{at}: nothing to match; give it patterns, lexicons, all_of/any_of or a computed signal")
    return out
