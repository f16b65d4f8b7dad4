"""WARC archives (gzip or not): HTML responses become ads, JSON responses their records."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import WARCIterator
from warcio.recordloader import ArcWarcRecord

from tipwatch.engine.readers.html import MAX_HTML_BYTES, html_to_ad
from tipwatch.engine.readers.jsonl import read_jsonl
from tipwatch.engine.types import Ad, AdError, Rejected

__all__ = ["read_warc"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_JSON_TYPES = ("application/json", "application/x-ndjson", "application/jsonl", "application/jsonlines")


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """``"text/html; charset=latin-1"`` -> ``("text/html", "latin-1")``."""
    if not content_type:
        return "", None
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")[:40] or None
    return media.strip().lower(), charset


def read_warc(stream: IO[bytes], name: str) -> Iterator[Ad | Rejected]:
    """Yield an :class:`Ad` per successful (2xx) HTML response record of a WARC ``stream``.

    The url comes from ``WARC-Target-URI``, ``posted_at`` from the page or else ``WARC-Date``.
    JSON / JSON Lines responses yield their records. Other records (requests, metadata,
    images, errors, redirects) are skipped silently. A truncated or corrupt archive yields
    a :class:`Rejected` at ``"path#offset"`` (byte offset of the record where reading
    stopped) after everything read before it.
    """
    records = WARCIterator(stream)  # WARC only: the ARC fallback would "parse" any text file
    # warcio writes the bytes that follow a record with a wrong Content-Length to stderr; they
    # may be personal data, so the message is blanked and the damage reported as a Rejected.
    records.INC_RECORD = ""
    it = iter(records)
    while True:
        # read_to_end() below moved .offset to the start of the record next() is about to parse
        offset = records.offset
        where = f"{name}#{offset}"
        try:
            record = next(it)
        except StopIteration:
            # warcio ends quietly when a gzip member is cut short: bytes read past the last
            # complete record mean the archive was truncated there
            if records.fh.tell() > records.offset:
                yield _truncated(f"{name}#{records.offset}")
            return
        except Exception as exc:  # warcio raises anything from ValueError to AttributeError on garbage
            yield _corrupt(where, exc)
            return
        errors = records.err_count
        try:
            results = list(_record_ads(record, where))
            records.read_to_end()
        except Exception as exc:
            yield _corrupt(where, exc)
            return
        if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside this record
            yield _truncated(where)
            return
        yield from results
        if records.err_count > errors:
            yield Rejected(
                where,
                "warc.bad_length",
                "unexpected bytes after this record (wrong Content-Length?); reading went on with the "
                "next record, check the archive with warcio check",
            )


def _truncated(where: str) -> Rejected:
    return Rejected(
        where,
        "warc.truncated",
        "archive ends inside this record; records before it were read, re-fetch the file for the rest",
    )


def _corrupt(where: str, exc: Exception) -> Rejected:
    return Rejected(
        where,
        "warc.corrupt",
        f"cannot parse the record at this offset ({type(exc).__name__}); records before it were read, "
        "repair or re-fetch the file for the rest",
    )


def _record_ads(record: ArcWarcRecord, where: str) -> Iterator[Ad | Rejected]:
    if record.rec_type != "response" or record.http_headers is None:
        return
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return
    media, charset = _media_type(record.http_headers.get_header("Content-Type"))
    if media in _HTML_TYPES:
        data = record.content_stream().read(MAX_HTML_BYTES)
        try:
            yield html_to_ad(
                data,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                charset=charset,
                posted_at=record.rec_headers.get_header("WARC-Date"),
            )
        except AdError as exc:
            yield Rejected(where, exc.code, str(exc))
    elif media in _JSON_TYPES:
        data = record.content_stream().read(MAX_HTML_BYTES)
        yield from read_jsonl(io.BytesIO(data), where)
