"""Storing extracted ads: the service the CLI and the demo loader call.

    run = start_run(org, "escort-site-dump", "jsonl")
    for batch in batches:                      # lists of (engine Ad, ExtractResult)
        counts = store_batch(org, batch, source=run.source, run=run)
    finish_run(run, {"read": n, "new": new, "duplicate": dup, "rejected": len(rejects)}, rejects, "completed")

Idempotent: an ad whose content hash the organisation already holds is a duplicate and is
skipped, with its mentions, so entity counters only ever count each ad once. Each batch is one
transaction, so a crash leaves whole batches behind; re-running the same input completes the job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from tipwatch.web import audit
from tipwatch.web.ads.models import CONTACT_TYPES, Ad, Entity, IngestRun, Mention, Source

__all__ = ["BatchCounts", "finish_run", "start_run", "store_batch"]

_CHUNK = 900  # keeps IN (...) lists under SQLite's historical 999-parameter limit
_RUN_STATUSES = {s.value for s in IngestRun.Status}


@dataclass(frozen=True, slots=True)
class BatchCounts:
    new: int
    duplicate: int


def start_run(
    organisation, source_name: str, kind: str, *, params: dict[str, Any] | None = None
) -> IngestRun:
    """Create (or reuse) the source ``source_name`` and open a new run on it (status ``running``)."""
    source, _ = Source.objects.get_or_create(
        organisation=organisation, name=source_name[:200], defaults={"kind": kind[:40]}
    )
    run = IngestRun.objects.create(
        organisation=organisation, source=source, started_at=timezone.now(), params=params or {}
    )
    audit.record("ingest.start", organisation=organisation, obj=run, source=source.name, kind=kind)
    return run


def _count(counts: Any, name: str) -> int | None:
    if counts is None:
        return None
    value = counts.get(name) if isinstance(counts, Mapping) else getattr(counts, name, None)
    return None if value is None else int(value)


def _reject_dict(r: Any) -> dict[str, str]:
    if isinstance(r, Mapping):
        loc, code, reason = r.get("location", ""), r.get("code", ""), r.get("reason", "")
    else:
        loc, code, reason = getattr(r, "location", ""), getattr(r, "code", ""), getattr(r, "reason", "")
    return {"location": str(loc)[:300], "code": str(code)[:80], "reason": str(reason)[:300]}


def finish_run(
    run: IngestRun, counts: Any = None, rejects: Iterable[Any] = (), status: str = "completed"
) -> IngestRun:
    """Close ``run``: set its status and final counts, keep the first 1000 rejects.

    ``counts`` is a mapping or an object with ``read``, ``new``, ``duplicate``, ``rejected``;
    any that is missing keeps the total that :func:`store_batch` accumulated. ``rejects`` are
    :class:`tipwatch.engine.Rejected` records or ``{location, code, reason}`` dicts.
    """
    status = str(getattr(status, "value", status))
    if status not in _RUN_STATUSES:
        raise ValueError(f"finish_run: status {status!r} is not one of {sorted(_RUN_STATUSES)}")
    run.refresh_from_db()
    kept: list[dict[str, str]] = []
    total_rejects = 0
    for r in rejects:
        total_rejects += 1
        if len(kept) < IngestRun.MAX_REJECTS:
            kept.append(_reject_dict(r))
    for name in ("read", "new", "duplicate", "rejected"):
        value = _count(counts, name)
        if value is not None:
            setattr(run, name, value)
    if _count(counts, "rejected") is None and total_rejects:
        run.rejected = total_rejects
    run.rejects = kept
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    audit.record(
        "ingest.finish",
        organisation=run.organisation_id,
        obj=run,
        status=status,
        read=run.read,
        new=run.new,
        duplicate=run.duplicate,
        rejected=run.rejected,
    )
    return run


def _parse_when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def _site(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")[:253]


def _chunks(seq: Sequence, size: int = _CHUNK):
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def store_batch(
    organisation, items: Sequence[tuple[Any, Any]], *, source: Source, run: IngestRun | None
) -> BatchCounts:
    """Store a batch of ``(engine Ad, ExtractResult)`` pairs in one transaction.

    Returns how many ads were new and how many were duplicates (same content hash already
    stored for the organisation, or repeated inside the batch). Safe to call again with the
    same items: they all come back as duplicates and nothing changes.
    """
    if not items:
        return BatchCounts(0, 0)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _store(organisation, items, source, run)
        except IntegrityError:
            # Another writer stored some of these ads between our check and insert: retry, and
            # the second pass sees them as duplicates.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _store(organisation, items, source, run) -> BatchCounts:
    now = timezone.now()
    by_hash: dict[str, tuple[Any, Any]] = {}
    for ad, result in items:
        by_hash.setdefault(ad.content_hash, (ad, result))
    hashes = list(by_hash)
    existing: set[str] = set()
    for part in _chunks(hashes):
        existing.update(
            Ad.objects.filter(organisation=organisation, content_hash__in=part).values_list(
                "content_hash", flat=True
            )
        )
    fresh = [(h, by_hash[h]) for h in hashes if h not in existing]
    duplicate = len(items) - len(fresh)
    if fresh:
        _insert(organisation, fresh, source, run, now)
    if run is not None:
        IngestRun.objects.filter(pk=run.pk).update(
            read=F("read") + len(items), new=F("new") + len(fresh), duplicate=F("duplicate") + duplicate
        )
    return BatchCounts(new=len(fresh), duplicate=duplicate)


def _insert(organisation, fresh, source, run, now) -> None:
    rows: list[Ad] = []
    for h, (ad, result) in fresh:
        url = (ad.url or "")[:2000]
        rows.append(
            Ad(
                organisation=organisation,
                ext_id=str(ad.id)[:200],
                content_hash=h,
                title=ad.title or "",
                body=ad.body or "",
                url=url,
                site=_site(url),
                country=(ad.country or "")[:2],
                city=(ad.city or "")[:120],
                language=(getattr(result, "language", None) or ad.lang or "")[:16],
                region=(getattr(result, "region", None) or "")[:2],
                posted_at=_parse_when(ad.posted_at),
                first_ingested_at=now,
                has_obfuscated_contact=any(e.obfuscated and e.type in CONTACT_TYPES for e in result.entities),
                source=source,
                run=run,
            )
        )
    Ad.objects.bulk_create(rows, batch_size=500)
    if any(r.pk is None for r in rows):  # backends without RETURNING on bulk insert
        ids = {}
        for part in _chunks([r.content_hash for r in rows]):
            ids.update(
                Ad.objects.filter(organisation=organisation, content_hash__in=part).values_list(
                    "content_hash", "pk"
                )
            )
        for r in rows:
            r.pk = r.id = ids[r.content_hash]

    # Per entity key: the ads mentioning it in this batch and their earliest/latest date.
    stats: dict[tuple[str, str], list] = {}
    for row, (_h, (_ad, result)) in zip(rows, fresh, strict=True):
        seen = row.posted_at or now
        for e in result.entities:
            key = (e.type[:20], e.value[:500])
            st = stats.get(key)
            if st is None:
                stats[key] = [{row.pk}, seen, seen]
            else:
                st[0].add(row.pk)
                if seen < st[1]:
                    st[1] = seen
                if seen > st[2]:
                    st[2] = seen
    if not stats:
        return
    entities = _upsert_entities(organisation.pk, stats)

    mentions: list[tuple] = []
    for row, (_h, (_ad, result)) in zip(rows, fresh, strict=True):
        done: set[tuple] = set()
        for e in result.entities:
            entity_id = entities[(e.type[:20], e.value[:500])]
            span = (entity_id, e.field, e.start, e.end)
            if span in done:
                continue
            done.add(span)
            mentions.append(
                (
                    organisation.pk,
                    row.pk,
                    entity_id,
                    (e.field or "body")[:10],
                    max(0, int(e.start)),
                    max(0, int(e.end)),
                    (e.raw or "")[:500],
                    bool(e.obfuscated),
                    dict(e.attrs or {}),
                )
            )
    _insert_mentions(mentions)


_MENTION_COLUMNS = (
    "organisation_id",
    "ad_id",
    "entity_id",
    "field",
    "start",
    "end",
    "raw",
    "obfuscated",
    "attrs",
)


def _insert_mentions(mentions: list[tuple]) -> None:
    """Insert mention rows: COPY on PostgreSQL (several times faster than INSERT), bulk_create elsewhere."""
    if not mentions:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(f'"{c}"' for c in _MENTION_COLUMNS)
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {Mention._meta.db_table} ({columns}) FROM STDIN") as copy:
                for m in mentions:
                    copy.write_row((*m[:8], json.dumps(m[8], ensure_ascii=False, default=str)))
        return
    Mention.objects.bulk_create(
        [Mention(**dict(zip(_MENTION_COLUMNS, m, strict=True))) for m in mentions], batch_size=1000
    )


def _upsert_entities(org_id: int, stats: dict[tuple[str, str], list]) -> dict[tuple[str, str], int]:
    """Create missing entities and add this batch to every entity's counters; return their ids.

    One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per chunk: the arithmetic happens in the
    database (``ad_count = ad_count + new``), so concurrent writers never lose an update, and
    rows are taken in key order so concurrent batches lock them in the same order.
    """
    table = Entity._meta.db_table
    keys = sorted(stats)
    ids: dict[tuple[str, str], int] = {}
    upsert = (
        f"ON CONFLICT (organisation_id, type, value) DO UPDATE SET "
        f"ad_count = {table}.ad_count + excluded.ad_count, "
        f"first_seen = CASE WHEN {table}.first_seen IS NULL OR excluded.first_seen < {table}.first_seen "
        f"THEN excluded.first_seen ELSE {table}.first_seen END, "
        f"last_seen = CASE WHEN {table}.last_seen IS NULL OR excluded.last_seen > {table}.last_seen "
        f"THEN excluded.last_seen ELSE {table}.last_seen END "
        f"RETURNING id, type, value"
    )
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for part in _chunks(keys, 5000):
                cur.execute(
                    f"INSERT INTO {table} (organisation_id, type, value, ad_count, first_seen, last_seen) "
                    "SELECT %s, t, v, d, f, l FROM unnest(%s::varchar[], %s::varchar[], %s::integer[], "
                    "%s::timestamptz[], %s::timestamptz[]) AS x(t, v, d, f, l) " + upsert,
                    [
                        org_id,
                        [k[0] for k in part],
                        [k[1] for k in part],
                        [len(stats[k][0]) for k in part],
                        [stats[k][1] for k in part],
                        [stats[k][2] for k in part],
                    ],
                )
                ids.update(((t, v), pk) for pk, t, v in cur.fetchall())
            return ids
        adapt = connection.ops.adapt_datetimefield_value
        for part in _chunks(keys, 150):  # 6 parameters a row, under SQLite's 999
            params: list[Any] = []
            for k in part:
                ad_ids, first, last = stats[k]
                params += [org_id, k[0], k[1], len(ad_ids), adapt(first), adapt(last)]
            # SQLite stores datetimes as ISO text in one format, so text order is time order.
            # "WHERE true" keeps SQLite's parser from reading ON CONFLICT as a join constraint.
            cur.execute(
                f"INSERT INTO {table} (organisation_id, type, value, ad_count, first_seen, last_seen) "
                f"SELECT * FROM (VALUES {', '.join(['(%s, %s, %s, %s, %s, %s)'] * len(part))}) WHERE true "
                + upsert,
                params,
            )
            ids.update(((t, v), pk) for pk, t, v in cur.fetchall())
    return ids
