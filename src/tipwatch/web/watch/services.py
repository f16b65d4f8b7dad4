"""Watchlist services: the per-organisation matcher, scanning ads, checking names, adding terms.

    added, skipped = add_terms(watchlist, "Golden Star Models\\n@goldenstar_jobs", user=request.user)
    new_alerts = scan_ads(org, Ad.objects.for_org(org).filter(run=run))   # after an ingest batch
    alerts = check_names(org, ["newbornsecks", "quiet_dave"], "username", actor=request.user)

One :class:`~tipwatch.engine.termmatch.TermMatcher` per organisation is built from the terms of
its active watchlists and cached in the process; it is rebuilt when a cheap aggregate over the
organisation's watchlists (latest change, number, highest and sum of active term ids) changes.
Alerts are created idempotently: scanning an ad or checking a name twice raises nothing new.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet, Sum

from tipwatch.engine.termmatch import TermMatcher, fold
from tipwatch.web import audit
from tipwatch.web.ads.models import Ad
from tipwatch.web.watch.models import (
    MATCHED_MAX,
    SUBJECT_MAX,
    TERM_MAX,
    Alert,
    SourceKind,
    Watchlist,
    WatchTerm,
)

__all__ = [
    "MAX_NAMES",
    "NAME_KINDS",
    "AddResult",
    "add_terms",
    "check_names",
    "clear_cache",
    "matcher_for",
    "remove_term",
    "scan_ads",
    "split_lines",
]

# Kinds a pasted name can be; chat rooms are stored as channels (one kind of named place).
NAME_KINDS: dict[str, str] = {
    "username": SourceKind.USERNAME,
    "channel": SourceKind.CHANNEL,
    "room": SourceKind.CHANNEL,
    "chatroom": SourceKind.CHANNEL,
    "title": SourceKind.TITLE,
    "text": SourceKind.TEXT,
}
MAX_NAMES = 10_000  # per check: a pasted or uploaded list longer than this is refused
MAX_TERMS_PER_PASTE = 2_000
_SCAN_CHUNK = 500
_CACHE_ORGS = 64

_lock = threading.Lock()
_cache: OrderedDict[int, tuple[tuple, TermMatcher | None]] = OrderedDict()


@dataclass(frozen=True, slots=True)
class AddResult:
    added: int
    duplicates: int
    rejected: list[tuple[int, str]]  # (line number, reason) of lines that cannot be terms


def clear_cache() -> None:
    """Forget every cached matcher (tests; a process that changed terms outside the ORM)."""
    with _lock:
        _cache.clear()


def _terms_key(organisation) -> tuple:
    active = Q(active=True)
    agg = Watchlist.objects.for_org(organisation).aggregate(
        changed=Max("updated_at"),
        n=Count("terms", filter=active),
        top=Max("terms__id", filter=active),
        total=Sum("terms__id", filter=active),
    )
    return (agg["changed"], agg["n"], agg["top"], agg["total"])


def matcher_for(organisation) -> TermMatcher | None:
    """The organisation's matcher over the terms of its active watchlists (None when it has none).

    Hits carry ``key == (term id, watchlist id)``.
    """
    key = _terms_key(organisation)
    with _lock:
        cached = _cache.get(organisation.pk)
        if cached is not None and cached[0] == key:
            _cache.move_to_end(organisation.pk)
            return cached[1]
    rows = (
        WatchTerm.objects.for_org(organisation)
        .filter(watchlist__active=True)
        .values_list("id", "watchlist_id", "term")
    )
    pairs = [(term, (tid, wid)) for tid, wid, term in rows.order_by("id") if fold(term).text.strip()]
    matcher = TermMatcher(pairs) if pairs else None
    with _lock:
        _cache[organisation.pk] = (key, matcher)
        _cache.move_to_end(organisation.pk)
        while len(_cache) > _CACHE_ORGS:
            _cache.popitem(last=False)
    return matcher


def split_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines of a paste or upload as (line number, stripped line)."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def add_terms(watchlist: Watchlist, text: str, *, user=None, note: str = "") -> AddResult:
    """Add one term per non-blank line of ``text`` to ``watchlist``.

    Lines already on the list count as duplicates; lines longer than 200 characters or with no
    letters or digits once folded are rejected with their line number.
    """
    lines = split_lines(text)
    if len(lines) > MAX_TERMS_PER_PASTE:
        raise ValueError(
            f"add_terms: {len(lines)} lines pasted; at most {MAX_TERMS_PER_PASTE} terms at once, split the list"
        )
    rejected: list[tuple[int, str]] = []
    wanted: dict[str, int] = {}
    for lineno, term in lines:
        if len(term) > TERM_MAX:
            rejected.append((lineno, f"longer than {TERM_MAX} characters; shorten it"))
        elif not fold(term).text.strip():
            rejected.append((lineno, "no letters or digits once folded; spell it out"))
        else:
            wanted.setdefault(term, lineno)
    existing = set(
        WatchTerm.objects.filter(watchlist=watchlist, term__in=list(wanted)).values_list("term", flat=True)
    )
    fresh = [t for t in wanted if t not in existing]
    with transaction.atomic():
        WatchTerm.objects.bulk_create(
            [WatchTerm(watchlist=watchlist, term=t, note=note[:300], added_by=user) for t in fresh],
            ignore_conflicts=True,
        )
        watchlist.save(update_fields=["updated_at"])  # a new matcher for the organisation
    audit.record(
        "watch.terms.add",
        actor=user,
        organisation=watchlist.organisation_id,
        obj=watchlist,
        added=len(fresh),
        duplicates=len(lines) - len(rejected) - len(fresh),
        rejected=len(rejected),
    )
    return AddResult(len(fresh), len(lines) - len(rejected) - len(fresh), rejected)


def remove_term(term: WatchTerm, *, user=None) -> None:
    """Remove ``term`` from its list; its alerts stay, keeping the term's text."""
    watchlist = term.watchlist
    term_id = term.pk
    with transaction.atomic():
        term.delete()
        watchlist.save(update_fields=["updated_at"])
    audit.record(
        "watch.terms.remove",
        actor=user,
        organisation=watchlist.organisation_id,
        obj=watchlist,
        term_id=term_id,
    )


