"""A small polite crawler: robots.txt, per-host rate limit, page budget, resumable WARC output.

Output in ``out_dir``: ``crawl.warc.gz`` (request + response records, one gzip member each,
so the file stays valid when appended to) and ``state.json`` (frontier, seen, pages done),
rewritten atomically after every page. Calling :func:`crawl` again with the same ``out_dir``
resumes where the last call stopped; ``max_pages`` counts pages over all calls.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tipwatch.engine.readers._common import SourceError
from tipwatch.engine.readers.html import decode_html, html_links
from tipwatch.engine.readers.robots import RobotsCache

__all__ = ["MAX_RESPONSE_BYTES", "CrawlStats", "crawl"]

log = logging.getLogger(__name__)

#: Response bytes kept at most; longer bodies are cut and marked ``WARC-Truncated: length``.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
WARC_NAME = "crawl.warc.gz"
STATE_NAME = "state.json"
_STATE_VERSION = 1
_MAX_FRONTIER = 100_000  # bounds memory and state.json on link-farm sites
_MAX_LINKS_PER_PAGE = 5_000
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(slots=True)
class CrawlStats:
    """What one :func:`crawl` call did; ``total_pages`` and ``frontier`` include earlier calls."""

    fetched: int = 0  # HTTP fetches this call (each counts against max_pages)
    stored: int = 0  # HTML pages written to the WARC
    redirects: int = 0
    not_html: int = 0  # fetched but not stored: not text/html, or not a 2xx status
    truncated: int = 0  # cut at MAX_RESPONSE_BYTES
    disallowed: int = 0  # skipped because robots.txt said no
    errors: int = 0  # network errors and timeouts
    total_pages: int = 0
    frontier: int = 0

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def normalise_url(url: str) -> str | None:
    """Absolute http(s) URL without fragment, lower-case scheme and host, no default port; else None."""
    url, _ = urldefrag(url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a port that is not a number
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _State:
    """The resumable part of a crawl, saved as JSON with write-temp-then-rename."""

    def __init__(self, path: Path):
        self.path = path
        self.frontier: deque[str] = deque()
        self.seen: dict[str, None] = {}  # an ordered set: state.json stays stable without sorting
        self.hosts: set[str] = set()  # the seeds' hosts over all calls (same_host_only)
        self.pages = 0
        self.warc_bytes = 0
        self.inflight: str | None = None

    def load(self) -> bool:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            raise SourceError(
                f"{self.path}: crawl state unreadable ({type(exc).__name__}); delete it to start the crawl afresh",
                "crawl.bad_state",
            ) from exc
        if not isinstance(data, dict) or data.get("version") != _STATE_VERSION:
            raise SourceError(
                f"{self.path}: crawl state of an unknown version; delete it to start the crawl afresh",
                "crawl.bad_state",
            )
        self.frontier = deque(data.get("frontier", []))
        self.seen = dict.fromkeys(data.get("seen", []))
        self.hosts = set(data.get("hosts", []))
        self.pages = int(data.get("pages", 0))
        self.warc_bytes = int(data.get("warc_bytes", 0))
        self.inflight = data.get("inflight")
        return True

    def save(self) -> None:
        data = {
            "version": _STATE_VERSION,
            "pages": self.pages,
            "warc_bytes": self.warc_bytes,
            "inflight": self.inflight,
            "hosts": sorted(self.hosts),
            "frontier": list(self.frontier),
            "seen": list(self.seen),
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=0), encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a kill leaves the old state or the new, never half

    def enqueue(self, url: str, *, front: bool = False) -> bool:
        if url in self.seen or len(self.frontier) >= _MAX_FRONTIER:
            return False
        self.seen[url] = None
        if front:
            self.frontier.appendleft(url)
        else:
            self.frontier.append(url)
        return True


class _RateLimiter:
    """At least ``delay`` seconds between two requests to the same origin."""

    def __init__(self, delay: float):
        self.delay = delay
        self._last: dict[str, float] = {}

    def wait(self, origin: str, delay: float | None = None) -> None:
        delay = self.delay if delay is None else max(self.delay, delay)
        last = self._last.get(origin)
        if last is not None:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self._last[origin] = time.monotonic()


def _media_type(headers: httpx.Headers) -> tuple[str, str | None]:
    value = headers.get("content-type", "")
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return media.strip().lower(), charset


class _Crawler:
    def __init__(
        self, out_dir: Path, client: httpx.Client, user_agent: str, per_host_delay: float, timeout: float
    ):
        self.out_dir = out_dir
        self.client = client
        self.user_agent = user_agent
        self.timeout = timeout
        self.limiter = _RateLimiter(per_host_delay)
        self.robots = RobotsCache(client, user_agent, before_fetch=self.limiter.wait)
        self.state = _State(out_dir / STATE_NAME)
        self.warc_path = out_dir / WARC_NAME

    def open_warc(self, resumed: bool):
        """Open the WARC for appending, first cutting off records written after the last saved state."""
        if not resumed and self.warc_path.exists():
            # No state (deleted by hand?): keep what the archive holds and append after it.
            self.state.warc_bytes = self.warc_path.stat().st_size
        if self.warc_path.exists() and self.warc_path.stat().st_size > self.state.warc_bytes:
            # A kill between writing a page and saving the state: drop the page (it is fetched
            # again, as it is still in flight) so that no page is recorded twice or half.
            with open(self.warc_path, "r+b") as fh:
                fh.truncate(self.state.warc_bytes)
        fh = open(self.warc_path, "ab")
        if fh.tell() == 0:
            writer = WARCWriter(fh, gzip=True)
            writer.write_record(
                writer.create_warcinfo_record(
                    WARC_NAME, {"software": "tipwatch-crawler", "format": "WARC File Format 1.1"}
                )
            )
            fh.flush()
            self.state.warc_bytes = fh.tell()
        return fh

    def fetch(self, url: str):
        """GET ``url``: ("redirect", location) | ("page", response, body, truncated) | ("skip", status)."""
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "identity",  # store bytes as sent, no re-encoding
        }
        deadline = time.monotonic() + 3 * self.timeout  # a trickling server cannot hold us forever
        with self.client.stream("GET", url, headers=headers, follow_redirects=False) as response:
            if response.is_redirect and response.headers.get("location"):
                return ("redirect", urljoin(url, response.headers["location"]))
            media, _ = _media_type(response.headers)
            if not response.is_success or media not in _HTML_TYPES:
                return ("skip", response.status_code)
            parts: list[bytes] = []
            size = 0
            timed_out = False
            for chunk in response.iter_bytes():
                parts.append(chunk)
                size += len(chunk)
                timed_out = time.monotonic() > deadline
                if size >= MAX_RESPONSE_BYTES or timed_out:
                    break
            body = b"".join(parts)[:MAX_RESPONSE_BYTES]
            declared = response.headers.get("content-length")
            truncated = (
                timed_out
                or size > MAX_RESPONSE_BYTES
                or (size == MAX_RESPONSE_BYTES and declared != str(MAX_RESPONSE_BYTES))
            )
            return ("page", response, body, truncated)

    def write(self, fh, url: str, response: httpx.Response, body: bytes, truncated: bool) -> None:
        writer = WARCWriter(fh, gzip=True)
        parts = urlsplit(url)
        target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
        req_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw]
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", req_headers, is_http_request=True),
        )
        resp_headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in response.headers.raw
            if k.decode("latin-1").lower() not in _DROP_HEADERS
        ]
        resp_headers.append(("Content-Length", str(len(body))))
        warc_headers = {"WARC-Truncated": "length"} if truncated else None
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=StatusAndHeaders(
                f"{response.status_code} {response.reason_phrase or 'OK'}",
                resp_headers,
                protocol=response.http_version or "HTTP/1.1",
            ),
            warc_headers_dict=warc_headers,
        )
        writer.write_request_response_pair(request, record)
        fh.flush()


def crawl(
    seeds: list[str],
    out_dir: Path,
    *,
    max_pages: int = 100,
    per_host_delay: float = 1.0,
    user_agent: str = "tipwatch-crawler/0.1 (+contact)",
    same_host_only: bool = True,
    include: str | None = None,
    timeout: float = 10.0,
    progress: Callable[[CrawlStats, str], None] | None = None,
) -> CrawlStats:
    """Crawl from ``seeds`` into ``out_dir`` politely; return what was done.

    - robots.txt is fetched once per host and honoured, with its Crawl-delay when larger
      than ``per_host_delay`` (4xx: all allowed; 5xx or unreachable: all disallowed);
    - at most ``max_pages`` fetches in all, counting earlier calls on the same ``out_dir``;
      redirects are followed, each hop counting as a fetch;
    - only http/https; with ``same_host_only`` only the seeds' hosts; ``include`` is a
      regular expression a discovered link must match (``re.search``);
    - only 2xx ``text/html`` responses are stored, cut at 5 MB.

    ``progress(stats, url)`` is called after every fetch. Raises :class:`SourceError` for
    a bad seed, a bad ``include`` pattern or an unreadable state file.
    """
    out_dir = Path(out_dir)
    start = []
    for seed in seeds:
        url = normalise_url(seed)
        if url is None:
            raise SourceError(
                f"crawl seed {seed[:200]!r} is not an http(s) URL; give a full URL", "crawl.bad_seed"
            )
        start.append(url)
    try:
        pattern = re.compile(include) if include else None
    except re.error as exc:
        raise SourceError(
            f"--include pattern does not compile: {exc}; fix the regular expression", "crawl.bad_include"
        ) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = CrawlStats()
    with httpx.Client(timeout=timeout, headers={"User-Agent": user_agent}) as client:
        crawler = _Crawler(out_dir, client, user_agent, per_host_delay, timeout)
        state = crawler.state
        resumed = state.load()
        if state.inflight:
            state.frontier.appendleft(state.inflight)  # killed mid-page: that page was never recorded
            state.inflight = None
        for url in start:
            state.enqueue(url)
        state.hosts.update(urlsplit(u).netloc for u in start)
        hosts = state.hosts
        with crawler.open_warc(resumed) as fh:
            state.save()
            while state.frontier and state.pages < max_pages:
                url = state.frontier[0]
                rules = crawler.robots.rules(_origin(url))
                if not rules.allowed(url):
                    state.frontier.popleft()
                    stats.disallowed += 1
                    state.save()
                    continue
                crawler.limiter.wait(_origin(url), rules.crawl_delay)
                state.frontier.popleft()
                state.inflight = url
                state.save()
                stats.fetched += 1
                state.pages += 1
                try:
                    result = crawler.fetch(url)
                except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:  # InvalidURL is no HTTPError
                    log.info("fetch failed on %s (%s)", _origin(url), type(exc).__name__)
                    stats.errors += 1
                    result = ("error",)
                if result[0] == "redirect":
                    stats.redirects += 1
                    target = normalise_url(result[1])
                    if target and (not same_host_only or urlsplit(target).netloc in hosts):
                        state.enqueue(target, front=True)  # next, so a redirect chain stays together
                elif result[0] == "page":
                    _, response, body, truncated = result
                    crawler.write(fh, url, response, body, truncated)
                    stats.stored += 1
                    stats.truncated += truncated
                    state.warc_bytes = fh.tell()
                    text, _ = decode_html(body, _media_type(response.headers)[1])
                    for href in html_links(text, url, _MAX_LINKS_PER_PAGE):
                        link = normalise_url(href)
                        if link is None or (same_host_only and urlsplit(link).netloc not in hosts):
                            continue
                        if pattern is not None and not pattern.search(link):
                            continue
                        state.enqueue(link)
                elif result[0] == "skip":
                    stats.not_html += 1
                state.inflight = None
                state.save()
                stats.total_pages = state.pages
                stats.frontier = len(state.frontier)
                if progress is not None:
                    progress(stats, url)
        stats.total_pages = state.pages
        stats.frontier = len(state.frontier)
    return stats
