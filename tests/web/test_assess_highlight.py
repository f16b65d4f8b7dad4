"""highlight() with indicator spans: overlaps with entities and each other, escaping, bad spans."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace as NS

from tipwatch.web.ads.highlight import highlight


def _m(start, end, type_="phone", value="+19295550147", pk=1):
    return NS(start=start, end=end, obfuscated=False, entity=NS(type=type_, value=value, pk=pk))


def url(ent):
    return f"/entities/{ent.pk}/"


def _text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_indicator_span_is_marked_and_escaped():
    text = "Go <now>: urgent departure & fees"
    start = text.index("urgent")
    html = str(
        highlight(text, [], url, indicators=[{"start": start, "end": start + 16, "name": 'Urgent "x"'}])
    )
    assert '<mark class="ind" title="Urgent &quot;x&quot;">urgent departure</mark>' in html
    assert html.startswith("Go &lt;now&gt;: ") and html.endswith(" &amp; fees")


def test_indicator_overlapping_an_entity_nests_inside_the_link():
    text = "WhatsApp me on 929 555 0147 today"
    phone = (text.index("929"), text.index("929") + 12)
    ind = NS(start=0, end=phone[0] + 3, name="Messenger only", id="contact.messenger_only")
    html = str(highlight(text, [_m(*phone)], url, indicators=[ind]))
    assert _text_of(html) == text
    assert html.count('<a class="ent-link"') == 1
    # The part of the phone inside the indicator span is marked within the entity's <mark>.
    assert (
        '<mark class="ent ent-phone" title="phone +19295550147"><mark class="ind" title="Messenger only">929</mark> 555 0147</mark></a>'
        in html
    )
    assert html.startswith('<mark class="ind" title="Messenger only">WhatsApp me on </mark>')


def test_overlapping_indicators_share_pieces_and_bad_spans_are_skipped():
    text = "abcdefghij"
    inds = [
        {"start": 1, "end": 5, "name": "A"},
        {"start": 3, "end": 8, "name": "B"},
        {"start": 8, "end": 50, "name": "out of range"},
        {"start": None, "end": None, "name": "computed"},
        {"start": "x", "end": 2, "name": "junk"},
        {"start": 4, "end": 4, "name": "empty"},
    ]
    html = str(highlight(text, [], url, indicators=inds))
    assert _text_of(html) == text
    assert '<mark class="ind" title="A">bc</mark>' in html
    assert '<mark class="ind" title="A; B">de</mark>' in html
    assert '<mark class="ind" title="B">fgh</mark>' in html
    assert "out of range" not in html and "computed" not in html and "junk" not in html


def test_without_indicators_the_output_is_unchanged():
    text = "call 929 now"
    html = str(highlight(text, [_m(5, 8)], url))
    assert html == (
        'call <a class="ent-link" href="/entities/1/"><mark class="ent ent-phone" '
        'title="phone +19295550147">929</mark></a> now'
    )


def test_many_spans_on_a_long_text_stay_fast():
    text = "visa paid " * 2000
    inds = [{"start": i * 10, "end": i * 10 + 9, "name": "V"} for i in range(200)]
    mentions = [_m(i * 10 + 5, i * 10 + 9, pk=i) for i in range(0, 2000, 3)]
    start = time.perf_counter()
    html = str(highlight(text, mentions, url, indicators=inds))
    assert time.perf_counter() - start < 1.0
    assert _text_of(html) == text
