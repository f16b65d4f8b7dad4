"""Streaming pipelines over JSON Lines: the work behind ``tipwatch extract``.

Pure engine code (no Django). Input and output are JSON Lines, one result per input line
in the same order; a line that cannot be read yields an error object in its place so that
line numbers still correspond.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

try:  # orjson is several times faster; the stdlib is the fallback
    import orjson

    def _loads(b: bytes | str) -> Any:
        return orjson.loads(b)

    def dumps(obj: Any) -> bytes:
        return orjson.dumps(obj)

    _JSONError: tuple[type[Exception], ...] = (orjson.JSONDecodeError,)
except ImportError:  # pragma: no cover
    import json

    def _loads(b: bytes | str) -> Any:
        return json.loads(b)

    def dumps(obj: Any) -> bytes:
        return json.dumps(obj, ensure_ascii=False).encode("utf-8")

    _JSONError = (json.JSONDecodeError,)

from tipwatch.engine._gc import GC_THRESHOLD, fewer_collections
from tipwatch.engine.extract import extract_ad, extract_ads
from tipwatch.engine.types import Ad, AdError, ad_from_dict

__all__ = [
    "BLANK",
    "MAX_LINE_BYTES",
    "decode_line",
    "dumps",
    "extract_line",
    "extract_lines",
    "iter_lines",
    "line_error",
    "read_ads",
]

MAX_LINE_BYTES = 16 * 1024 * 1024


def iter_lines(fp: Any, limit: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """Lines of a binary file, each at most ``limit`` bytes held in memory.

    A longer line is consumed in chunks and yielded as a marker that :func:`extract_line`
    reports as ``jsonl.too_long``, so one huge line cannot exhaust memory.
    """
    while True:
        line = fp.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # discard the rest of the over-long line
                chunk = fp.readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield _TOO_LONG
            continue
        yield line


_TOO_LONG = b"\x00too-long\x00" + b" " * 8  # sentinel: never valid JSON, recognised below


def _clean_bytes(line: bytes) -> bytes:
    try:
        line.decode("utf-8")
        return line
    except UnicodeDecodeError:
        return line.decode("utf-8", errors="replace").encode("utf-8")


BLANK = object()  # decode_line's marker for a blank line (skipped, no output)


def line_error(lineno: int, code: str, reason: str, rec_id: Any = None) -> dict[str, Any]:
    """The error object that stands in place of an unreadable line in every JSON Lines output."""
    return {"id": rec_id, "line": lineno, "error": {"code": code, "reason": reason}}


def decode_line(line: bytes, lineno: int) -> tuple[Any, dict[str, Any] | None]:
    """``(decoded JSON value, None)``, ``(None, error object)``, or ``(BLANK, None)`` for a blank line.

    The one place that reads a JSON Lines record: over-long lines (see :func:`iter_lines`),
    invalid UTF-8 (repaired) and invalid JSON are handled the same way by every command.
    """
    stripped = line.strip()
    if not stripped:
        return BLANK, None
    if stripped == _TOO_LONG.strip() or len(stripped) > MAX_LINE_BYTES:
        return None, line_error(lineno, "jsonl.too_long", "line over 16 MB")
    try:
        return _loads(_clean_bytes(stripped)), None
    except _JSONError as exc:
        return None, line_error(lineno, "jsonl.bad_json", f"invalid JSON: {exc}")


def read_ads(lines: Iterable[bytes]) -> Iterator[tuple[int, Any, dict[str, Any] | None]]:
    """``(line number, Ad or error object, decoded record or None)`` per non-blank line, in order."""
    for lineno, line in enumerate(lines, 1):
        data, error = decode_line(line, lineno)
        if data is BLANK:
            continue
        if error is not None:
            yield lineno, error, None
            continue
        try:
            yield lineno, ad_from_dict(data), data
        except AdError as exc:
            rec_id = data.get("id") if isinstance(data, dict) else None
            yield lineno, line_error(lineno, exc.code, str(exc), rec_id), None


def _decode_ad(line: bytes, lineno: int) -> Any:
    """An Ad, an error object, or None for a blank line (see :func:`extract_line`)."""
    data, error = decode_line(line, lineno)
    if data is BLANK:
        return None
    if error is not None:
        return error
    try:
        return ad_from_dict(data)
    except AdError as exc:
        ad_id = data.get("id") if isinstance(data, dict) else None
        return line_error(lineno, exc.code, str(exc), ad_id)


def extract_line(line: bytes, lineno: int, region: str | None = None) -> dict[str, Any] | None:
    """Extract one JSON Lines record. Returns None for a blank line, an error object for a bad one."""
    ad = _decode_ad(line, lineno)
    if ad is None or isinstance(ad, dict):
        return ad
    return extract_ad(ad, region=region).to_dict()


def _worker_start() -> None:
    """A pool worker only extracts: collect cycles as rarely as the single-process path does."""
    threshold = gc.get_threshold()
    if 0 < threshold[0] < GC_THRESHOLD:
        gc.set_threshold(GC_THRESHOLD, *threshold[1:])


def _work(args: tuple[bytes, int, str | None]) -> bytes | None:
    out = extract_line(*args)
    return None if out is None else dumps(out)


def _work_batch(batch: list[tuple[bytes, int]], region: str | None) -> Iterator[bytes]:
    """Serialised results of a batch of lines, in order (blank lines give nothing)."""
    decoded = [_decode_ad(line, lineno) for line, lineno in batch]
    ads = [d for d in decoded if isinstance(d, Ad)]
    results = iter(extract_ads(ads, region=region))
    for d in decoded:
        if d is None:
            continue
        yield dumps(next(results).to_dict() if isinstance(d, Ad) else d)


BATCH = 64  # lines extracted together: the language model reads a batch in one pass
# (the single-process path streams under engine/_gc.fewer_collections: the cycle collector ran
# ~740 times per 20,000 ads at the default threshold, 3% of the CPU time; ~0.5% with it)


def extract_lines(
    lines: Iterable[bytes], *, region: str | None = None, workers: int = 1, chunksize: int = 64
) -> Iterator[bytes]:
    """Yield one serialised JSON result per non-blank input line, in input order.

    ``workers > 1`` spreads the work over processes (``0`` means one per CPU); order is kept.
    One process reads :data:`BATCH` lines at a time (results come out a batch at a time).
    """
    if workers == 0:
        workers = os.cpu_count() or 1
    if workers <= 1:
        numbered = enumerate(lines, 1)
        with fewer_collections():
            while batch := [(line, i) for i, line in islice(numbered, BATCH)]:
                yield from _work_batch(batch, region)
        return
    items = ((line, i, region) for i, line in enumerate(lines, 1))
    import multiprocessing as mp

    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ctx.Pool(workers, initializer=_worker_start) as pool:
        for out in pool.imap(_work, items, chunksize=chunksize):
            if out is not None:
                yield out
