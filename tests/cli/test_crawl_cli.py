"""`tipwatch crawl` end to end against a local server (127.0.0.1 only), then reading its WARC."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from typer.testing import CliRunner

from tipwatch.cli import app
from tipwatch.engine.readers import read_source
from tipwatch.engine.types import Ad


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (root / "index.html").write_text(
        '<html><head><title>Listings</title></head><body><main><a href="/ad1.html">one</a> '
        '<a href="/private/secret.html">secret</a></main></body></html>'
    )
    (root / "ad1.html").write_text(
        "<html><head><title>New in town</title></head><body><article>"
        "<p>Call me at (929) 272-7898, new in town.</p></article></body></html>"
    )
    (root / "private").mkdir()
    (root / "private" / "secret.html").write_text("<html><body>do not fetch</body></html>")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def test_crawl_then_read_the_warc(site, tmp_path, monkeypatch):
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    out = tmp_path / "crawl"
    result = CliRunner().invoke(app, ["crawl", site, "--out", str(out), "--max-pages", "10", "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert "tipwatch ingest" in result.output
    ads = [a for a in read_source(out / "crawl.warc.gz") if isinstance(a, Ad)]
    urls = {a.url for a in ads}
    assert any(u.endswith("/ad1.html") for u in urls)
    assert not any("private" in u for u in urls)  # robots.txt honoured
    ad1 = next(a for a in ads if a.url.endswith("/ad1.html"))
    assert "(929) 272-7898" in ad1.body and ad1.title == "New in town"
