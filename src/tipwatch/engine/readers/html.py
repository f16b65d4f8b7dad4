"""HTML pages: boilerplate stripped, main text kept with paragraph breaks, metadata read.

The same extractor serves files, directories of saved pages, WARC records and the crawler.
"""

from __future__ import annotations

import hashlib
import html as _html_lib
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tipwatch.engine.readers._common import clean_text, decode_bytes
from tipwatch.engine.types import Ad, AdError, Rejected, ad_from_dict

__all__ = ["MAX_HTML_BYTES", "decode_html", "html_files", "html_links", "html_to_ad", "page_id", "read_html"]

#: Bytes of a page read at most; the rest is cut (``ad.extra["truncated"] = True``).
MAX_HTML_BYTES = 20 * 1024 * 1024
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# Removed with their content: chrome around the ad, not the ad.
_BOILERPLATE = ["script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg"]
_PARAGRAPH = "\n\n"
# Break owed after a block element: 1 = new line, 2 = blank line (paragraph).
_BREAKS = {
    **dict.fromkeys(("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"), 2),
    **dict.fromkeys(("ul", "ol", "dl", "section", "article", "main", "figure", "hr", "address"), 2),
    **dict.fromkeys(("div", "li", "tr", "dt", "dd", "td", "th", "figcaption", "caption"), 1),
}
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Only the first 1024 bytes are searched, as the HTML standard does; the bounded repeats keep it linear.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s{0,5}=\s{0,5}["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
# lexbor's tree building is quadratic in nesting depth (100,000 nested <div> take ~25 s), so pages
# nested deeper than this are read by stripping the markup instead of parsing it.
MAX_DEPTH = 1500
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,30})")
_ANY_TAG = re.compile(r"<[^<>]{0,4096}>")
# Elements that never nest (void) or whose end tag is optional: they do not count towards depth.
_FLAT = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd td th tr option".split()
)
_HREF = re.compile(r"""<a\s[^<>]{0,2000}?href\s{0,5}=\s{0,5}["']?([^"'\s>]{1,2048})""", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def page_id(url: str | None, path: str | None) -> str | None:
    """Stable id of a page: ``"h" + sha256(url or path)[:20]`` (same page, same id).

    None when the page has neither: the ad then gets the id of its content hash.
    """
    key = url or path
    if not key:
        return None
    return "h" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def decode_html(data: bytes, charset: str | None = None) -> tuple[str, bool]:
    """Decode page bytes: BOM, then ``charset`` (from HTTP), then ``<meta charset>``, then UTF-8.

    Returns ``(text, repaired)``; ``repaired`` is true when invalid bytes were replaced.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return decode_bytes(data[len(bom) :], encoding)
    if not charset:
        match = _META_CHARSET.search(data[:1024])
        charset = match.group(1).decode("ascii") if match else None
    return decode_bytes(data, charset or "utf-8")


def _too_deep(html: str) -> bool:
    """Whether ``html`` nests more than :data:`MAX_DEPTH` elements (a linear scan of the tags)."""
    if html.count("<") < 2 * MAX_DEPTH:  # cheap prefilter: deep nesting needs that many tags
        return False
    depth = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _FLAT:
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > MAX_DEPTH:
                return True
    return False


def _flat_text(html: str) -> str:
    """Text of a pathological page without building a tree: tags out, entities decoded."""
    text = _html_lib.unescape(_ANY_TAG.sub("\n", html))
    lines = (_SPACES.sub(" ", line).strip() for line in clean_text(text).split("\n"))
    return "\n".join(line for line in lines if line)


def _collapse(text: str | None) -> str:
    return _SPACES.sub(" ", clean_text(text or "")).strip()


def _meta(tree: LexborHTMLParser, selector: str, attr: str) -> str | None:
    node = tree.css_first(selector)
    if node is None:
        return None
    value = _collapse(node.attributes.get(attr))
    return value or None


def _text_of(root: LexborNode) -> str:
    """Visible text of ``root`` with a line break per block and a blank line per paragraph."""
    parts: list[str] = []
    pending = 0  # strongest break owed before the next text: 0 none, 1 line, 2 paragraph
    root_id = root.mem_id
    node = root.child
    # Iterative walk with parent pointers: hostile pages nest thousands deep.
    while node is not None:
        tag = node.tag
        if tag == "-text":
            text = _SPACES.sub(" ", node.text_content or "")
            if text != " " or not pending:
                if pending and parts:
                    parts.append("\n" * pending)
                pending = 0
                parts.append(text)
        elif tag == "br":
            parts.append("\n")  # literal, so that <br><br> still makes a paragraph
        else:
            pending = max(pending, _BREAKS.get(tag, 0))
            child = node.child if tag != "-comment" else None
            if child is not None:
                node = child
                continue
        while True:
            nxt = node.next
            if nxt is not None:
                node = nxt
                break
            node = node.parent
            if node is None or node.mem_id == root_id:
                node = None
                break
            pending = max(pending, _BREAKS.get(node.tag, 0))
    text = clean_text("".join(parts))
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _main_nodes(tree: LexborHTMLParser) -> list[LexborNode]:
    main = tree.css_first("main")
    if main is not None:
        return [main]
    # Every outermost <article> (a listing page holds several ads); nested ones come with their parent.
    articles = [a for a in tree.css("article") if not _inside_article(a)]
    if articles:
        return articles
    return [tree.body] if tree.body is not None else []


def _inside_article(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "article":
            return True
        parent = parent.parent
    return False


def html_to_ad(
    html: str | bytes,
    *,
    url: str | None = None,
    path: str | None = None,
    charset: str | None = None,
    posted_at: str | None = None,
) -> Ad:
    """Turn one page into an :class:`Ad`, or raise :class:`AdError` (``html.empty``).

    ``url`` (e.g. a WARC target URI) wins over ``<link rel=canonical>`` and ``og:url``, which
    are kept in ``ad.extra["canonical_url"]`` when different; ``posted_at`` (e.g. a WARC date)
    is used when the page carries neither ``<time datetime>`` nor ``article:published_time``.

    >>> html_to_ad("<title>Hi</title><nav>menu</nav><p>Call me</p>", path="a.html").body
    'Call me'
    """
    extra: dict[str, object] = {}
    if isinstance(html, bytes):
        if len(html) > MAX_HTML_BYTES:
            html = html[:MAX_HTML_BYTES]
            extra["truncated"] = True
        html, repaired = decode_html(html, charset)
        if repaired:
            extra["encoding_repaired"] = True
    if _too_deep(html):
        body = _flat_text(html)
        if not body:
            raise AdError("the page has no visible text", "html.empty")
        extra["flattened"] = True
        ad = ad_from_dict({"id": page_id(url, path), "body": body, "url": url, "posted_at": posted_at})
        ad.extra.update(extra)
        return ad
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = _collapse(title_node.text() if title_node is not None else None)
    if not title:
        h1 = tree.css_first("h1")
        title = _collapse(h1.text() if h1 is not None else None)
    canonical = _meta(tree, 'link[rel="canonical"]', "href") or _meta(
        tree, 'meta[property="og:url"]', "content"
    )
    if canonical and url:
        canonical = urljoin(url, canonical)
    page_url = url or canonical
    if canonical and canonical != page_url:
        extra["canonical_url"] = canonical
    meta_published = _meta(tree, 'meta[property="article:published_time"]', "content")
    lang = tree.root.attributes.get("lang") if tree.root is not None else None
    tree.strip_tags(_BOILERPLATE)
    nodes = _main_nodes(tree)
    # <time> is looked for only in the kept content: a footer's date is not the ad's.
    time_node = next((t for t in (n.css_first("time[datetime]") for n in nodes) if t is not None), None)
    published = _collapse(time_node.attributes.get("datetime")) if time_node is not None else None
    published = published or meta_published or posted_at
    body = _PARAGRAPH.join(t for t in (_text_of(n) for n in nodes) if t)
    if not body and not title:
        raise AdError("the page has no visible text", "html.empty")
    data = {
        "id": page_id(page_url, path),
        "title": title,
        "body": body,
        "url": page_url,
        "lang": _collapse(lang)[:35] or None,
        "posted_at": (published or "")[:64] or None,
    }
    ad = ad_from_dict(data)
    ad.extra.update(extra)
    return ad


def html_links(html: str, base_url: str, limit: int = 5000) -> list[str]:
    """Absolute targets of the ``<a href>`` links of a page (``<base href>`` honoured), at most ``limit``."""
    if _too_deep(html):
        matches = islice(_HREF.finditer(html), limit)
        return [urljoin(base_url, _html_lib.unescape(m.group(1))) for m in matches]
    tree = LexborHTMLParser(html)
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base_url = urljoin(base_url, base_node.attributes.get("href") or "")
    return [urljoin(base_url, node.attributes.get("href") or "") for node in tree.css("a[href]")[:limit]]


def html_files(directory: Path) -> list[Path]:
    """HTML files under ``directory``, recursively, in a stable (sorted) order."""
    found = [p for p in directory.rglob("*") if p.suffix.lower() in HTML_SUFFIXES and p.is_file()]
    return sorted(found, key=lambda p: p.as_posix())


def read_html(paths: Iterable[Path]) -> Iterator[Ad | Rejected]:
    """Yield an :class:`Ad` per HTML file in ``paths``, or a :class:`Rejected` (location = path)."""
    for path in paths:
        name = path.as_posix()
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_HTML_BYTES + 1)
        except OSError as exc:
            yield Rejected(
                name, "html.unreadable", f"cannot read the file: {exc.strerror}; check permissions"
            )
            continue
        try:
            yield html_to_ad(data, path=name)
        except AdError as exc:
            yield Rejected(name, exc.code, str(exc))
