"""Email addresses, plain and obfuscated.

Value: ``"name@domain.tld"`` lower-cased. Obfuscated forms (``obfuscated=True``):
"name at gmail dot com", "name(at)mail[dot]ru", "name [at] yahoo [dot] fr",
"n a m e @ g m a i l . c o m", "name＠gmail．com", "name arroba gmail punto com",
"name собака mail точка ru". The words for "at" and "dot" live in
``data/lexicons/emails.yaml``. A bare spelled-out " at " with a plain "." ("meet me at
hotel.com") only counts for a known free-mail provider. Email spans are claimed.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator

from tipwatch.engine.extract._data import domains, fold, lexicon
from tipwatch.engine.extract._gazetteer import MAX_TEXT, tokens
from tipwatch.engine.types import Entity

__all__ = ["extract", "find_emails"]

_LOCAL = r"[\w+\-](?:[\w.+\-]{0,63})"
_MAX_SEPARATORS = 500  # per field; bounds hostile input ("(at)" * 10**5)
_MAX_ANCHORS = 2000  # "@" signs looked at per field
_LABEL = r"[^\W_][\w\-]{0,62}"
_DOT_RE = re.compile(r"[.．]")  # compiled once: re.split(pattern, ...) looks it up per call
# plain: look-behind forbids starting inside a local part, so "a" * 10**6 + "@" is linear
_PLAIN_RE = re.compile(
    rf"(?<![\w.+\-@])(?P<local>{_LOCAL})\s{{0,1}}[@＠]\s{{0,1}}(?P<domain>{_LABEL}(?:[.．]{_LABEL}){{1,6}})",
)
# letters spaced out one by one: "n a m e @ g m a i l . c o m"
_SPACED_RE = re.compile(
    r"(?<![\w.])(?<![\w.] )(?P<local>(?:[\w.+\-] ){1,63}[\w.+\-]) ?[@＠] ?"
    r"(?P<domain>(?:[\w\-] ){0,62}[\w\-](?: ?[.．] ?(?:[\w\-] ){0,62}[\w\-]){1,4})(?![\w.])"
)


@functools.cache
def _obfuscated_re() -> re.Pattern[str]:
    lex = lexicon("emails")
    at_words = "|".join(sorted((re.escape(w) for w in lex["at_words"]), key=len, reverse=True))
    dot_words = "|".join(sorted((re.escape(w) for w in lex["dot_words"]), key=len, reverse=True))
    open_, close = r"[(\[{<]", r"[)\]}>]"
    at_sep = (
        rf"(?:\s{{0,2}}{open_}\s{{0,2}}(?:{at_words}|@)\s{{0,2}}{close}\s{{0,2}}"  # (at) [at] {@}
        rf"|\s{{1,3}}(?P<bare_at>{at_words})\s{{1,3}}"  # " at "
        rf"|\s{{0,3}}[@＠]\s{{0,3}})"
    )
    dot_sep = (
        rf"(?:\s{{0,2}}{open_}\s{{0,2}}(?:{dot_words}|\.)\s{{0,2}}{close}\s{{0,2}}"
        rf"|\s{{1,3}}(?:{dot_words})\s{{1,3}}"
        r"|\s{0,2}[.．]\s{0,2})"
    )
    return re.compile(
        rf"(?<![\w.+\-@])(?P<local>{_LOCAL}){at_sep}(?P<domain>{_LABEL}(?:{dot_sep}{_LABEL}){{1,4}})(?![\w@])",
        re.IGNORECASE,
    )


_OPEN = frozenset("([{<")


@functools.cache
def _bracket_at_re() -> re.Pattern[str]:
    # the bracketed "@" of _obfuscated_re from its opening bracket on (same words, same flags)
    at_words = "|".join(sorted((re.escape(w) for w in lexicon("emails")["at_words"]), key=len, reverse=True))
    return re.compile(rf"[(\[{{<]\s{{0,2}}(?:{at_words}|@)\s{{0,2}}[)\]}}>]", re.IGNORECASE)


@functools.cache
def _dot_split_re() -> re.Pattern[str]:
    dot_words = "|".join(
        sorted((re.escape(w) for w in lexicon("emails")["dot_words"]), key=len, reverse=True)
    )
    return re.compile(
        rf"\s*[(\[{{<]\s*(?:{dot_words}|\.)\s*[)\]}}>]\s*|\s+(?:{dot_words})\s+|\s*[.．]\s*", re.I
    )


def _valid(local: str, labels: list[str]) -> bool:
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    if labels[-1] not in domains()["tlds"]:
        return False
    return all(lab and not lab.startswith("-") and not lab.endswith("-") for lab in labels)


def _trim_domain(labels: list[str]) -> list[str] | None:
    # "jane@site.com.Call me" -> drop labels after the last one that is a TLD
    tlds = domains()["tlds"]
    for i in range(len(labels), 1, -1):
        if labels[i - 1] in tlds:
            return labels[:i]
    return None


def find_emails(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Yield ``(start, end, value, obfuscated)`` for each email in ``text`` (non-overlapping)."""
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    has_at = "@" in text or "＠" in text
    if has_at:
        for m in _anchored(_PLAIN_RE, text, _AT_RE):
            local = m.group("local")
            labels = _trim_domain(_DOT_RE.split(m.group("domain").lower()))
            if labels is None or not _valid(local.lower(), labels):
                continue
            end = m.start("domain") + len(".".join(labels))
            raw = text[m.start() : end]
            value = f"{local.lower()}@{'.'.join(labels)}"
            taken.append((m.start(), end))
            yield m.start(), end, value, raw.lower() != value
    if has_at:
        for m in _anchored(_SPACED_RE, text, _AT_RE, spaced=True):
            if not free(m.start(), m.end()):
                continue
            local = m.group("local").replace(" ", "").lower()
            labels = _DOT_RE.split(m.group("domain").replace(" ", "").lower())
            if len(local) < 2 or not _valid(local, labels):
                continue
            taken.append((m.start(), m.end()))
            yield m.start(), m.end(), f"{local}@{'.'.join(labels)}", True
    seps = _separators(text)
    if not seps:
        return
    providers = domains()["email_providers"]
    # a bracket starts an obfuscated "@" only as "(at)", "[@]"...: the local part ends right
    # before it (or one space before), so a match must read that shape there; other brackets
    # ("(18)", "(943)") are left out before the costlier walk back and match
    bracket_at = _bracket_at_re().match
    seps = [p for p in seps if text[p] not in _OPEN or bracket_at(text, p) is not None]
    for m in _anchored(_obfuscated_re(), text, None, starts=seps):
        if not free(m.start(), m.end()):
            continue
        local = m.group("local").lower()
        parts = [p.lower() for p in _dot_split_re().split(m.group("domain"))]
        labels = _trim_domain(parts)
        if labels is None or not _valid(local, labels):
            continue
        dom_raw = m.group("domain")
        bare_at = m.group("bare_at")
        if bare_at and not _bare_at_ok(bare_at.lower(), local, dom_raw, labels[0] in providers):
            continue
        # find where the kept labels end in the raw domain
        end = m.end()
        if len(labels) < len(parts):
            pos, dom_start = 0, m.start("domain")
            for lab in labels:
                pos = dom_raw.lower().index(lab, pos) + len(lab)
            end = dom_start + pos
        taken.append((m.start(), end))
        yield m.start(), end, f"{local}@{'.'.join(labels)}", True


