"""HTML reader: boilerplate removal, metadata, directories, stable ids, hostile pages."""

from __future__ import annotations

import time

import pytest

from tipwatch.engine.readers import count_hint, html_to_ad, read_source
from tipwatch.engine.readers.html import html_links
from tipwatch.engine.types import AdError, Rejected

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
  <title>  Hostess   wanted </title>
  <link rel="canonical" href="https://ads.test/jobs/42">
  <meta property="article:published_time" content="2024-01-01T00:00:00Z">
  <style>body { color: red }</style>
  <script>var tracking = "SCRIPT-TEXT";</script>
</head>
<body>
  <header><h1>SiteName</h1><nav><a href="/">Home</a> NAV-TEXT</nav></header>
  <aside>ASIDE-TEXT</aside>
  <main>
    <h2>Work abroad</h2>
    <p>Good   pay,
       travel <b>paid</b>.</p>
    <div>Call 0412<br>after 6pm<br><br>Ask for Ana</div>
    <ul><li>visa</li><li>housing</li></ul>
    <time datetime="2024-05-01T10:00:00Z">1 May</time>
    <form><input name="q">FORM-TEXT</form>
  </main>
  <footer>FOOTER-TEXT <time datetime="1999-01-01">old</time></footer>
  <noscript>NOSCRIPT-TEXT</noscript>
</body>
</html>"""


def test_boilerplate_is_stripped_and_paragraphs_kept():
    ad = html_to_ad(PAGE, path="page.html")
    assert ad.body == (
        "Work abroad\n\nGood pay, travel paid.\n\nCall 0412\nafter 6pm\n\nAsk for Ana\n\nvisa\nhousing\n\n1 May"
    )
    for noise in ("SCRIPT", "NAV", "ASIDE", "FORM", "FOOTER", "NOSCRIPT", "SiteName", "color"):
        assert noise not in ad.body


def test_metadata_title_url_date_language():
    ad = html_to_ad(PAGE, path="page.html")
    assert ad.title == "Hostess wanted"
    assert ad.url == "https://ads.test/jobs/42"
    assert ad.posted_at == "2024-05-01T10:00:00Z"  # the <time> in the content, not the footer's
    assert ad.lang == "en-GB"
    assert ad.id == html_to_ad(PAGE.replace("Good", "Bad"), path="other.html").id  # same url, same id


def test_fallbacks_h1_og_url_meta_date_article_and_body():
    page = """<html><head><meta property="og:url" content="https://ads.test/o">
    <meta property="article:published_time" content="2023-02-02"></head>
    <body><nav>menu</nav><article><h1>Room for rent</h1><p>Cheap</p></article>
    <article><p>Second ad</p></article><p>outside</p></body></html>"""
    ad = html_to_ad(page)
    assert ad.title == "Room for rent"
    assert ad.url == "https://ads.test/o"
    assert ad.posted_at == "2023-02-02"
    assert ad.body == "Room for rent\n\nCheap\n\nSecond ad"
    plain = html_to_ad("<p>only <i>body</i> text</p><script>x()</script>", path="p.html")
    assert (plain.body, plain.title, plain.url) == ("only body text", "", None)


def test_id_is_h_plus_sha256_of_url_or_path():
    import hashlib

    assert html_to_ad(PAGE).id == "h" + hashlib.sha256(b"https://ads.test/jobs/42").hexdigest()[:20]
    no_url = "<p>hello</p>"
    assert html_to_ad(no_url, path="d/a.html").id == "h" + hashlib.sha256(b"d/a.html").hexdigest()[:20]
    assert html_to_ad(no_url, url="https://x.test/").id != html_to_ad(no_url, path="d/a.html").id


def test_charset_from_meta_and_from_caller():
    latin = '<meta charset="iso-8859-1"><p>Se\xf1ora</p>'.encode("latin-1")
    assert html_to_ad(latin).body == "Se\u00f1ora"
    assert html_to_ad("<p>Se\u00f1ora</p>".encode("cp1252"), charset="windows-1252").body == "Se\u00f1ora"
    broken = html_to_ad(b"<p>bad \xff byte</p>")
    assert broken.body == "bad \ufffd byte" and broken.extra["encoding_repaired"] is True


def test_empty_page_is_an_error():
    with pytest.raises(AdError) as err:
        html_to_ad("<html><body><script>x</script><nav>menu</nav></body></html>")
    assert err.value.code == "html.empty"


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.html").write_text("<title>two</title><p>second</p>", encoding="utf-8")
    (tmp_path / "a.htm").write_text("<title>one</title><p>first</p>", encoding="utf-8")
    (tmp_path / "c.html").write_text("<nav>only chrome</nav>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a page", encoding="utf-8")
    out = list(read_source(tmp_path))
    assert [getattr(x, "title", None) for x in out[:2]] == ["one", "two"]
    assert isinstance(out[2], Rejected)
    assert out[2].location.endswith("c.html") and out[2].code == "html.empty"
    assert count_hint(tmp_path) == 3
    assert [a.id for a in out[:2]] == [a.id for a in list(read_source(tmp_path))[:2]]


def test_links_are_absolute_and_honour_base():
    links = html_links(
        '<base href="https://x.test/dir/"><a href="p?q=1#f">a</a><a href="/r">b</a>', "https://y.test/"
    )
    assert links == ["https://x.test/dir/p?q=1#f", "https://x.test/r"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<div>" * 100_000 + "deep text" + "</div>" * 100_000,
        "<a" * 500_000,
        "<meta " + "charset" * 150_000,
        "<a href=" * 200_000,
        "1 " * 500_000,
        "a" * 10**6 + "@",
        "@" * 10**6,
        "<p>" + "\x00\x07" * 500_000,
        "<div>" * 2000 + "<a " * 300_000,  # deep, so links come from the regex fallback
        "<div>" * 2000 + "<a href" * 120_000,
    ],
)
def test_hostile_pages_finish_quickly(hostile):
    start = time.perf_counter()
    try:
        ad = html_to_ad(hostile.encode("utf-8"), path="hostile.html")
        assert "\x00" not in ad.body
    except AdError:
        pass
    html_links(hostile, "https://x.test/")
    assert time.perf_counter() - start < 1.5


def test_deep_page_keeps_its_text():
    ad = html_to_ad("<div>" * 50_000 + "deep &amp; text" + "</div>" * 50_000, path="deep.html")
    assert ad.body == "deep & text"
    assert ad.extra["flattened"] is True
