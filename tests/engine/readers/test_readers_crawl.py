"""The polite crawler against a local http.server on 127.0.0.1 (nothing else is contacted)."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tipwatch.engine.readers import CrawlStats, SourceError, crawl, read_source
from tipwatch.engine.readers.crawl import _Crawler, normalise_url
from tipwatch.engine.types import Ad

BIG = b"<html><title>Big</title><body><p>" + b"long text " * 600_000 + b"</p></body></html>"  # ~6 MB


def _page(title: str, *links: str) -> bytes:
    anchors = "".join(f'<a href="{href}">{href}</a> ' for href in links)
    return f"<html><head><title>{title}</title></head><body><nav>{anchors}</nav><p>Ad text {title}</p></body></html>".encode()


class _Site:
    """A tiny site: robots.txt, linked pages, a redirect, a big page, a PDF, an off-host link."""

    def __init__(self, robots: bytes = b"User-agent: *\nDisallow: /private\n", robots_status: int = 200):
        self.robots = robots
        self.robots_status = robots_status
        self.log: list[tuple[float, str, str]] = []  # (time, path, Host header)
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                with site.lock:
                    site.log.append((time.monotonic(), self.path, self.headers.get("Host", "")))
                status, ctype, body, extra = site.route(self.path)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in extra:
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler stops reading big or non-HTML bodies early

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, path: str):
        html = "text/html; charset=utf-8"
        port = self.server.server_address[1]
        pages = {
            "/": _page(
                "Home",
                "/a",
                "/b",
                "/private/secret",
                "/old",
                "/big",
                "/file.pdf",
                f"http://localhost:{port}/x",
                "mailto:x@example.org",
                "/a#frag",
            ),
            "/a": _page("A", "/d", "/e", "/"),
            "/b": _page("B", "/f"),
            "/c": _page("C"),
            "/d": _page("D"),
            "/e": _page("E"),
            "/f": _page("F"),
            "/private/secret": _page("Secret"),
        }
        if path == "/robots.txt":
            return self.robots_status, "text/plain", self.robots, []
        if path == "/old":
            return 301, html, b"", [("Location", "/c")]
        if path == "/big":
            return 200, html, BIG, []
        if path == "/file.pdf":
            return 200, "application/pdf", b"%PDF-1.4 fake", []
        if path in pages:
            return 200, html, pages[path], []
        return 404, html, b"<p>not found</p>", []

    def pages(self) -> list[str]:
        return [path for _, path, _ in self.log if path != "/robots.txt"]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    # a proxy from the environment would send the requests off this machine
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


def test_full_crawl_honours_robots_host_redirects_types_and_size(tmp_path):
    with _Site() as site:
        stats = crawl([site.base + "/"], tmp_path, max_pages=50, per_host_delay=0.0)
    pages = site.pages()
    assert "/private/secret" not in pages  # robots.txt
    assert [p for _, p, _ in site.log].count("/robots.txt") == 1  # fetched once
    assert all(host.startswith("127.0.0.1") for _, _, host in site.log)  # same host only
    assert pages.index("/c") == pages.index("/old") + 1  # redirect followed at once
    assert Counter(pages).most_common(1)[0][1] == 1  # nothing fetched twice (#frag is the same page)
    assert set(pages) == {"/", "/a", "/b", "/old", "/c", "/big", "/file.pdf", "/d", "/e", "/f"}
    assert (stats.fetched, stats.redirects, stats.not_html, stats.disallowed, stats.truncated) == (
        10,
        1,
        1,
        1,
        1,
    )
    assert stats.stored == 8 and stats.frontier == 0 and stats.total_pages == 10
    ads = list(read_source(tmp_path / "crawl.warc.gz"))
    assert all(isinstance(a, Ad) for a in ads)
    assert sorted(a.title for a in ads) == ["A", "B", "Big", "C", "D", "E", "F", "Home"]
    home = next(a for a in ads if a.title == "Home")
    assert home.url == site.base + "/" and home.body == "Ad text Home"
    with gzip.open(tmp_path / "crawl.warc.gz", "rb") as fh:
        raw = fh.read()
    assert raw.count(b"WARC-Type: request") == 8
    assert raw.count(b"WARC-Truncated: length") == 1
    assert len(raw) < 5.5 * 1024 * 1024  # the big page was cut at 5 MB
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["pages"] == 10 and state["frontier"] == [] and state["inflight"] is None


def test_page_budget_and_resume_without_refetching(tmp_path):
    with _Site() as site:
        first = crawl([site.base + "/"], tmp_path, max_pages=3, per_host_delay=0.0)
        assert len(site.pages()) == 3 and first.fetched == 3
        second = crawl([site.base + "/"], tmp_path, max_pages=6, per_host_delay=0.0)
        assert second.fetched == 3 and second.total_pages == 6
        pages = site.pages()
    assert len(pages) == 6 and len(set(pages)) == 6  # 3 more, none fetched again
    ads = list(read_source(tmp_path / "crawl.warc.gz"))
    assert all(isinstance(a, Ad) for a in ads)
    assert len({a.url for a in ads}) == len(ads)


def test_rate_limit_per_host(tmp_path):
    with _Site() as site:
        crawl([site.base + "/"], tmp_path, max_pages=4, per_host_delay=0.25)
    times = [t for t, path, _ in site.log]  # robots.txt is rate limited too
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 4 and min(gaps) >= 0.24


def test_crawl_delay_from_robots_wins_when_larger(tmp_path):
    with _Site(robots=b"User-agent: *\nCrawl-delay: 0.4\n") as site:
        crawl([site.base + "/"], tmp_path, max_pages=3, per_host_delay=0.05)
    times = [t for t, path, _ in site.log if path != "/robots.txt"]
    assert min(b - a for a, b in zip(times, times[1:], strict=False)) >= 0.39


def test_robots_4xx_allows_all_and_5xx_disallows_all(tmp_path):
    with _Site(robots=b"", robots_status=404) as site:
        crawl([site.base + "/private/secret"], tmp_path / "a", max_pages=1, per_host_delay=0.0)
        assert site.pages() == ["/private/secret"]
    with _Site(robots=b"", robots_status=503) as site:
        stats = crawl([site.base + "/"], tmp_path / "b", max_pages=5, per_host_delay=0.0)
        assert site.pages() == [] and stats.disallowed == 1 and stats.fetched == 0


def test_include_pattern_filters_discovered_links(tmp_path):
    with _Site() as site:
        crawl([site.base + "/"], tmp_path, max_pages=20, per_host_delay=0.0, include=r"/(a|d)$")
    assert site.pages() == ["/", "/a", "/d"]


def test_kill_between_warc_and_state_leaves_a_valid_resumable_crawl(tmp_path, monkeypatch):
    real_write = _Crawler.write
    calls = []

    def write_then_die(self, fh, *args):
        real_write(self, fh, *args)
        calls.append(1)
        if len(calls) == 2:
            fh.write(b"\x1f\x8b half a gzip member")  # and a torn write on top
            fh.flush()
            raise KeyboardInterrupt  # killed before the state is saved

    with _Site() as site:
        monkeypatch.setattr(_Crawler, "write", write_then_die)
        with pytest.raises(KeyboardInterrupt):
            crawl([site.base + "/"], tmp_path, max_pages=5, per_host_delay=0.0)
        monkeypatch.setattr(_Crawler, "write", real_write)
        stats = crawl([site.base + "/"], tmp_path, max_pages=5, per_host_delay=0.0)
        pages = site.pages()
    assert pages[1] == pages[2]  # only the page whose record was never committed is fetched again
    assert len(pages) == 6 and len(set(pages)) == 5
    assert stats.total_pages == 5
    ads = list(read_source(tmp_path / "crawl.warc.gz"))
    assert all(isinstance(a, Ad) for a in ads)
    assert sorted(a.url for a in ads) == [site.base + p for p in ("/", "/a", "/b", "/c")]  # /old redirected


def test_bad_seed_and_bad_pattern_are_refused(tmp_path):
    with pytest.raises(SourceError) as err:
        crawl(["ftp://127.0.0.1/x"], tmp_path)
    assert err.value.code == "crawl.bad_seed"
    with pytest.raises(SourceError) as err:
        crawl(["http://127.0.0.1:9/"], tmp_path, include="(")
    assert err.value.code == "crawl.bad_include"


def test_progress_is_called_per_fetch(tmp_path):
    seen = []
    with _Site() as site:
        crawl(
            [site.base + "/"],
            tmp_path,
            max_pages=2,
            per_host_delay=0.0,
            progress=lambda s, u: seen.append((s.fetched, u)),
        )
    assert seen == [(1, site.base + "/"), (2, site.base + "/a")]
    assert isinstance(CrawlStats().to_dict(), dict)


def test_normalise_url():
    assert normalise_url("HTTP://Example.TEST:80/a?b=1#frag") == "http://example.test/a?b=1"
    assert normalise_url("https://x.test") == "https://x.test/"
    assert normalise_url("https://x.test:8443/p") == "https://x.test:8443/p"
    for bad in ("mailto:a@b.test", "javascript:void(0)", "ftp://x.test/", "/relative", "http://x.test:port/"):
        assert normalise_url(bad) is None


def test_crawl_delay_parsing():
    from tipwatch.engine.readers.robots import crawl_delay

    ua = "tipwatch-crawler/0.1 (+contact)"
    assert crawl_delay(b"User-agent: *\nCrawl-delay: 2.5\n", ua) == 2.5
    both = b"User-agent: *\nCrawl-delay: 9\n\nUser-agent: Tipwatch-Crawler\nDisallow: /x\nCrawl-delay: 0.5\n"
    assert crawl_delay(both, ua) == 0.5  # the named group wins over *
    assert crawl_delay(b"User-agent: otherbot\nCrawl-delay: 30\n", ua) == 0.0
    assert crawl_delay(b"User-agent: *\nCrawl-delay: soon\nCrawl-delay: -1\nCrawl-delay: nan\n", ua) == 0.0
    assert crawl_delay(b"User-agent: *\nCrawl-delay: 1e12\n", ua) == 3600.0
    assert crawl_delay(b"User-agent:\nCrawl-delay: 7\n", ua) == 0.0


def test_lost_state_keeps_the_archive_and_a_broken_state_is_refused(tmp_path):
    with _Site() as site:
        crawl([site.base + "/"], tmp_path, max_pages=2, per_host_delay=0.0)
        size = (tmp_path / "crawl.warc.gz").stat().st_size
        (tmp_path / "state.json").unlink()
        crawl([site.base + "/"], tmp_path, max_pages=1, per_host_delay=0.0)
    assert (tmp_path / "crawl.warc.gz").stat().st_size > size  # appended, nothing cut
    assert len(list(read_source(tmp_path / "crawl.warc.gz"))) == 3
    (tmp_path / "state.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        crawl([site.base + "/"], tmp_path, max_pages=1)
    assert err.value.code == "crawl.bad_state" and "delete it" in str(err.value)
