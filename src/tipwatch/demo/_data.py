"""Load the generator's data files once (importlib.resources) and compile the templates.

A template sentence like ``"Hi, I'm {name}, {age}. {~Call|Text} me {phone}"`` becomes a tuple
of parts: plain strings, ``(CHOICE, options)`` and ``(SLOT, name, platform)``; ``platform`` is
the messenger named right before a phone slot ("WhatsApp {phone}"), which the truth must carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["CHOICE", "LANGS", "SLOT", "City", "Template", "data", "pick", "templates"]

LANGS = ("en", "es", "fr", "pt", "ru", "ro", "de", "it")
CHOICE = 0
SLOT = 1
_TOKEN = re.compile(r"\{(~[^{}]{1,200}|[a-z0-9_]{1,40})\}")
_MESSENGER_BEFORE = re.compile(r"(whatsapp|telegram|viber|signal)\W{0,3}$", re.IGNORECASE)
_KINDS = ("exploitation", "recruitment", "marriage", "benign_job", "benign_adult", "classified")


def pick(rng, seq):
    """``rng.choice(seq)`` at a fraction of the cost (one C call); deterministic for a seed."""
    return seq[int(rng.random() * len(seq))]


@dataclass(slots=True, frozen=True)
class City:
    name: str  # English / GeoNames form (ad "city" field, truth)
    local: str  # as written in ad text
    country: str
    slug: str


@dataclass(slots=True, frozen=True)
class Template:
    """One template family: the same ad in every language (``text[lang] = (titles, body)``)."""

    id: str
    kind: str
    voice: str
    people: int
    text: dict[str, tuple[tuple[tuple, ...], tuple[tuple, ...]]]
    slots: frozenset[str]


def _read(name: str) -> Any:
    path = resources.files("tipwatch.demo").joinpath("data")
    for part in name.split("/"):
        path = path.joinpath(part)
    with path.open("r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _compile(text: str, where: str, slots: set[str]) -> tuple:
    parts: list = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        tok = m.group(1)
        if tok.startswith("~"):
            parts.append((CHOICE, tuple(tok[1:].split("|"))))
        else:
            platform = None
            if tok == "phone" and parts and isinstance(parts[-1], str):
                mm = _MESSENGER_BEFORE.search(parts[-1])
                platform = mm.group(1).lower() if mm else None
            parts.append((SLOT, tok, platform))
            slots.add(tok)
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    if any(isinstance(p, str) and ("{" in p or "}" in p) for p in parts):
        raise ValueError(f"demo template {where}: unbalanced '{{' or '}}'; write slots as {{name}}")
    return tuple(parts)


def _family(raw: dict, kind: str, where: str) -> Template:
    slots: set[str] = set()
    text = {}
    for lang in LANGS:
        entry = raw.get(lang)
        if not entry:
            raise ValueError(
                f"demo template {raw.get('id')} ({where}): no '{lang}' text; every template needs {LANGS}"
            )
        titles = tuple(_compile(t, f"{raw['id']}/{lang}/title", slots) for t in entry["title"])
        body = tuple(_compile(s, f"{raw['id']}/{lang}/body", slots) for s in entry["body"])
        text[lang] = (titles, body)
    people = int(raw.get("people", 2 if slots & {"name2", "age2"} else 1))
    return Template(raw["id"], kind, raw.get("voice", "first"), people, text, frozenset(slots))


@cache
def templates() -> dict[str, tuple[Template, ...]]:
    """Template families per kind, compiled; loaded once per process."""
    out: dict[str, list[Template]] = {k: [] for k in _KINDS}
    for kind in ("exploitation", "recruitment", "marriage"):
        for raw in _read(f"templates/{kind}.yaml"):
            out[kind].append(_family(raw, kind, f"templates/{kind}.yaml"))
    for kind, fams in _read("templates/benign.yaml").items():
        for raw in fams:
            out[kind].append(_family(raw, kind, "templates/benign.yaml"))
    ids = [t.id for fams in out.values() for t in fams]
    if len(ids) != len(set(ids)):
        raise ValueError("demo templates: duplicate template ids; each family needs its own tpl-NNNN")
    return {k: tuple(v) for k, v in out.items()}


def _slug(name: str, translit: dict[str, str]) -> str:
    import unicodedata

    s = "".join(translit.get(c, c) for c in name.lower())
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


@cache
def data() -> dict[str, Any]:
    """All lexicon, phrase, name and place data, with cities turned into :class:`City` records."""
    d: dict[str, Any] = {}
    d.update(_read("lexicon.yaml"))
    d.update(_read("phrases.yaml"))
    d["names"] = _read("names.yaml")
    places = _read("places.yaml")
    translit = {k: (v or "") for k, v in d["translit"].items()}
    d["translit"] = translit
    countries = {}
    for code, c in places["countries"].items():
        cities = []
        for entry in c["cities"]:
            name, local = (entry, entry) if isinstance(entry, str) else (entry["name"], entry["local"])
            cities.append(City(name, local, code, _slug(name, translit)))
        countries[code] = dict(c, cities=tuple(cities))
    d["countries"] = countries
    d["op_profiles"] = places["op_profiles"]
    d["sites"] = places["sites"]
    return d
