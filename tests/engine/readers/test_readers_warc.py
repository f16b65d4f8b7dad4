"""WARC reader: round trip through warcio, skipped records, truncated and corrupt archives."""

from __future__ import annotations

import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tipwatch.engine.readers import read_source
from tipwatch.engine.types import Ad, Rejected


def _response(writer, url, body: bytes, ctype="text/html; charset=utf-8", status="200 OK", date=None):
    headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": date} if date else None
    return writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict=warc_headers
    )


def _archive(gz: bool) -> tuple[bytes, list[int]]:
    """An archive with 3 pages among records to skip; returns the bytes and each record's offset."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    offsets = []
    records = [
        writer.create_warcinfo_record("t.warc", {"software": "test"}),
        _response(
            writer,
            "https://ads.test/1",
            b"<title>One</title><nav>menu</nav><p>First ad</p>",
            date="2024-05-01T10:00:00Z",
        ),
        writer.create_warc_record(
            "https://ads.test/2",
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders("GET /2 HTTP/1.1", [("Host", "ads.test")], is_http_request=True),
        ),
        _response(
            writer,
            "https://ads.test/2",
            "<title>Two</title><p>Se\xf1ora</p>".encode("latin-1"),
            "text/html; charset=latin-1",
        ),
        _response(writer, "https://ads.test/logo.png", b"\x89PNG....", "image/png"),
        _response(writer, "https://ads.test/gone", b"<p>Not found</p>", status="404 Not Found"),
        _response(writer, "https://ads.test/api", b'{"id": "j1", "body": "from json"}\n', "application/json"),
        _response(writer, "https://ads.test/3", b"<title>Three</title><p>Third ad " + b"x" * 3000 + b"</p>"),
    ]
    for record in records:
        offsets.append(buf.tell())
        writer.write_record(record)
    return buf.getvalue(), offsets


@pytest.mark.parametrize("gz", [True, False])
def test_round_trip_yields_html_and_json_responses_only(tmp_path, gz):
    data, _ = _archive(gz)
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    path.write_bytes(data)
    out = list(read_source(path))
    assert all(isinstance(x, Ad) for x in out)
    assert [(a.title, a.url) for a in out] == [
        ("One", "https://ads.test/1"),
        ("Two", "https://ads.test/2"),
        ("", None),
        ("Three", "https://ads.test/3"),
    ]
    assert out[0].body == "First ad"
    assert out[0].posted_at == "2024-05-01T10:00:00Z"  # from WARC-Date
    assert out[1].body == "Se\u00f1ora"  # charset from the HTTP header
    assert (out[2].id, out[2].body) == ("j1", "from json")
    assert [a.id for a in out] == [a.id for a in read_source(path)]  # deterministic


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_archive_keeps_what_was_read(tmp_path, gz):
    data, offsets = _archive(gz)
    cut = offsets[3] + (offsets[4] - offsets[3]) // 2  # in the middle of page "Two"
    path = tmp_path / "t.warc"
    path.write_bytes(data[:cut])
    out = list(read_source(path, fmt="warc"))
    assert [type(x) for x in out] == [Ad, Rejected]
    assert out[0].title == "One"
    assert out[1].location == f"{path}#{offsets[3]}"
    assert out[1].code == "warc.truncated"


def test_archive_cut_inside_the_last_record(tmp_path):
    data, offsets = _archive(False)
    path = tmp_path / "t.warc"
    path.write_bytes(data[:-100])
    out = list(read_source(path))
    assert [getattr(x, "title", None) for x in out[:3]] == ["One", "Two", ""]
    assert (out[3].location, out[3].code) == (f"{path}#{offsets[7]}", "warc.truncated")


def test_corrupt_bytes_are_reported_and_not_echoed(tmp_path, capsys):
    data, offsets = _archive(True)
    path = tmp_path / "c.warc.gz"
    path.write_bytes(data[: offsets[3]] + b"SECRET-GARBAGE" * 50 + data[offsets[3] :])
    out = list(read_source(path))
    assert [type(x) for x in out] == [Ad, Rejected]
    assert (out[1].location, out[1].code) == (f"{path}#{offsets[3]}", "warc.corrupt")
    plain, _ = _archive(False)
    _, plain_offsets = _archive(False)
    bad_length = plain[: plain_offsets[2] - 4] + b"SECRET-GARBAGE\r\n" + plain[plain_offsets[2] - 4 :]
    path.write_bytes(bad_length)
    out = list(read_source(path, fmt="warc"))
    assert [x.code if isinstance(x, Rejected) else x.title for x in out] == [
        "One",
        "warc.bad_length",
        "Two",
        "",
        "Three",
    ]
    captured = capsys.readouterr()
    assert "SECRET" not in captured.err + captured.out


def test_not_a_warc_at_all(tmp_path):
    path = tmp_path / "x.warc"
    path.write_bytes(b"hello, this is not an archive\n" * 10)
    (only,) = read_source(path)
    assert (only.location, only.code) == (f"{path}#0", "warc.corrupt")
