"""Pieces every reader shares: the error type, text cleaning and bounded line reading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

__all__ = [
    "AD_FIELDS",
    "MAX_LINE_BYTES",
    "SourceError",
    "clean_text",
    "clean_value",
    "decode_bytes",
    "iter_lines",
]

#: Longest physical line (JSON Lines record, CSV line) a reader accepts, in bytes.
MAX_LINE_BYTES = 16 * 1024 * 1024
# readline() is always called with this limit, so a hostile line without a newline
# never lands in memory in one piece.
_CHUNK = 1024 * 1024

#: Ad fields a ``mapping`` may name (see :class:`tipwatch.engine.types.Ad`).
AD_FIELDS = ("id", "title", "body", "url", "country", "city", "lang", "posted_at")

# C0 controls but \t and \n, DEL, C1 controls, and lone surrogates (from JSON "\ud800" escapes,
# which would make any later .encode("utf-8") fail). \r goes too: "\r\n" becomes "\n".
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class SourceError(ValueError):
    """A source that cannot be read at all (missing file, unknown format, bad mapping).

    ``code`` is stable (``"source.not_found"`` ...); ``str()`` names the path and the fix.
    Records that fail one by one are reported as :class:`~tipwatch.engine.types.Rejected`
    instead, and the rest of the source is still read.
    """

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def clean_text(text: str) -> str:
    """Drop control characters (but newline and tab) and lone surrogates from ``text``."""
    if text.isprintable():  # fast path: no control character at all (\n and \t are not printable)
        return text
    return _CONTROL.sub("", text)


def clean_value(value: Any) -> Any:
    """:func:`clean_text` applied to every string inside a decoded JSON value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value


def decode_bytes(data: bytes, encoding: str = "utf-8") -> tuple[str, bool]:
    """Decode ``data``; on invalid bytes decode with replacement and say so (``repaired``)."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError:
        return data.decode(encoding, errors="replace"), True
    except LookupError:  # unknown charset name from a header: UTF-8 is the best guess
        return decode_bytes(data, "utf-8")


def iter_lines(stream: IO[bytes], max_bytes: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """Yield the physical lines of a binary stream, or ``None`` for a line over ``max_bytes``.

    The over-long line is read and thrown away in 1 MB chunks, so memory stays bounded
    by ``max_bytes`` whatever the input. Lines keep their trailing newline.
    """
    readline = stream.readline
    while True:
        piece = readline(_CHUNK)
        if not piece:
            return
        if piece[-1:] == b"\n" and len(piece) <= max_bytes:  # the common case: one read, one line
            yield piece
            continue
        parts = [piece]
        size = len(piece)
        while piece[-1:] != b"\n" and size <= max_bytes:
            piece = readline(_CHUNK)
            if not piece:
                break
            parts.append(piece)
            size += len(piece)
        if size <= max_bytes:
            yield b"".join(parts)
            continue
        parts.clear()  # release what was held; the rest of the line is only skipped
        while piece and piece[-1:] != b"\n":
            piece = readline(_CHUNK)
        yield None
