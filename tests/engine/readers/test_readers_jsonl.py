"""JSON Lines reader: streaming, bad lines, huge lines, encodings, control characters."""

from __future__ import annotations

import io
import json
import tracemalloc

from tipwatch.engine.readers import read_source
from tipwatch.engine.readers.jsonl import read_jsonl
from tipwatch.engine.types import Ad, Rejected


def _write(tmp_path, lines: list[bytes], name: str = "ads.jsonl"):
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _rec(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_malformed_lines_are_reported_with_file_and_line_and_the_rest_is_read(tmp_path):
    path = _write(
        tmp_path,
        [
            _rec(id="a1", body="first ad"),
            b'{"id": "a2" "body": "missing comma"}',
            b"",
            b"   ",
            _rec(id="a3", body="third ad"),
            b"[1, 2]",
            b'{"id": "a4"}',
            b'{"id": "a5", "body": "x", "country": "Narnia"}',
            _rec(id="a6", body="last ad"),
        ],
    )
    out = list(read_source(path))
    ads = [x for x in out if isinstance(x, Ad)]
    bad = [x for x in out if isinstance(x, Rejected)]
    assert [a.id for a in ads] == ["a1", "a3", "a6"]
    assert [(r.location, r.code) for r in bad] == [
        (f"{path}:2", "jsonl.bad_json"),
        (f"{path}:6", "ad.not_object"),
        (f"{path}:7", "ad.no_body"),
        (f"{path}:8", "ad.bad_country"),
    ]
    assert bad[0].reason == "invalid JSON: Expecting ',' delimiter at column 13"
    # the reason never quotes the record's content
    assert "missing comma" not in bad[0].reason


def test_a_10_mb_line_is_read(tmp_path):
    body = "word " * (2 * 1024 * 1024)  # 10 MB
    path = _write(tmp_path, [_rec(id="big", body=body), _rec(id="next", body="after")])
    out = list(read_source(path))
    assert [type(x) for x in out] == [Ad, Ad]
    assert out[1].id == "next"
    # the ad model bounds fields; the reader itself passed the whole line through
    assert out[0].extra.get("truncated") is True


def test_a_20_mb_line_is_rejected_without_holding_it_in_memory(tmp_path):
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as fh:
        fh.write(_rec(id="before", body="ok") + b"\n")
        fh.write(b'{"id": "huge", "body": "')
        chunk = b"x" * (1024 * 1024)
        for _ in range(20):
            fh.write(chunk)
        fh.write(b'"}\n')
        fh.write(_rec(id="after", body="ok") + b"\n")
    tracemalloc.start()
    try:
        out = list(read_source(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [getattr(x, "id", None) or x.code for x in out] == ["before", "jsonl.too_long", "after"]
    assert out[1].location == f"{path}:2"
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB"


def test_a_line_without_newline_longer_than_the_limit_is_rejected_in_a_stream():
    data = io.BytesIO(_rec(id="a", body="ok") + b"\n" + b"y" * 5000)
    out = list(read_jsonl(data, "s", max_line_bytes=1000))
    assert out[0].id == "a"
    assert (out[1].location, out[1].code) == ("s:2", "jsonl.too_long")


def test_invalid_utf8_is_repaired_and_flagged(tmp_path):
    path = _write(tmp_path, [b'{"id": "u1", "body": "caf\xe9 \xff call me"}', _rec(id="u2", body="clean")])
    first, second = read_source(path)
    assert first.body == "caf\ufffd \ufffd call me"
    assert first.extra["encoding_repaired"] is True
    assert "encoding_repaired" not in second.extra


def test_nul_and_control_characters_are_stripped_but_newline_and_tab_kept(tmp_path):
    path = _write(
        tmp_path,
        [_rec(id="c1", title="T\x00itle", body="a\x00b\x07c\r\nd\te\x1bf\x7fg\x85h\ud800i", city="Li\x00ma")],
    )
    (ad,) = read_source(path)
    assert ad.body == "abc\nd\tefghi"
    assert ad.title == "Title"
    assert ad.city == "Lima"
    ad.body.encode("utf-8")  # no lone surrogate left


def test_bom_blank_lines_and_mapping_and_base_id(tmp_path):
    path = _write(
        tmp_path,
        [
            b"\xef\xbb\xbf" + json.dumps({"text_col": "hello", "ad_id": "z9"}).encode(),
            b"",
            b'{"text_col": "x"}',
        ],
    )
    out = list(read_source(path, mapping={"body": "text_col", "id": "ad_id"}, base_id="batch7"))
    assert [(a.id, a.body) for a in out] == [("z9", "hello"), ("batch7-3", "x")]


def test_ids_are_deterministic_from_content(tmp_path):
    a = _write(tmp_path, [_rec(title="T", body="same words")], "a.jsonl")
    b = _write(tmp_path, [_rec(title="T", body="same  words")], "b.jsonl")
    c = _write(tmp_path, [_rec(title="T", body="other words")], "c.jsonl")
    (ad_a,), (ad_b,), (ad_c,) = (list(read_source(p)) for p in (a, b, c))
    assert ad_a.id == ad_b.id == next(iter(read_source(a))).id
    assert ad_a.id != ad_c.id
    assert ad_a.id.startswith("h") and len(ad_a.id) == 21
