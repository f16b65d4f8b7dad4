"""Ads, the entities extracted from them, ingest runs, search and the pages that show them.

Public surface: ``store.store_batch``, ``store.start_run``, ``store.finish_run``,
``store.BatchCounts``, ``search.search``.
"""

__all__: list[str] = []
