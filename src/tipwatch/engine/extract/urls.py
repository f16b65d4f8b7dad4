"""URLs: "https://Site.com/x", "www.site.ru/profile/7" and bare domains like "jane-vip.com".

Value: the URL with a scheme ("http://" added when missing), the host lower-cased and no
trailing "/" when the path is empty; ``domain`` is the host without "www.". A bare domain
counts only when its TLD is in ``data/lexicons/domains.yaml`` (so "hello.world" is not a
URL), and TLDs that double as words ("call.me", "do.it") need more evidence. URL spans are
claimed so later extractors (handles, phones, prices) skip them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from tipwatch.engine.extract._data import domains
from tipwatch.engine.types import Entity

__all__ = ["extract", "find_urls", "normalise_url"]

# Labels are bounded and the look-behind forbids starting inside a word, a dotted run or a
# path, so hostile input ("a" * 10**6, "a." * 10**6) costs one short attempt per position.
_URL_RE = re.compile(
    r"(?<![\w@.\-/:])"
    r"(?P<scheme>https?://)?"
    r"(?P<host>(?:[^\W_][\w-]{0,62}\.){1,8}(?P<tld>[^\W\d_]{2,24}))"
    r"(?P<port>:\d{2,5})?"
    r"(?![\w@-])"
    r"(?P<path>[/?#][^\s<>\"'`{}|\\^\[\]]{0,2000})?",
    re.IGNORECASE,
)
# candidate TLDs: a dot followed by letters; the host is then found by walking back from it,
# so the costly pattern only runs where a URL can be
_DOT_TLD_RE = re.compile(r"\.([^\W\d_]{2,24})(?![\w@-])")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
# an email written with a spelled-out "at" right before the domain: "jane at gmail.com"
_AT_BEFORE = re.compile(r"(?:@|\bat|\(at\)|\[at\]|\barroba|\bсобака|\barobase)\s{0,3}$", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"»…"


def normalise_url(scheme: str | None, host: str, port: str | None, path: str | None) -> str:
    """Canonical form: scheme (http:// by default), lower-case host, no bare trailing "/"."""
    scheme = (scheme or "http://").lower()
    path = path or ""
    if path == "/":
        path = ""
    return f"{scheme}{host.lower()}{port or ''}{path}"


def _strip_path(path: str) -> str:
    # trailing punctuation belongs to the sentence; a ")" stays when the path opened one
    while path and path[-1] in _TRAILING:
        if path[-1] == ")" and path.count("(") >= path.count(")"):
            break
        path = path[:-1]
    return path


def find_urls(text: str) -> Iterator[tuple[int, int, str, str]]:
    """Yield ``(start, end, value, domain)`` for each URL in ``text``."""
    if "." not in text:
        return
    d = domains()
    tlds, ambiguous = d["tlds"], d["ambiguous_tld"]
    last_end = 0
    for dot in _DOT_TLD_RE.finditer(text):
        if dot.start() < last_end or dot.group(1).lower() not in tlds:
            continue
        j = dot.start()
        floor = max(last_end, j - 260)  # a host name has at most 253 characters
        while j > floor and (text[j - 1] in _HOST_CHARS or text[j - 1].isalnum()):
            j -= 1
        if text.endswith("://", 0, j):
            k = j - 3
            while k > floor and text[k - 1].isalpha():
                k -= 1
            j = k
        m = _URL_RE.match(text, j)
        if m is None:
            last_end = dot.start()  # later candidates need not walk back over this stretch again
            continue
        tld = m.group("tld").lower()
        if tld not in tlds:
            continue
        host = m.group("host")
        scheme = m.group("scheme")
        path = _strip_path(m.group("path") or "")
        low_host = host.lower()
        has_www = low_host.startswith("www.")
        if not scheme:
            labels = low_host.split(".")
            name = labels[-2]
            if tld in ambiguous and not (has_www or path or any(c.isdigit() or c == "-" for c in name)):
                if ".".join(labels[-2:]) not in d["site_country"]:
                    continue
            if not path and _AT_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "jane at gmail.com": the email extractor's
            if len(labels) == 2 and len(name) == 1 and not path:
                continue  # "a.m", "e.g": abbreviations, not domains
        start = m.start()
        # without a path the match ends after the host (and port); a path lost its punctuation
        end = m.start("path") + len(path) if m.group("path") is not None else m.end()
        last_end = end
        value = normalise_url(scheme, host, m.group("port"), path)
        yield start, end, value, low_host[4:] if has_www else low_host


def extract(ctx) -> Iterable[Entity]:
    """URL entities (claimed) from every field of ``ctx``."""
    for fld in ctx.fields:
        for start, end, value, domain in find_urls(fld.text):
            yield ctx.entity("url", value, fld, start, end, claim=True, domain=domain)
