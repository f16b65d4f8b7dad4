"""CSV and TSV with a header row; columns map to ad fields by name or by ``mapping``."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import IO

from tipwatch.engine.readers._common import (
    AD_FIELDS,
    MAX_LINE_BYTES,
    SourceError,
    clean_text,
    decode_bytes,
    iter_lines,
)
from tipwatch.engine.types import Ad, AdError, Rejected, ad_from_dict

__all__ = ["COLUMN_NAMES", "read_csv"]

#: Column names recognised (case-insensitively) for each ad field when no mapping is given.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "ad_id", "uid", "post_id"),
    "body": ("body", "text", "description", "content", "message"),
    "title": ("title", "subject", "headline"),
    "url": ("url", "link", "href"),
    "country": ("country", "country_code"),
    "city": ("city", "town", "location"),
    "lang": ("lang", "language"),
    "posted_at": ("posted_at", "date", "created", "created_at", "posted", "timestamp"),
}

_FIELD_LIMIT = MAX_LINE_BYTES
_DELIMITERS = ",;\t|"


def _ensure_field_limit() -> None:
    # csv.field_size_limit is process-wide: only ever raise it, never lower what others set.
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)


class _Lines:
    """Feeds decoded lines to csv.reader while remembering line numbers and damage."""

    def __init__(self, stream: IO[bytes]):
        self._it = iter_lines(stream)
        self.lineno = 0
        self.too_long = False  # a line of the current record was over the limit
        self.repaired = False  # a line of the current record had invalid UTF-8

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = next(self._it)
        self.lineno += 1
        if raw is None:
            self.too_long = True
            return "\n"  # stands in for the dropped line; the record is rejected afterwards
        if self.lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        text, repaired = decode_bytes(raw)
        self.repaired |= repaired
        return text


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _resolve_columns(header: list[str], mapping: Mapping[str, str] | None, name: str) -> dict[str, int]:
    """Ad field -> column index, from the mapping or from the usual column names."""
    index = {col.strip(): i for i, col in enumerate(header)}
    if mapping:
        unknown = sorted(set(mapping) - set(AD_FIELDS))
        if unknown:
            raise SourceError(
                f"{name}: mapping names unknown ad field(s) {', '.join(unknown)}; "
                f"valid fields are {', '.join(AD_FIELDS)}",
                "source.bad_mapping",
            )
        missing = sorted(col for col in mapping.values() if col not in index)
        if missing:
            raise SourceError(
                f"{name}: mapping names column(s) {', '.join(missing)} that the header lacks; "
                f"the header has {', '.join(index)}",
                "source.bad_mapping",
            )
        return {field: index[col] for field, col in mapping.items()}
    lower = {col.lower(): i for col, i in reversed(index.items())}
    found: dict[str, int] = {}
    for field, names in COLUMN_NAMES.items():
        for col in names:
            if col in lower:
                found[field] = lower[col]
                break
    if "body" not in found and "title" not in found:
        raise SourceError(
            f"{name}: no text column found (looked for {', '.join(COLUMN_NAMES['body'])}); "
            "name it body or pass a mapping such as {'body': 'my_column'}",
            "source.bad_mapping",
        )
    return found


def read_csv(
    stream: IO[bytes],
    name: str,
    *,
    delimiter: str | None = None,
    mapping: Mapping[str, str] | None = None,
    base_id: str | None = None,
) -> Iterator[Ad | Rejected]:
    """Yield an :class:`Ad` per data row of a CSV/TSV ``stream``, or a :class:`Rejected`.

    The first row is the header. ``delimiter`` defaults to the most frequent of ``, ; TAB |``
    in the header. Columns that are not ad fields go to ``ad.extra`` under their name.
    Raises :class:`SourceError` when the header is missing or the mapping does not fit it.
    """
    _ensure_field_limit()
    lines = _Lines(stream)
    first = next(lines, None)
    while first is not None and not first.strip():
        first = next(lines, None)
    if first is None:
        return
    delimiter = delimiter or _sniff_delimiter(first)
    header_row = next(csv.reader([first], delimiter=delimiter), [])
    header = [clean_text(col) for col in header_row]
    columns = _resolve_columns(header, mapping, name)
    used = set(columns.values())
    extras = [(i, col) for i, col in enumerate(header) if i not in used and col]
    width = len(header)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        start = lines.lineno + 1
        lines.too_long = lines.repaired = False
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # csv's messages describe the syntax ("unexpected end of data"), never the content
            yield Rejected(f"{name}:{start}", "csv.bad_row", f"malformed CSV: {exc}; check the quoting")
            continue
        where = f"{name}:{start}"
        if lines.too_long:
            yield Rejected(where, "csv.too_long", "a line of this record is longer than 16 MB")
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            yield Rejected(
                where, "csv.wrong_columns", f"expected {width} columns as in the header, got {len(row)}"
            )
            continue
        data = {field: clean_text(row[i]) for field, i in columns.items()}
        for field in AD_FIELDS:
            if field in data and not data[field].strip():
                del data[field]  # an empty cell means "unknown", not an empty value
        default_id = f"{base_id}-{start}" if base_id else None
        try:
            ad = ad_from_dict(data, default_id=default_id)
        except AdError as exc:
            yield Rejected(where, exc.code, str(exc))
            continue
        for i, col in extras:
            ad.extra[col] = clean_text(row[i])
        if lines.repaired:
            ad.extra["encoding_repaired"] = True
        yield ad
