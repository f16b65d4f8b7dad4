"""The public "Check a job offer" service: assess pasted text, store nothing, explain in plain words.

    result = check_offer(text, lang="es")
    result.signs        # [WarningSign(id, name, why, advice, matched, weight)], strongest first
    result.html         # the text, escaped, with the matched words marked
    hotlines("es")      # ([country blocks for the language], [the rest], note)

Nothing here touches the database or a logger: the text lives only in this call's memory.
Plain-language names and reasons per language come from ``tipwatch/data/public/warning_signs.yaml``
(the catalogue's analyst sentence is the fallback); advice comes from the catalogue itself;
hotlines from ``tipwatch/data/public/hotlines.yaml``, which each deployment should verify and edit.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from importlib import resources
from types import SimpleNamespace
from typing import Any

import yaml
from django.conf import settings
from django.core.cache import cache

from tipwatch.engine import indicators as _indicators
from tipwatch.engine.types import ad_from_dict
from tipwatch.web.ads.highlight import highlight

__all__ = [
    "MAX_CHARS",
    "CheckResult",
    "WarningSign",
    "check_offer",
    "hotlines",
    "rate_limited",
    "warning_sign_texts",
]

MAX_CHARS = 20_000
# Checks allowed per client (IP hash) per window; overridable in settings.
RATE_LIMIT = 30
RATE_WINDOW_SECONDS = 600

_TEXTS: dict[str, Any] | None = None
_HOTLINES: dict[str, Any] | None = None


def _data(name: str) -> Any:
    path = resources.files("tipwatch").joinpath("data").joinpath("public").joinpath(name)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def warning_sign_texts() -> dict[str, Any]:
    """``{indicator_id: {"name": {lang: str}, "why": {lang: str}}}`` from warning_signs.yaml (cached)."""
    global _TEXTS
    if _TEXTS is None:
        _TEXTS = _data("warning_signs.yaml")["signs"]
    return _TEXTS


def _hotline_data() -> dict[str, Any]:
    global _HOTLINES
    if _HOTLINES is None:
        _HOTLINES = _data("hotlines.yaml")
    return _HOTLINES


def hotlines(lang: str) -> tuple[list[dict], list[dict], str]:
    """Hotline blocks for ``lang`` first (international, then its countries), the other countries
    after, and the file's "verify before deployment" note."""
    data = _hotline_data()
    countries = data["countries"]
    first_codes = ["INT", *data["by_language"].get(lang, data["by_language"].get("en", []))]
    first = [_block(c, countries[c]) for c in first_codes if c in countries]
    rest = [_block(c, countries[c]) for c in sorted(countries) if c not in first_codes]
    return first, rest, data["note"]


_HOTLINE_KEYS = ("name", "phone", "sms", "email", "url", "hours", "source")


def _block(code: str, block: dict) -> dict:
    # Every key present: a template lookup that fails is logged at DEBUG with the whole context.
    hotlines = [{k: str(h.get(k) or "") for k in _HOTLINE_KEYS} for h in block.get("hotlines", ())]
    return {"code": code, "name": block.get("name", code), "hotlines": hotlines}


# The pasted text and what was matched in it stay out of repr(): Django's template engine logs
# the context (reprs) at DEBUG level when a lookup fails, and the text must never reach a log.
@dataclass(frozen=True, slots=True)
class WarningSign:
    id: str
    name: str
    why: str
    advice: str
    matched: str = field(repr=False)
    weight: int = 0


@dataclass(frozen=True, slots=True)
class CheckResult:
    signs: list[WarningSign]
    html: str = field(repr=False)
    score: int = 0
    band: str = ""
    catalogue_version: str = ""


def _pick(texts: dict[str, str] | None, lang: str) -> str:
    if not texts:
        return ""
    return texts.get(lang) or texts.get("en") or ""


def check_offer(text: str, lang: str = "en") -> CheckResult:
    """Assess one pasted job offer with the public indicators only; nothing is stored or logged."""
    ad = ad_from_dict({"id": "check", "body": text[:MAX_CHARS]})
    result = _indicators.assess_ad(ad, kind="job_offer", public_only=True)
    texts = warning_sign_texts()
    signs: list[WarningSign] = []
    spans: list[SimpleNamespace] = []
    seen: set[str] = set()
    for fired in sorted(result.indicators, key=lambda f: (-f.weight, f.id)):
        if not fired.public:  # belt and braces: the page must never show an analyst-only indicator
            continue
        if fired.field == "body" and fired.start is not None and fired.end is not None:
            spans.append(SimpleNamespace(start=fired.start, end=fired.end, id=fired.id, name=fired.name))
        if fired.id in seen:
            continue
        seen.add(fired.id)
        own = texts.get(fired.id, {})
        signs.append(
            WarningSign(
                id=fired.id,
                name=_pick(own.get("name"), lang) or fired.name,
                why=_pick(own.get("why"), lang) or fired.explanation,
                advice=_pick(fired.advice, lang),
                matched=fired.matched or "",
                weight=int(fired.weight),
            )
        )
    html = highlight(ad.body, (), _no_url, indicators=spans)
    return CheckResult(
        signs=signs,
        html=html,
        score=int(result.score),
        band=str(result.band),
        catalogue_version=str(result.catalogue_version),
    )


def _no_url(_entity) -> str:  # pragma: no cover - no entity marks on the public page
    return "#"


def _client_key(ip: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"check\x1f{ip}".encode(), hashlib.sha256).hexdigest()
    return f"tipwatch:check:{digest[:40]}"


def rate_limited(ip: str) -> bool:
    """Count one check for this client; True when it is over the limit for the current window.

    In the cache (per process with the default in-memory cache), keyed by an HMAC of the IP
    address: neither the address nor the text is kept anywhere.
    """
    limit = int(getattr(settings, "TIPWATCH_CHECK_RATE_LIMIT", RATE_LIMIT))
    window = int(getattr(settings, "TIPWATCH_CHECK_RATE_WINDOW", RATE_WINDOW_SECONDS))
    key = _client_key(ip)
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit
