"""Recomputing an organisation's links: templates, photo groups, operations, translations.

    summary = relink(org)        # {"ads", "operations", "templates", "images", "translations", "hubs", ...}

One call reads the stored ads, runs the engine's linkers in process and rewrites the derived
rows in one transaction. It is idempotent: a second call with no new ads changes nothing (and
saves nothing), and it is audited as ``links.relink`` with counts only.

**Incremental templates, and why the keys stay.** The engine's
:class:`~tipwatch.engine.link.TemplateIndex` is incremental: relink keeps it between runs in
``TIPWATCH_HOME/links/templates-<org>.pickle``, signed with an HMAC of the ``SECRET_KEY`` (an
unsigned or tampered file is never unpickled), with the primary keys it holds. When the stored
ads still start with those keys, only the new ads are added (their mention spans read from the
store, no re-extraction): new ads join existing clusters without recomputing everything. When ads
were deleted (retention) or the file is missing, the index is rebuilt from the stored ads *in
primary-key order*. Clusters do not depend on insertion order and new ads only ever join or merge
clusters, so an existing template keeps its members and its key, ``tpl-<pk of its oldest ad>``;
a new near-copy joins it. The translation finder (every ad's embedding) is kept the same way, in
``translations-<org>.pickle``, so a relink embeds only the new ads. Photo groups are rebuilt the same way from the stored PDQ hashes (oldest image first),
so an existing group keeps its key. Operation keys come from the engine
(``op-`` + hash of the members); when a group changes, it keeps the key of the stored operation
that held most of its ads, so bookmarks and case notes that cite an operation keep working.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from tipwatch.engine.link import ImageHash, ImageIndex, TemplateIndex
from tipwatch.engine.link.images import RADIUS
from tipwatch.engine.types import Ad as EngineAd
from tipwatch.web import audit
from tipwatch.web.ads.models import Ad, Mention
from tipwatch.web.links.graphdata import OrgGraph, build_graph, contact_keys, remember
from tipwatch.web.links.models import AdImage, AdLink, AdTranslation, LinkState, Operation, Template

__all__ = ["MIN_IMAGE_QUALITY", "relink"]

log = logging.getLogger(__name__)

MIN_IMAGE_QUALITY = 50  # PDQ quality below 50: a nearly flat picture that matches too easily
_REPORT_EVERY = 200
_INDEX_VERSION = 1

Progress = Callable[[str, int, int], Any]


@dataclass(slots=True)
class _Span:
    field: str
    start: int
    end: int
    type: str


@dataclass(slots=True)
class _Extraction:
    """The part of an ``ExtractResult`` that TemplateIndex reads, rebuilt from stored mentions."""

    entities: list
    language: str | None


def _templates(organisation, ads: list[tuple], progress: Progress | None) -> tuple[dict[int, str], dict]:
    """Template key per ad pk (templates of 2+ ads only) and {key: (member pks, Template)}."""
    pks = [a[0] for a in ads]
    saved = _load_index(organisation)
    if saved is not None and pks[: len(saved[0])] == saved[0]:
        held, index = saved
    else:
        held, index = [], TemplateIndex()
    todo = ads[len(held) :]
    spans: dict[int, list[_Span]] = {}
    mentions = Mention.objects.for_org(organisation).order_by()
    if held:
        mentions = mentions.filter(ad_id__gt=held[-1])
    for ad_id, fld, start, end, typ in mentions.values_list(
        "ad_id", "field", "start", "end", "entity__type"
    ).iterator(chunk_size=5000):
        spans.setdefault(ad_id, []).append(_Span(fld, start, end, typ))
    total = len(todo)
    for n, (pk, title, body, language, *_rest) in enumerate(todo, 1):
        ad = EngineAd(id=str(pk), title=title or "", body=body or "")
        index.add(str(pk), ad, _Extraction(spans.get(pk, []), language or None))
        if progress is not None and (n % _REPORT_EVERY == 0 or n == total):
            progress("templates", n, total)
    if todo or not saved:
        _save_index(organisation, pks, index)
    of_ad: dict[int, str] = {}
    found: dict[str, tuple[list[int], str]] = {}
    for tid, members in index.templates().items():
        if len(members) < 2:
            continue
        pks = [int(m) for m in members]
        key = f"tpl-{min(pks)}"
        found[key] = (pks, tid)
        for pk in pks:
            of_ad[pk] = key
    return of_ad, {"index": index, "found": found}


def _index_path(organisation, name: str = "templates") -> Path:
    return Path(settings.TIPWATCH_HOME) / "links" / f"{name}-{organisation.pk}.pickle"


def _mac(data: bytes) -> bytes:
    key = hashlib.sha256(b"tipwatch.links.templates:" + settings.SECRET_KEY.encode("utf-8")).digest()
    return hmac.new(key, data, hashlib.sha256).digest()


def _load_index(organisation, name: str = "templates") -> tuple[list[int], Any] | None:
    """The saved (pks, index) of ``organisation``, or None when missing, unsigned or stale."""
    path = _index_path(organisation, name)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    mac, data = blob[:32], blob[32:]
    if len(blob) < 33 or not hmac.compare_digest(mac, _mac(data)):
        log.warning("links: the saved %s index failed its signature check; rebuilding it", name)
        return None
    try:
        saved = pickle.loads(data)  # noqa: S301 - our own file, verified by its HMAC above
    except Exception:  # an old or broken format: rebuild rather than fail the ingest
        log.warning("links: the saved %s index could not be read; rebuilding it", name)
        return None
    if not isinstance(saved, dict) or saved.get("version") != _INDEX_VERSION:
        return None
    return list(saved["pks"]), saved["index"]


def _save_index(organisation, pks: list[int], index: Any, name: str = "templates") -> None:
    path = _index_path(organisation, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps({"version": _INDEX_VERSION, "pks": pks, "index": index}, protocol=5)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(_mac(data))
        fh.write(data)
    os.chmod(tmp, 0o600)
    tmp.replace(path)  # atomic: a killed relink leaves the previous file


def _describe(index: TemplateIndex, tid: str) -> dict[str, Any]:
    desc = index.describe(tid)
    parts: list[list[Any]] = []
    for kind, value in desc.parts():
        if kind == "text":
            parts.append(["text", value])
        else:
            parts.append(["slot", {"kind": value.kind, "values": list(value.values)}])
    return {"parts": parts, "medoid": int(desc.medoid) if desc.medoid else None}


def _image_groups(organisation) -> tuple[dict[int, list[str]], list[AdImage]]:
    """Near-copy group per stored image (oldest first), and the rows whose group changed."""
    index = ImageIndex()
    per_ad: dict[int, list[str]] = {}
    changed: list[AdImage] = []
    by_sha: dict[str, str] = {}  # the same bytes on many ads: one lookup
    rows = (
        AdImage.objects.for_org(organisation)
        .order_by("pk")
        .only("pk", "ad_id", "sha256", "pdq", "algorithm", "quality", "variants", "group_key")
    )
    for row in rows.iterator(chunk_size=2000):
        group = by_sha.get(row.sha256)
        if group is None:
            group = ""
            if row.pdq and row.quality >= MIN_IMAGE_QUALITY:
                try:
                    near = index.near(row.pdq, RADIUS)
                except ValueError:  # a hash of another algorithm or width: it links nothing
                    near = []
                group = near[0][0] if near else f"img-{row.sha256[:16]}"
                # Trimmed copies are indexed too, so a cropped copy that comes later lands near.
                variants = tuple(row.variants or ())
                index.add(group, ImageHash(row.sha256, row.pdq, row.quality, row.algorithm, variants))
            by_sha[row.sha256] = group
        if group:
            per_ad.setdefault(row.ad_id, []).append(group)
        if group != row.group_key:
            row.group_key = group
            changed.append(row)
    return per_ad, changed


def _stable_keys(groups: dict[str, list[int]], old_of_ad: dict[int, str]) -> dict[str, str]:
    """Engine operation id -> stored key: the old key holding most of the group's ads, if any."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for op_id in sorted(groups, key=lambda o: (-len(groups[o]), o)):
        votes = Counter(old_of_ad[pk] for pk in groups[op_id] if pk in old_of_ad)
        key = op_id
        for old, _n in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if old not in used:
                key = old
                break
        used.add(key)
        out[op_id] = key
    return out