_AT_RE = re.compile(r"[@＠]")
_SPACE_RE = re.compile(r"\s")
_BRACKET_DOT = re.compile(r"[(\[{<]\s{0,2}[.．]\s{0,2}[)\]}>]")
_LETTER_RE = re.compile(r"[^\W\d_]")


@functools.cache
def _weak_at_words() -> frozenset[str]:
    return frozenset(str(w).lower() for w in lexicon("emails").get("weak_at_words") or ())


def _bare_at_ok(word: str, local: str, dom_raw: str, provider: bool) -> bool:
    """Whether "name <at-word> domain" written with a bare word is an email address.

    "meet me at hotel.com" and "650 la noche. No" are prose: a bare "at" needs a mail
    provider or a spelled-out "dot"; a word that is common in some language ("la" is Romanian
    for "at", and an article in French, Spanish and Italian) needs that and a name with a letter.
    """
    if len(local) < 3:
        return False  # "me at", "is at": too short to be a mailbox name written out
    dom_raw = _BRACKET_DOT.sub(" dot ", dom_raw)  # "[.]" and "(.)" are as deliberate as "dot"
    dot_word = not ("." in dom_raw or "．" in dom_raw)  # the labels are joined by "dot" words only
    if not dot_word and _SPACE_RE.search(dom_raw) and not provider:
        return False  # "noche. No": a sentence ends there
    if word in _weak_at_words():
        return (dot_word or provider) and _LETTER_RE.search(local) is not None
    return dot_word or provider


_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-")


def _local_start(text: str, at: int, spaced: bool = False) -> int:
    """Where the local part before offset ``at`` begins (walking back at most 64 characters
    over name characters, or 130 over single spaced-out characters)."""
    j = at
    if j and text[j - 1] == " ":
        j -= 1
    floor = max(0, j - (130 if spaced else 64))
    while j > floor:
        ch = text[j - 1]
        if ch in _LOCAL_CHARS or ch.isalnum() or (spaced and ch == " "):
            j -= 1
        else:
            break
    return j


