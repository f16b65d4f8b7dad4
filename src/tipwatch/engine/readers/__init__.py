"""Readers: turn files, directories, archives and crawls into :class:`~tipwatch.engine.types.Ad` records.

>>> for item in read_source("ads.jsonl"):  # doctest: +SKIP
...     if isinstance(item, Rejected):
...         print(item.location, item.code, item.reason)  # "ads.jsonl:17 jsonl.bad_json invalid JSON: ..."
...     else:
...         handle(item)

Every reader streams: memory stays bounded whatever the size of the source. Records that
cannot be read come out as ``Rejected(location, code, reason)`` in the stream, in order,
and never quote the record (it may hold personal data); a source that cannot be read at all
raises :class:`SourceError` when ``read_source`` is called.

Formats (``FORMATS``): ``jsonl`` (``.jsonl``, ``.ndjson``, ``.json``; ``"-"`` is stdin), ``csv``
(``.csv``, ``.tsv``), ``html`` (``.html``/``.htm`` or a directory of them, recursively, sorted)
and ``warc`` (``.warc``, ``.warc.gz``, as written by :func:`crawl`).
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from tipwatch.engine.readers._common import AD_FIELDS, SourceError
from tipwatch.engine.readers.crawl import CrawlStats, crawl
from tipwatch.engine.readers.csv_reader import read_csv
from tipwatch.engine.readers.html import html_files, html_to_ad, read_html
from tipwatch.engine.readers.jsonl import read_jsonl
from tipwatch.engine.readers.warc import read_warc
from tipwatch.engine.types import Ad, Rejected

__all__ = [
    "CrawlStats",
    "FORMATS",
    "SourceError",
    "count_hint",
    "crawl",
    "detect_format",
    "html_to_ad",
    "read_source",
]

#: The formats ``read_source(fmt=...)`` accepts.
FORMATS = ("jsonl", "csv", "html", "warc")

_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
}
_COUNT_CHUNK = 1024 * 1024


def _unknown_format(path: str) -> SourceError:
    return SourceError(
        f"{path}: cannot tell the format; give the file a known extension "
        f"({', '.join(sorted(_SUFFIXES))}, .warc.gz) or pass fmt= one of {', '.join(FORMATS)}",
        "source.unknown_format",
    )


def _sniff(path: Path) -> str | None:
    """Format from the first bytes of a file with an unhelpful name."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as fh:
                inner = fh.read(5)
        except (OSError, EOFError):
            return None
        return "warc" if inner == b"WARC/" else None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"WARC/"):
        return "warc"
    if text.startswith(b"{"):
        return "jsonl"
    if text.startswith(b"<"):
        return "html"
    return None


def detect_format(source: str | Path) -> str:
    """The format of ``source`` from its name, or its first bytes; raises :class:`SourceError`."""
    if str(source) == "-":
        return "jsonl"
    path = Path(source)
    if path.is_dir():
        return "html"
    name = path.name.lower()
    if name.endswith((".warc.gz", ".warc.gzip")):
        return "warc"
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None and path.is_file():
        fmt = _sniff(path)
    if fmt is None:
        raise _unknown_format(str(source))
    return fmt


def read_source(
    source: str | Path,
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    base_id: str | None = None,
) -> Iterator[Ad | Rejected]:
    """Read ``source`` as a stream of :class:`Ad` and :class:`Rejected`, in source order.

    ``source`` is a file, a directory of HTML pages, or ``"-"`` for JSON Lines on stdin.
    ``fmt`` (one of :data:`FORMATS`) overrides detection. ``mapping`` (csv, jsonl) maps ad
    fields to column names or keys, e.g. ``{"body": "text", "id": "ad_id"}``. ``base_id``
    (csv, jsonl) gives records without an id the id ``"{base_id}-{line}"`` instead of their
    content hash; pages (html, warc) always get ``"h" + sha256(url or path)[:20]``.

    Raises :class:`SourceError` (``source.not_found``, ``source.unknown_format``,
    ``source.bad_mapping``) at once, before any record is read. A csv header that does
    not fit the mapping raises it when the first record is read.
    """
    name = str(source)
    if fmt is not None and fmt not in FORMATS:
        raise SourceError(
            f"{name}: unknown format {fmt!r}; use one of {', '.join(FORMATS)}", "source.unknown_format"
        )
    if mapping:
        bad = sorted(set(mapping) - set(AD_FIELDS))
        if bad:
            raise SourceError(
                f"mapping for {name} names unknown ad field(s) {', '.join(bad)}; valid fields are {', '.join(AD_FIELDS)}",
                "source.bad_mapping",
            )
    if name == "-":
        fmt = fmt or "jsonl"
        if fmt == "html":
            raise SourceError(
                "html cannot be read from stdin; give a file or a directory", "source.unknown_format"
            )
        return _read_stream(sys.stdin.buffer, "<stdin>", fmt, mapping, base_id, delimiter=None)
    path = Path(source)
    if not path.exists():
        raise SourceError(f"{name}: no such file or directory; check the path", "source.not_found")
    fmt = fmt or detect_format(path)
    if mapping and fmt in ("html", "warc"):
        raise SourceError(f"{name}: a mapping applies to csv and jsonl only, not {fmt}", "source.bad_mapping")
    if path.is_dir():
        if fmt != "html":
            raise SourceError(
                f"{name} is a directory; only html can be read from a directory (give a file for {fmt})",
                "source.unknown_format",
            )
        return read_html(html_files(path))
    if fmt == "html":
        return read_html([path])
    delimiter = "\t" if fmt == "csv" and path.suffix.lower() == ".tsv" else None
    return _read_file(path, name, fmt, mapping, base_id, delimiter)


def _read_file(
    path: Path,
    name: str,
    fmt: str,
    mapping: Mapping[str, str] | None,
    base_id: str | None,
    delimiter: str | None,
) -> Iterator[Ad | Rejected]:
    # A generator, so the file is opened on first read and closed when the stream ends.
    with open(path, "rb") as fh:
        yield from _read_stream(fh, name, fmt, mapping, base_id, delimiter)


def _read_stream(
    stream: IO[bytes],
    name: str,
    fmt: str,
    mapping: Mapping[str, str] | None,
    base_id: str | None,
    delimiter: str | None,
) -> Iterator[Ad | Rejected]:
    if fmt == "jsonl":
        return read_jsonl(stream, name, mapping=mapping, base_id=base_id)
    if fmt == "csv":
        return read_csv(stream, name, delimiter=delimiter, mapping=mapping, base_id=base_id)
    return read_warc(stream, name)


def count_hint(source: str | Path) -> int | None:
    """A cheap estimate of how many records ``source`` holds, for progress bars; None if unknown.

    Lines for jsonl and csv (less the header), files for a directory, 1 for an html page,
    None for stdin, archives and anything unreadable. Never raises.
    """
    if str(source) == "-":
        return None
    path = Path(source)
    try:
        fmt = detect_format(path)
        if path.is_dir():
            return len(html_files(path))
        if fmt == "html":
            return 1
        if fmt not in ("jsonl", "csv"):
            return None
        lines = 0
        last = b"\n"
        with open(path, "rb") as fh:
            while chunk := fh.read(_COUNT_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        if last != b"\n":
            lines += 1  # a last line without a newline
        return max(lines - 1, 0) if fmt == "csv" else lines
    except (OSError, SourceError):
        return None
