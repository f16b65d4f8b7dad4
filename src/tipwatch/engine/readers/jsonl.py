"""JSON Lines: one ad object per line, streamed in binary, never loaded whole."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO

from tipwatch.engine.readers._common import MAX_LINE_BYTES, clean_value, decode_bytes, iter_lines
from tipwatch.engine.types import Ad, AdError, Rejected, ad_from_dict

__all__ = ["read_jsonl"]

_BOM = b"\xef\xbb\xbf"


def read_jsonl(
    stream: IO[bytes],
    name: str,
    *,
    mapping: Mapping[str, str] | None = None,
    base_id: str | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Ad | Rejected]:
    """Yield an :class:`Ad` per JSON object line of ``stream``, or a :class:`Rejected`.

    ``name`` is the path shown in locations (``"ads.jsonl:17"``). Blank lines are skipped;
    invalid UTF-8 is repaired with U+FFFD (``ad.extra["encoding_repaired"] = True``);
    control characters are stripped from every string. ``mapping`` renames keys
    (ad field -> key in the record); ``base_id`` gives records without an id the id
    ``"{base_id}-{line}"`` instead of a content hash.
    """
    renames = [(field, key) for field, key in (mapping or {}).items() if field != key]
    lineno = 0
    for raw in iter_lines(stream, max_line_bytes):
        lineno += 1
        where = f"{name}:{lineno}"
        if raw is None:
            yield Rejected(
                where,
                "jsonl.too_long",
                f"line longer than {max_line_bytes // (1024 * 1024)} MB: split the record or shorten its text",
            )
            continue
        if lineno == 1 and raw.startswith(_BOM):
            raw = raw[3:]
        if not raw.strip():
            continue
        text, repaired = decode_bytes(raw)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            # exc.msg and the column only: the message must never quote the record
            yield Rejected(where, "jsonl.bad_json", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield Rejected(where, "jsonl.bad_json", "invalid JSON: nested too deeply")
            continue
        if not isinstance(data, dict):
            yield Rejected(where, "ad.not_object", f"expected a JSON object, got {_json_type(data)}")
            continue
        data = clean_value(data)
        for field, key in renames:
            if key in data:
                data[field] = data.pop(key)
        default_id = f"{base_id}-{lineno}" if base_id else None
        try:
            ad = ad_from_dict(data, default_id=default_id)
        except AdError as exc:
            yield Rejected(where, exc.code, str(exc))
            continue
        if repaired:
            ad.extra["encoding_repaired"] = True
        yield ad


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
