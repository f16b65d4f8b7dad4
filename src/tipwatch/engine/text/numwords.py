"""Number words in ten languages, from ``tipwatch/data/lexicons/numbers.yaml``.

    >>> number_words("es")["siete"]
    7
    >>> words_to_int(["twenty", "one"]), words_to_int(["douăzeci", "și", "unu"])
    (21, 21)
    >>> words_to_int(["vingt", "et", "un"]), words_to_int(["двадцать", "один"]), words_to_int(["veintiuno"])
    (21, 21, 21)

The phone extractor reads digits spelled as words ("for80 2sixseven"); the age extractor reads
ages written in words. The lexicon is loaded once per process.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources
from typing import Any

import yaml

__all__ = ["LANGUAGES", "number_lexicon", "number_words", "words_to_int"]

_PATH = "lexicons/numbers.yaml"
_SECTIONS = ("words", "ambiguous", "joiners", "phone_context", "messengers")


@functools.cache
def number_lexicon() -> dict[str, dict[str, Any]]:
    """The parsed lexicon: ``{lang: {"words": {...}, "ambiguous": [...], "joiners": [...],
    "phone_context": [...], "messengers": {platform: [...]}}}`` (cached: do not modify)."""
    text = resources.files("tipwatch.data").joinpath(_PATH).read_text("utf-8")
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: faster
    except yaml.YAMLError as exc:
        raise ValueError(f"tipwatch/data/{_PATH} is not valid YAML ({exc}); fix the file") from exc
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ValueError(f"tipwatch/data/{_PATH}: expected a mapping of language codes at the top")
    out: dict[str, dict[str, Any]] = {}
    for lang, section in data.items():
        if not isinstance(section, dict) or not isinstance(section.get("words"), dict):
            problems.append(f"{lang}: needs a 'words' mapping")
            continue
        words: dict[str, int] = {}
        for word, value in section["words"].items():
            if not isinstance(word, str) or not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{lang}.words: {word!r} must map a string to an integer")
                continue
            words[word.lower()] = value
        entry: dict[str, Any] = {"words": words}
        for key in ("ambiguous", "joiners", "phone_context"):
            items = section.get(key) or []
            if not all(isinstance(w, str) for w in items):
                problems.append(f"{lang}.{key}: must be a list of strings (quote yes/no/null)")
            entry[key] = [str(w).lower() for w in items]
        entry["messengers"] = {
            str(p): [str(w).lower() for w in ws] for p, ws in (section.get("messengers") or {}).items()
        }
        unknown = set(section) - set(_SECTIONS)
        if unknown:
            problems.append(f"{lang}: unknown keys {sorted(unknown)} (valid: {', '.join(_SECTIONS)})")
        out[str(lang)] = entry
    if problems:
        raise ValueError(f"tipwatch/data/{_PATH}: " + "; ".join(problems))
    return out


LANGUAGES: tuple[str, ...] = tuple(number_lexicon())


def _strip(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@functools.cache
def _words(lang: str | None) -> dict[str, int]:
    lex = number_lexicon()
    if lang is not None and lang not in lex:
        return {}
    merged: dict[str, int] = {}
    for code in (lang,) if lang is not None else LANGUAGES:
        for word, value in lex[code]["words"].items():
            merged.setdefault(word, value)  # earlier language wins: English "o" = 0, not Romanian 1
    for word, value in list(merged.items()):
        for variant in (word.replace("-", " "), _strip(word), word.replace("’", "'").replace("ʼ", "'")):
            merged.setdefault(variant, value)
    return merged


def number_words(lang: str | None = None) -> dict[str, int]:
    """``{word: value}`` for one language (``"en"``, ``"es"`` ...), or all merged when ``None``.

    Includes 0-9, 10-19, tens, compounds the language writes as one word (``veintiuno``) and
    100 / 1000; variants without diacritics and with spaces for hyphens are added. An unknown
    language gives ``{}``. The dict is cached: treat it as read-only.
    """
    return _words(lang)


@functools.cache
def _joiners() -> frozenset[str]:
    return frozenset(j for section in number_lexicon().values() for j in section["joiners"])


def _value(word: str, words: dict[str, int]) -> int | None:
    v = words.get(word)
    if v is None:
        v = words.get(_strip(word))
    if v is None and "und" in word[1:]:  # German "einundzwanzig": unit + und + tens
        unit, _, tens = word.partition("und")
        u, t = words.get(unit), words.get(tens)
        if u is not None and t is not None and 1 <= u <= 9 and t in (20, 30, 40, 50, 60, 70, 80, 90):
            v = t + u
    return v


def words_to_int(tokens: list[str]) -> int | None:
    """Read a number written in words in any lexicon language, or ``None``.

    ``["twenty", "one"]``, ``["veintiuno"]``, ``["двадцать", "один"]``, ``["douăzeci", "și", "unu"]``,
    ``["vingt", "et", "un"]``, ``["quatre-vingt-dix"]``, ``["one", "hundred", "five"]`` all read;
    a sequence that is not one number (``["one", "two"]``) gives ``None``. A single token of
    ASCII digits reads as its value.
    """
    if len(tokens) == 1 and tokens[0].isascii() and tokens[0].isdigit():
        return int(tokens[0])
    words = _words(None)
    parts = " ".join(tokens).lower().replace("-", " ").replace(",", " ").split()
    if not parts or len(parts) > 12:
        return None
    values: list[int] = []
    i = 0
    while i < len(parts):
        for n in (3, 2, 1):  # multi-word keys first: "quatre vingt dix", "dix sept"
            if i + n <= len(parts):
                v = _value(" ".join(parts[i : i + n]), words)
                if v is not None:
                    values.append(v)
                    i += n
                    break
        else:
            if parts[i] in _joiners() and values and 0 < i < len(parts) - 1:
                i += 1
                continue
            return None
    return _combine(values)


def _combine(values: list[int]) -> int | None:
    total = current = 0
    last: int | None = None  # the last value added to ``current``
    for v in values:
        if v == 1000:
            total += (current or 1) * 1000
            current, last = 0, None
        elif v == 100:
            if last is None:  # "hundred", "cien", "сто"
                current += 100
            elif 1 <= last <= 9 and current % 100 == last:  # "two hundred"
                current += last * 99
            else:
                return None
            last = 100
        elif last is None or last >= 100:
            current += v
            last = v
        elif last % 10 == 0 and last >= 20 and 1 <= v <= 9:  # twenty one
            current += v
            last = v
        elif last in (60, 80) and 10 <= v <= 19:  # soixante-dix, quatre-vingt-douze
            current += v
            last = v
        elif last == 10 and 7 <= v <= 9:  # dix sept
            current += v
            last = v
        elif last == 4 and v == 20:  # quatre vingt
            current += 76
            last = 80
        else:
            return None
    return total + current