def _alert(organisation, hit, source_kind: str, field: str, *, ad_id=None, subject: str = "") -> Alert:
    term_id, watchlist_id = hit.key
    return Alert(
        organisation=organisation,
        watchlist_id=watchlist_id,
        term_id=term_id,
        term_text=hit.term[:TERM_MAX],
        source_kind=source_kind,
        ad_id=ad_id,
        subject=subject,
        field=field,
        matched=hit.matched[:MATCHED_MAX],
        start=hit.start,
        end=hit.end,
        match_kind=hit.kind,
    )


def _org_ads(organisation, ads: Iterable[Ad] | QuerySet) -> Iterable[Ad]:
    if isinstance(ads, QuerySet):
        return (
            ads.filter(organisation=organisation)
            .only("id", "organisation_id", "title", "body")
            .iterator(chunk_size=_SCAN_CHUNK)
        )
    return ads


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def scan_ads(organisation, ads: Iterable[Ad] | QuerySet, *, actor=None) -> int:
    """Match the title and body of each ad against the organisation's active terms.

    ``ads`` is a queryset (narrowed to the organisation here) or Ad rows, which must all belong
    to the organisation. Returns the number of new alerts; audit-logs the scan.
    """
    matcher = matcher_for(organisation)
    scanned = created = 0
    for chunk in _chunks(_org_ads(organisation, ads), _SCAN_CHUNK):
        for ad in chunk:
            if ad.organisation_id != organisation.pk:
                raise ValueError(
                    f"scan_ads: ad {ad.pk} belongs to another organisation; pass ads of {organisation.slug} only"
                )
        scanned += len(chunk)
        if matcher is None:
            continue
        found = matcher.find_many(t for ad in chunk for t in (ad.title or "", ad.body or ""))
        candidates: list[Alert] = []
        for i, ad in enumerate(chunk):
            for field, hits in (("title", found[2 * i]), ("body", found[2 * i + 1])):
                candidates.extend(_alert(organisation, h, SourceKind.AD, field, ad_id=ad.pk) for h in hits)
        if not candidates:
            continue
        seen = set(
            Alert.objects.filter(ad_id__in={a.ad_id for a in candidates}, term__isnull=False).values_list(
                "term_id", "ad_id", "field", "start"
            )
        )
        fresh = {(a.term_id, a.ad_id, a.field, a.start): a for a in candidates}
        new = [a for k, a in fresh.items() if k not in seen]
        Alert.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent scan may have won a row
        created += len(new)
    if scanned:
        audit.record("watch.scan", actor=actor, organisation=organisation, ads=scanned, alerts=created)
    return created


def check_names(organisation, names: list[str], kind: str, *, actor=None) -> list[Alert]:
    """Alerts for usernames, channel or chat-room names (or titles, texts) that match a term.

    ``kind`` is one of ``NAME_KINDS``. Blank names are ignored; a name longer than 300
    characters is refused. Checking a name again returns its existing alerts, creating none.
    """
    source_kind = NAME_KINDS.get(kind)
    if source_kind is None:
        raise ValueError(f"check_names: kind {kind!r} is not one of {sorted(NAME_KINDS)}")
    clean = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if len(clean) > MAX_NAMES:
        raise ValueError(
            f"check_names: {len(clean)} names given; at most {MAX_NAMES} at once, split the list"
        )
    for n, name in enumerate(clean, 1):
        if len(name) > SUBJECT_MAX:
            raise ValueError(f"check_names: name #{n} is longer than {SUBJECT_MAX} characters; shorten it")
    matcher = matcher_for(organisation)
    alerts: list[Alert] = []
    if matcher is not None and clean:
        for name, hits in zip(clean, matcher.find_many(clean), strict=True):
            alerts.extend(_alert(organisation, h, source_kind, source_kind, subject=name) for h in hits)
    if alerts:
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)
        # reload: the rows created now and those earlier checks created, with their ids and statuses
        keys = {(a.term_id, a.subject, a.start) for a in alerts}
        alerts = []
        for subjects in _chunks(sorted({subject for _, subject, _ in keys}), _SCAN_CHUNK):
            rows = (
                Alert.objects.for_org(organisation)
                .filter(ad__isnull=True, source_kind=source_kind, subject__in=subjects)
                .select_related("watchlist")
            )
            alerts.extend(a for a in rows if (a.term_id, a.subject, a.start) in keys)
        alerts.sort(key=lambda a: (a.subject, a.start, a.term_text, a.pk))
    audit.record(
        "watch.check_names",
        actor=actor,
        organisation=organisation,
        kind=source_kind,
        names=len(clean),
        alerts=len(alerts),
    )
    return alerts
