"""Linear time on hostile input, and throughput of the JSON Lines reader."""

from __future__ import annotations

import io
import json
import time

import pytest

from tipwatch.engine.readers._common import clean_text
from tipwatch.engine.readers.html import decode_html
from tipwatch.engine.readers.jsonl import read_jsonl
from tipwatch.engine.readers.robots import crawl_delay

HOSTILE = [
    "1 " * 500_000,
    "a" * 10**6 + "@",
    "@" * 10**6,
    "\x00" * 10**6,
    "\ud800" * 10**6,
    "a\x01" * 500_000,
    "<meta charset=" * 70_000,
    ("\u00a0 \t" * 300_000) + "x",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_cleaning_and_decoding_are_linear(text):
    start = time.perf_counter()
    cleaned = clean_text(text)
    assert "\x00" not in cleaned and "\ud800" not in cleaned
    data = text.encode("utf-8", "surrogatepass")
    decode_html(data)
    crawl_delay(b"User-agent: *\n" + data[:200_000], "tipwatch-crawler/0.1")
    record = json.dumps({"body": text}).encode() + b"\n"
    (ad,) = read_jsonl(io.BytesIO(record), "h")
    assert "\x00" not in ad.body
    assert time.perf_counter() - start < 1.0


def test_jsonl_reads_thousands_of_ads_per_second():
    line = json.dumps({"title": "Hostess wanted", "body": "Good pay, travel paid. " * 20, "country": "GB"})
    data = ("\n".join(line.replace("Good", f"Good {i}") for i in range(20_000)) + "\n").encode()
    start = time.perf_counter()
    count = sum(1 for _ in read_jsonl(io.BytesIO(data), "bench"))
    elapsed = time.perf_counter() - start
    assert count == 20_000
    assert count / elapsed > 10_000, f"{count / elapsed:.0f} ads/s"
