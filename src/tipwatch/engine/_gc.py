"""Rarer cycle collection while the engine streams through many texts.

Extraction and term matching make many short-lived objects (match lists, tuples, entities) and
almost no reference cycles. With CPython's default first-generation threshold (700 allocations)
the cycle collector runs every few ads and, every so often, walks the whole heap (gazetteer,
lexicons, memos): 3-4% of the CPU time of a long run. Raising the threshold for the duration of
a batch job makes that negligible; the results are the same (the threshold only decides *when*
unreachable cycles are freed, never what a computation returns).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["GC_THRESHOLD", "fewer_collections"]

GC_THRESHOLD = 10_000


@contextmanager
def fewer_collections(threshold: int = GC_THRESHOLD) -> Iterator[None]:
    """Raise the collector's first threshold to ``threshold`` for the block, then put it back
    (unless someone changed it meanwhile, e.g. another thread's block); a threshold already as
    high, or collection switched off, is left alone."""
    old = gc.get_threshold()
    if old[0] == 0 or old[0] >= threshold:
        yield
        return
    gc.set_threshold(threshold, *old[1:])
    try:
        yield
    finally:
        if gc.get_threshold()[0] == threshold:
            gc.set_threshold(*old)
