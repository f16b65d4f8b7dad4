"""highlight(): escaping, overlapping and out-of-range spans."""

from __future__ import annotations

from types import SimpleNamespace as NS

from tipwatch.web.ads.highlight import highlight


def _m(start, end, type_="phone", value="+19295550147", obfuscated=False, pk=1):
    return NS(start=start, end=end, obfuscated=obfuscated, entity=NS(type=type_, value=value, pk=pk))


def url(ent):
    return f"/entities/{ent.pk}/"


def test_wraps_and_escapes_everything():
    text = '<i>call</i> 929 & "x" <script>'
    html = str(highlight(text, [_m(text.index("929"), text.index("929") + 3, value='"><script>')], url))
    assert html.startswith("&lt;i&gt;call&lt;/i&gt;")
    assert '<mark class="ent ent-phone" title="phone &quot;&gt;&lt;script&gt;">929</mark>' in html
    assert html.endswith("&amp; &quot;x&quot; &lt;script&gt;")
    assert "<script>" not in html


def test_overlaps_and_bad_spans_are_skipped():
    text = "abcdefghij"
    html = str(highlight(text, [_m(2, 6), _m(4, 8), _m(8, 50), _m(5, 5)], url))
    assert html.count("<mark") == 1
    assert (
        html.replace('<a class="ent-link" href="/entities/1/">', "")
        .replace('<mark class="ent ent-phone" title="phone +19295550147">', "")
        .replace("</mark></a>", "")
        == text
    )


def test_type_is_sanitised_in_class_and_obfuscated_flagged():
    html = str(highlight("abc", [_m(0, 3, type_='x" onclick="y', obfuscated=True)], url))
    assert 'class="ent ent-xonclicky ent-obf"' in html
    assert "(obfuscated)" in html