def _anchored(
    pattern: re.Pattern[str],
    text: str,
    anchor: re.Pattern[str] | None,
    *,
    spaced: bool = False,
    starts: list[int] | None = None,
) -> Iterator[re.Match[str]]:
    """Run ``pattern`` only around anchors ("@" or an "at" separator) instead of at every
    position: find where the local part would start, then try the match from there."""
    if starts is None:
        starts = [m.start() for m in itertools.islice(anchor.finditer(text), _MAX_ANCHORS)]  # type: ignore[union-attr]
    last_end = 0
    for pos in starts:
        if pos < last_end:
            continue
        if spaced and not _may_end_spaced(text, pos):
            continue  # "jane@": no spaced-out local part, so no walk back and no match
        begin = _local_start(text, pos, spaced)
        # try the earliest plausible start first, then later ones (a shorter local part)
        for s in _starts(text, begin, pos, spaced):
            m = pattern.match(text, s)
            if m is not None and m.end() > pos:
                last_end = m.end()
                yield m
                break


def _may_end_spaced(text: str, pos: int) -> bool:
    """Whether a spaced-out local part ("n a m e") can end right before the "@" at ``pos``:
    it ends "e @" or " e@" (single characters between single spaces), so the character two
    before the "@" (or, after a space, three before) is a space."""
    return (pos >= 2 and text[pos - 2] == " ") or (pos >= 3 and text[pos - 1] == " " and text[pos - 3] == " ")


def _starts(text: str, begin: int, pos: int, spaced: bool) -> Iterator[int]:
    yield begin
    if spaced:
        return
    # "write:jane@x.com" or "(jane@x.com": a local part never starts on punctuation
    for k in range(begin + 1, pos):
        if text[k - 1] in ".+-_" and k - begin <= 2:
            yield k


@functools.cache
def _sep_words() -> tuple[str, ...]:
    return tuple(sorted({str(w).lower() for w in lexicon("emails")["at_words"]}, key=len, reverse=True))


@functools.cache
def _separator_re() -> re.Pattern[str]:
    # a bracket or "@", or the space before a spelled-out "at" word (the look-ahead keeps
    # overlapping hits: " at at " gives both spaces). Written as one class first, then the
    # look-ahead only for a space, so the regex engine jumps between candidate characters
    # instead of trying two alternatives at every position
    words = "|".join(re.escape(w) for w in _sep_words())
    return re.compile(rf"[ (\[{{<@＠](?:(?<! )|(?=(?:{words}) ))")


_BRACKET_OR_AT_RE = re.compile(r"[(\[{<@＠]")


@functools.cache
def _at_first_words() -> frozenset[str] | None:
    """The first letter run of every "at" word, folded like the shared word tokens (None when
    an "at" word starts with no letter: then the words cannot tell)."""
    runs = [re.match(r"[^\W\d_]+", w) for w in _sep_words()]
    if not all(runs):
        return None
    return frozenset(r.group() if r.group().isascii() else fold(r.group()) for r in runs if r)


def _separators(text: str) -> list[int]:
    """Offsets where an obfuscated "@" may stand: brackets, "@", or a spelled-out "at" word.
    Found in one scan (cheap) so the obfuscation pattern runs only there."""
    at_first = _at_first_words()
    if at_first is not None and len(text) <= MAX_TEXT:
        # the shared word tokens (built for handles and places anyway): an "at" word stands
        # between spaces, so its first letter run is a token of its own; with none of them
        # written only brackets and "@" remain, found by a scan for those characters alone
        # (lower case keeps them, and offsets when the lower-case text keeps its length)
        toks = tokens(text)
        if toks.lowered and at_first.isdisjoint(toks.words):
            if not ("(" in text or "@" in text or "[" in text or "{" in text or "<" in text or "＠" in text):
                return []  # most ads: a few C-level character searches, no regex scan at all
            return [m.start() for m in itertools.islice(_BRACKET_OR_AT_RE.finditer(text), _MAX_SEPARATORS)]
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer ("İ"): keep offsets
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return [m.start() for m in itertools.islice(_separator_re().finditer(low), _MAX_SEPARATORS)]


def extract(ctx) -> Iterable[Entity]:
    """Email entities (claimed) from every field of ``ctx``; URL spans are skipped."""
    for fld in ctx.fields:
        for start, end, value, obf in find_emails(fld.text):
            if ctx.is_claimed(fld.name, start, end, ("url",)):
                continue
            if not obf and fld.text is not fld.original:
                # normalisation folded fullwidth "＠" / "．" and homoglyphs ("а" in Cyrillic):
                # whether the ad disguised the address is a question about what it wrote
                ostart, oend = fld.norm.span(start, end)
                obf = fld.original[ostart:oend].lower() != value
            yield ctx.entity("email", value, fld, start, end, obfuscated=obf, claim=True)
