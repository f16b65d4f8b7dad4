"""read_source: format detection, errors that name the fix, stdin, count_hint, the public surface."""

from __future__ import annotations

import gzip
import io
import sys

import pytest

import tipwatch.engine.readers as readers
from tipwatch.engine.readers import FORMATS, SourceError, count_hint, detect_format, read_source


def test_public_surface_is_sorted_and_complete():
    assert readers.__all__ == sorted(readers.__all__)
    for name in ("read_source", "FORMATS", "count_hint", "SourceError", "crawl", "CrawlStats"):
        assert name in readers.__all__
    assert FORMATS == ("jsonl", "csv", "html", "warc")
    assert issubclass(SourceError, ValueError)


def test_missing_file_and_unknown_format_name_the_path_and_the_fix(tmp_path):
    with pytest.raises(SourceError) as err:
        read_source(tmp_path / "nope.jsonl")
    assert err.value.code == "source.not_found" and "nope.jsonl" in str(err.value)
    odd = tmp_path / "data.bin"
    odd.write_bytes(b"\x00\x01binary")
    with pytest.raises(SourceError) as err:
        read_source(odd)
    assert err.value.code == "source.unknown_format"
    assert "data.bin" in str(err.value) and "fmt=" in str(err.value)
    with pytest.raises(SourceError) as err:
        read_source(odd, fmt="xml")
    assert "jsonl, csv, html, warc" in str(err.value)


def test_detection_by_extension_and_by_content(tmp_path):
    cases = {
        "a.jsonl": b'{"body": "x"}\n',
        "a.ndjson": b'{"body": "x"}\n',
        "a.json": b'{"body": "x"}\n',
        "a.csv": b"body\nx\n",
        "a.TSV": b"body\nx\n",
        "a.htm": b"<p>x</p>",
        "a.warc.gz": b"",
        "noext-json": b'\n{"body": "x"}\n',
        "noext-html": b"  <!doctype html><p>x</p>",
        "noext-warc": b"WARC/1.0\r\n",
        "noext-gz": gzip.compress(b"WARC/1.1\r\n"),
    }
    expected = ["jsonl", "jsonl", "jsonl", "csv", "csv", "html", "warc", "jsonl", "html", "warc", "warc"]
    for (name, data), fmt in zip(cases.items(), expected, strict=True):
        (tmp_path / name).write_bytes(data)
        assert detect_format(tmp_path / name) == fmt, name
    assert detect_format(tmp_path) == "html"
    assert detect_format("-") == "jsonl"


def test_fmt_overrides_the_extension(tmp_path):
    path = tmp_path / "export.txt"
    path.write_text("id,body\nx1,hello\n", encoding="utf-8")
    (ad,) = read_source(path, fmt="csv")
    assert (ad.id, ad.body) == ("x1", "hello")


def test_wrong_combinations_are_refused(tmp_path):
    (tmp_path / "p.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read_source(tmp_path, fmt="jsonl")
    assert "directory" in str(err.value)
    with pytest.raises(SourceError) as err:
        read_source(tmp_path / "p.html", mapping={"body": "text"})
    assert err.value.code == "source.bad_mapping"


def test_stdin_is_json_lines(monkeypatch):
    fake = io.TextIOWrapper(io.BytesIO(b'{"id": "s1", "body": "from stdin"}\nnot json\n'))
    monkeypatch.setattr(sys, "stdin", fake)
    out = list(read_source("-"))
    assert out[0].id == "s1"
    assert (out[1].location, out[1].code) == ("<stdin>:2", "jsonl.bad_json")
    assert count_hint("-") is None


def test_count_hint(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"body": "x"}\n' * 2500 + b'{"body": "last, no newline"}')
    assert count_hint(path) == 2501
    (tmp_path / "p.html").write_text("<p>x</p>", encoding="utf-8")
    assert count_hint(tmp_path / "p.html") == 1
    assert count_hint(tmp_path / "missing.jsonl") is None
    (tmp_path / "a.warc").write_bytes(b"WARC/1.0\r\n")
    assert count_hint(tmp_path / "a.warc") is None


def test_file_is_opened_lazily_and_closed_at_the_end(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"body": "x"}\n')
    stream = read_source(path)
    path.write_bytes(b'{"body": "changed before reading"}\n')
    assert next(stream).body == "changed before reading"
    assert list(stream) == []
