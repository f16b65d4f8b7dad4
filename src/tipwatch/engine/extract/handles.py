"""Messaging and social handles: "kik: jane", "my snap is jane", "add me on telegram @jane",
"t.me/jane_vip", "instagram.com/jane", "@jane_vip on insta", and a bare "@jane_vip".

Value: the user name lower-cased without "@"; ``platform`` is one of whatsapp, telegram,
wechat, snapchat, instagram, twitter, kik, line, signal, viber, onlyfans, skype, facebook, vk,
or "unknown" for a bare "@name" with no platform cue. Platform names, their aliases per
language and profile-URL hosts live in ``data/lexicons/platforms.yaml``.

Handles are never taken from inside an email, a payment or a phone; inside a URL only when the
URL is a profile URL. Digits after "whatsapp"/"viber" are the phone extractor's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from itertools import compress, count, islice
from typing import Any

from tipwatch.engine.extract._data import fold, lexicon
from tipwatch.engine.extract._gazetteer import tokens
from tipwatch.engine.extract._patterns import alternation
from tipwatch.engine.types import Entity

__all__ = ["PLATFORMS", "extract", "find_handles"]

PLATFORMS = (
    "whatsapp", "telegram", "wechat", "snapchat", "instagram", "twitter", "kik", "line", "signal",
    "viber", "onlyfans", "skype", "facebook", "vk",
)  # fmt: skip

_NAME = r"[^\W\d_][\w.\-]{1,31}"
# Patterns start with a literal "@" (the look-behind is checked by hand) so the regex engine can
# jump from "@" to "@" instead of trying every position.
_BARE_AT_RE = re.compile(r"@(?P<name>[A-Za-z][A-Za-z0-9_.]{2,29})(?![\w@\-])")
_NO_BEFORE = frozenset("@./+-_") | frozenset("0123456789")
_NO_SKIP = ("email", "payment", "phone")
_MAX_CANDIDATES = 300  # per field: an ad never names hundreds of handles; bounds hostile input
_OWNER = re.compile(r"(?:\b(?:my|mi|mon|ma|mein|meine|meu|minha|mio|mia|мой|моя|moj|mój))\s{1,2}$", re.I)
_IS_WORDS = frozenset({"is", "es", "est", "ist", "e", "è", "é", "это", "-", "–", "—"})


def _alt(words: Iterable[str]) -> str:
    # longest first so "whatsapp id" wins over "whatsapp" (as a trie: see _patterns); spaces
    # match any short white space
    return alternation(words)


@functools.cache
def _compiled() -> dict[str, Any]:
    lex = lexicon("platforms")
    alias_platform: dict[str, str] = {}
    weak: set[str] = set()
    hosts: dict[str, str] = {}
    for platform, spec in lex["platforms"].items():
        for a in spec.get("aliases") or ():
            alias_platform[" ".join(str(a).lower().split())] = platform
        for a in spec.get("weak") or ():
            key = " ".join(str(a).lower().split())
            alias_platform[key] = platform
            weak.add(key)
        for h in spec.get("profiles") or ():
            hosts[str(h).lower()] = platform
    conn_words = [str(c) for c in lex["connectors"] if any(ch.isalpha() for ch in str(c))]
    conn = rf"(?:\s{{0,3}}(?:(?:{_alt(conn_words)})(?![\w])|[:=\-–—]))"
    aliases = _alt(alias_platform)
    return {
        "alias_platform": alias_platform,
        # folded like the shared tokens (case and accents removed)
        "first_words": frozenset(fold(a.split()[0]) for a in alias_platform if a[0].isalpha()),
        "weak": frozenset(weak),
        "owned_ok": frozenset(str(a).lower() for a in lex.get("owned_ok") or ()),
        "hosts": hosts,
        "stop": frozenset(str(w).lower() for w in lex["name_stop"]),
        "reserved": frozenset(str(w).lower() for w in lex["reserved_paths"]),
        # anchored at a token that starts an alias (found by a cheap word scan)
        "cue": re.compile(
            rf"(?P<alias>{aliases})(?![\w])(?P<conn>{conn}{{0,3}})\s{{0,3}}(?P<at>@)?(?P<name>{_NAME})",
            re.IGNORECASE,
        ),
        "reverse": re.compile(
            rf"@(?P<name>{_NAME})\s{{0,2}}(?:[(\[\-–—]|\b(?:on|in|via|at|en|sur|na|pe|на|в|auf|su)\b)?"
            rf"\s{{0,2}}(?P<alias>{aliases})(?![\w])",
            re.IGNORECASE,
        ),
        # one scan for "is any profile host written at all?" before the per-host search: it
        # starts with the literal "/" (the regex engine jumps from "/" to "/"), then looks back
        # for a host; the same answer as searching for "host/" at every position, which tries
        # the whole alternation at every character
        "any_host": re.compile(
            "/(?:"
            + "|".join(f"(?<={re.escape(h + '/')})" for h in sorted(hosts, key=len, reverse=True))
            + ")"
        ),
        "profile_name": re.compile(r"/(?P<name>@?[A-Za-z0-9_][\w.\-]{0,39})"),
    }


def _clean(name: str) -> str:
    return name.lstrip("@").rstrip(".-").lower()


def _profiles(c: dict[str, Any], text: str) -> Iterator[tuple[int, int, str, str, str]]:
    low = text.lower()
    if c["any_host"].search(low) is None:
        return  # the common case: URLs, but none of a profile host
    for host, platform in c["hosts"].items():
        pos = low.find(host + "/")
        budget = _MAX_CANDIDATES
        while pos != -1 and budget:
            budget -= 1
            before = low[pos - 1] if pos else " "
            if not (before.isalnum() or before in "-_") or low.endswith(("www.", "m.", "//"), 0, pos):
                m = c["profile_name"].match(text, pos + len(host))
                if m:
                    name = _clean(m.group("name"))
                    if name and name not in c["reserved"] and not name.isdigit():
                        end = m.start("name") + len(m.group("name").rstrip(".-"))
                        yield pos, end, name, platform, "profile"
            pos = low.find(host + "/", pos + 1)


def _cues(c: dict[str, Any], text: str) -> Iterator[tuple[int, int, str, str, str]]:
    stop, first_words, cue = c["stop"], c["first_words"], c["cue"]
    toks = tokens(text)
    if first_words.isdisjoint(toks.words):
        return  # the common case: no platform named at all
    offs = toks.offs
    for j in islice(compress(count(), map(first_words.__contains__, toks.words)), _MAX_CANDIDATES):
        s = offs[2 * j]
        if s and text[s - 1] in _NO_BEFORE:
            continue
        m = cue.match(text, s)
        if m is None:
            continue
        alias = " ".join(m.group("alias").lower().split())
        platform = c["alias_platform"][alias]
        name = _clean(m.group("name"))
        if len(name) < 2 or name in stop:
            continue
        conn = m.group("conn")
        words = set(conn.lower().split())
        strong = bool(m.group("at")) or ":" in conn or "=" in conn or "id" in words
        handle_like = any(ch.isdigit() or ch in "_." for ch in name)
        if alias in c["weak"]:
            # "snap is fun" is not a handle; "my snap is jane22", "sc - jane22" are
            owned = alias in c["owned_ok"] and words & _IS_WORDS and _OWNER.search(text, max(0, s - 8), s)
            if not (strong or owned or (words & _IS_WORDS and handle_like)):
                continue
        elif not (strong or conn.strip()) and not handle_like:
            continue  # "telegram jane" with no connector: only when it looks like a user name
        start = m.start("at") if m.group("at") else m.start("name")
        yield start, m.start("name") + len(m.group("name").rstrip(".-")), name, platform, "cue"


def find_handles(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """Yield ``(start, end, value, platform, source)``; ``source`` is "profile" (from a profile
    URL, span = the URL), "cue", "reverse" or "bare" (span = the user name with its "@")."""
    c = _compiled()
    if "/" in text:
        yield from _profiles(c, text)
    yield from _cues(c, text)
    if "@" not in text:
        return
    stop = c["stop"]
    # hostile "@" floods: each "@" costs an alias alternation, so bound how many are tried
    reverse = c["reverse"].finditer(text, 0, len(text) if text.count("@") <= _MAX_CANDIDATES else 0)
    for n, m in enumerate(reverse):
        if n > _MAX_CANDIDATES:
            break
        if m.start() and text[m.start() - 1] in _NO_BEFORE or text[m.start() - 1 : m.start()].isalnum():
            continue
        name = _clean(m.group("name"))
        if name and name not in stop:
            alias = " ".join(m.group("alias").lower().split())
            end = m.start("name") + len(m.group("name").rstrip(".-"))
            yield m.start(), end, name, c["alias_platform"][alias], "reverse"
    for n, m in enumerate(_BARE_AT_RE.finditer(text)):
        if n > _MAX_CANDIDATES:
            break
        if m.start() and (text[m.start() - 1] in _NO_BEFORE or text[m.start() - 1].isalnum()):
            continue
        name = _clean(m.group("name"))
        if name not in stop and not name.isdigit():
            yield m.start(), m.start("name") + len(m.group("name").rstrip(".")), name, "unknown", "bare"


def extract(ctx) -> Iterable[Entity]:
    """Handle entities (claimed) from every field of ``ctx``."""
    for fld in ctx.fields:
        taken: list[tuple[int, int]] = []
        for start, end, value, platform, source in find_handles(fld.text):
            if any(s < end and start < e for s, e in taken):
                continue
            skip = _NO_SKIP if source == "profile" else (*_NO_SKIP, "url")
            if ctx.is_claimed(fld.name, start, end, skip):
                continue
            taken.append((start, end))
            yield ctx.entity("handle", value, fld, start, end, claim=True, platform=platform)