def _op_summary(og: OrgGraph, pks: list[int], meta: dict[int, tuple]) -> dict[str, Any]:
    seen = [meta[pk][1] for pk in pks]
    cities = Counter(meta[pk][0] for pk in pks if meta[pk][0])
    contacts: Counter = Counter()
    cut: dict[str, None] = {}
    is_hub = og.graph.is_hub
    for pk in pks:
        for key in og.ad_keys.get(pk, ()):
            if is_hub(key):
                cut[key] = None
            elif not key.startswith(("template:", "image:")):
                contacts[key] += 1
    top = sorted(contacts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return {
        "size": len(pks),
        "first_seen": min(seen),
        "last_seen": max(seen),
        "n_cities": len(cities),
        "summary": {
            "top_contacts": [[k, n, og.key_entity.get(k)] for k, n in top],
            "cities": [[c, n] for c, n in cities.most_common(10)],
            "cut": [[k, og.key_entity.get(k)] for k in sorted(cut)],
        },
    }


def _translations(organisation, ads: list[tuple]) -> list[tuple[int, int, float]]:
    """Translation pairs of the org's ads. The finder (with every ad's vectors: embedding is the
    slow part, ~5 ms per ad) is kept between relinks like the template index, so only new ads
    are embedded; it is rebuilt when ads were deleted or the saved file is missing or tampered."""
    from tipwatch.engine.link.translations import TranslationFinder

    pks = [a[0] for a in ads]
    saved = _load_index(organisation, "translations")
    if saved is not None and pks[: len(saved[0])] == saved[0]:
        held, finder = saved
    else:
        held, finder = [], TranslationFinder()
    for pk, title, body, language, _city, posted_at, _ingested in ads[len(held) :]:
        # the posting date keeps a translation apart from a repost weeks later (not the ingest date)
        finder.add(str(pk), title or "", body or "", language or None, posted_at=posted_at)
    found = finder.pairs()
    if len(held) < len(pks) or saved is None:
        _save_index(organisation, pks, finder, "translations")
    out = []
    for a, b, score in found:
        a, b = sorted((int(a), int(b)))
        if a != b:
            out.append((a, b, float(score)))
    return out


def relink(organisation, progress: Progress | None = None, *, translations: bool = True) -> dict[str, int]:
    """Recompute templates, photo groups, operations and translations of ``organisation``.

    ``progress(stage, done, total)`` is called as work advances (stages: ``templates``,
    ``images``, ``graph``, ``translations``, ``saving``). Returns counts:
    ``{"ads", "operations", "linked_ads", "templates", "images", "translations", "last_ad", "hubs",
    "changed", "seconds"}`` (``translations`` is -1 with ``translations=False``; it is not recomputed when no ad came or went since the last call).
    """
    t0 = time.monotonic()
    ads = list(
        Ad.objects.for_org(organisation)
        .order_by("pk")
        .values_list("pk", "title", "body", "language", "city", "posted_at", "first_ingested_at")
    )
    meta = {pk: (city, posted or first) for pk, _t, _b, _l, city, posted, first in ads}
    tpl_of_ad, tpl = _templates(organisation, ads, progress)
    images_of_ad, changed_images = _image_groups(organisation)
    if progress is not None:
        progress("images", 1, 1)
    contacts, key_entity = contact_keys(organisation)
    state, _ = LinkState.objects.get_or_create(organisation=organisation)
    og = build_graph(state.generation + 1, [a[0] for a in ads], contacts, tpl_of_ad, images_of_ad, key_entity)
    groups = {
        op: [int(m) for m in members] for op, members in og.graph.operations().items() if len(members) > 1
    }
    if progress is not None:
        progress("graph", 1, 1)
    # Translations embed every ad (milliseconds each, the slow part): when no ad came or went
    # since the last relink the stored pairs stand, so a repeated ingest or demo load is cheap.
    last_ad = ads[-1][0] if ads else 0
    unchanged = state.counts.get("ads") == len(ads) and state.counts.get("last_ad") == last_ad
    kept = unchanged and state.counts.get("translations", -1) >= 0
    pairs = _translations(organisation, ads) if translations and not kept else None
    if progress is not None:
        progress("translations", 1, 1)

    with transaction.atomic():
        changed = _save(organisation, ads, tpl, tpl_of_ad, changed_images, og, groups, meta, pairs)
        hubs = og.graph.hubs()
        counts = {
            "ads": len(ads),
            "operations": len(groups),
            "linked_ads": sum(len(m) for m in groups.values()),
            "templates": len(tpl["found"]),
            "images": AdImage.objects.for_org(organisation).count(),
            "translations": (
                AdTranslation.objects.for_org(organisation).count()
                if kept and translations
                else (-1 if pairs is None else len(pairs))
            ),
            "last_ad": last_ad,
            "hubs": len(hubs),
            "changed": changed,
        }
        same = {k: v for k, v in state.counts.items() if k != "changed"} == {
            k: v for k, v in counts.items() if k != "changed"
        }
        if changed or state.generation == 0 or not same or state.hubs != hubs:
            LinkState.objects.filter(pk=state.pk).update(generation=F("generation") + 1)
            state.refresh_from_db()
            state.hubs = hubs
            state.counts = counts
            state.save(update_fields=["hubs", "counts", "updated_at"])
            og.generation = state.generation
        else:
            og.generation = state.generation
        audit.record("links.relink", organisation=organisation, **counts)
    remember(organisation, og)
    if progress is not None:
        progress("saving", 1, 1)
    counts["seconds"] = round(time.monotonic() - t0, 3)
    return counts


def _save(organisation, ads, tpl, tpl_of_ad, changed_images, og, groups, meta, pairs) -> int:
    """Write the derived rows; return how many rows changed (0 on an idempotent re-run)."""
    changed = 0
    # Templates: describe only those whose members changed (describe aligns texts: the slow part).
    old_links = {
        ad_id: (op, tk)
        for ad_id, op, tk in AdLink.objects.for_org(organisation).values_list(
            "ad_id", "operation__key", "template__key"
        )
    }
    old_tpl_members: dict[str, set[int]] = {}
    for ad_id, (_op, tk) in old_links.items():
        if tk:
            old_tpl_members.setdefault(tk, set()).add(ad_id)
    templates = {t.key: t for t in Template.objects.for_org(organisation)}
    for key, (pks, tid) in tpl["found"].items():
        row = templates.get(key)
        if row is not None and old_tpl_members.get(key) == set(pks) and row.size == len(pks):
            continue
        desc = _describe(tpl["index"], tid)
        if row is None:
            templates[key] = Template.objects.create(
                organisation=organisation, key=key, size=len(pks), description=desc
            )
        else:
            row.size, row.description = len(pks), desc
            row.save(update_fields=["size", "description", "updated_at"])
        changed += 1
    stale = [k for k in templates if k not in tpl["found"]]
    if stale:
        changed += Template.objects.for_org(organisation).filter(key__in=stale).delete()[0]

    # Operations, with stable keys.
    old_op_of_ad = {ad_id: op for ad_id, (op, _tk) in old_links.items() if op}
    keys = _stable_keys(groups, old_op_of_ad)
    operations = {o.key: o for o in Operation.objects.for_org(organisation)}
    op_of_ad: dict[int, str] = {}
    for op_id, pks in groups.items():
        key = keys[op_id]
        values = _op_summary(og, pks, meta)
        row = operations.get(key)
        if row is None:
            operations[key] = Operation.objects.create(organisation=organisation, key=key, **values)
            changed += 1
        elif any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            row.save()
            changed += 1
        for pk in pks:
            op_of_ad[pk] = key

    # Memberships.
    existing = {link.ad_id: link for link in AdLink.objects.for_org(organisation)}
    create, update = [], []
    for pk, *_rest in ads:
        op = operations[op_of_ad[pk]] if pk in op_of_ad else None
        tk = templates[tpl_of_ad[pk]] if pk in tpl_of_ad else None
        link = existing.get(pk)
        if link is None:
            if op is not None or tk is not None:
                create.append(AdLink(organisation=organisation, ad_id=pk, operation=op, template=tk))
        elif link.operation_id != (op.pk if op else None) or link.template_id != (tk.pk if tk else None):
            link.operation, link.template = op, tk
            update.append(link)
    AdLink.objects.bulk_create(create, batch_size=500)
    AdLink.objects.bulk_update(update, ["operation", "template"], batch_size=500)
    changed += len(create) + len(update)
    gone = [k for k in operations if k not in keys.values()]
    if gone:
        changed += Operation.objects.for_org(organisation).filter(key__in=gone).delete()[0]

    if changed_images:
        AdImage.objects.bulk_update(changed_images, ["group_key"], batch_size=500)
        changed += len(changed_images)

    if pairs is not None:
        old = {
            (a, b): s
            for a, b, s in AdTranslation.objects.for_org(organisation).values_list("ad_a", "ad_b", "score")
        }
        new = {(a, b): round(s, 4) for a, b, s in pairs}
        if old != new:
            AdTranslation.objects.for_org(organisation).delete()
            AdTranslation.objects.bulk_create(
                [
                    AdTranslation(organisation=organisation, ad_a_id=a, ad_b_id=b, score=s)
                    for (a, b), s in new.items()
                ],
                batch_size=500,
            )
            changed += len(new) + len(old)
    return changed
