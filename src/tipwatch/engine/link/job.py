"""The bulk link job: raw ads in, operations out, on a relational engine (DuckDB or Spark).

Two stages, so that the part that needs Python (extraction, tokens, MinHash) scales over
processes and the part that needs the whole corpus (buckets, hub guard, connected components)
runs in an engine built for it:

1. **featurise** (:func:`featurise`, Python, streaming, ``workers`` processes, order kept): per
   ad its id, contact keys (:func:`~tipwatch.engine.link.graph.entity_keys`; an input line that
   already carries ``"entities"`` in the ``tipwatch extract`` format is not extracted again),
   image keys, and the MinHash signature and LSH band hashes of its masked shingles, with the
   tokens, shingles and permutations of :class:`~tipwatch.engine.link.templates.TemplateIndex`.
   Written as Parquet tables ``ads``, ``keys``, ``bands``, ``sigs`` to a work directory; no
   per-ad Python object outlives its chunk except the id (to refuse duplicates).
2. **link** (``engines/link.sql`` run by :func:`tipwatch.engine.link.engines.run_plan`): template
   clusters, the hub-guarded entity graph, connected components, deterministic ids; written
   back as Parquet and streamed out in input order by :func:`write_results`.

    >>> import io
    >>> lines = [b'{"id":"a","body":"Call (213) 268-2856"}', b'{"id":"b","body":"Text (213) 268-2856"}']
    >>> out = io.BytesIO()
    >>> summary = run_job(lines, out, engine="duckdb")  # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from tipwatch.engine.link.graph import HUB_MIN, HUB_SHARE, MAX_SPREAD, entity_keys
from tipwatch.engine.link.templates import NUM_PERM, SHINGLE, THRESHOLD, _ad_tokens, _hash32, _shingles
from tipwatch.engine.pipeline import BLANK, decode_line, dumps
from tipwatch.engine.types import Ad, AdError, Entity, ad_from_dict

__all__ = [
    "ImageKeys",
    "JobSummary",
    "LinkSettings",
    "extraction_of",
    "extractions_of",
    "featurise",
    "run_job",
    "write_results",
]

CHUNK = 256  # ads per task sent to a worker: big enough to amortise pickling, small for order
FLUSH = 65_536  # ads buffered before a Parquet row group is written


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """Knobs of the link job; the defaults are those of the in-process engine.

    ``threshold``/``num_perm``/``shingle``: template near-duplicates (estimated Jaccard of masked
    shingles); ``hub_min``/``hub_share``/``max_spread``: the hub guard of
    :class:`~tipwatch.engine.link.graph.EntityGraph`; ``max_links``: explained neighbours per ad.
    """

    threshold: float = THRESHOLD
    num_perm: int = NUM_PERM
    shingle: int = SHINGLE
    hub_min: int = HUB_MIN
    hub_share: float = HUB_SHARE
    max_spread: int = MAX_SPREAD
    max_links: int = 5

    def problems(self) -> list[str]:
        """Every invalid setting, named (empty when all are fine)."""
        out = []
        if not 0.0 < self.threshold < 1.0:
            out.append(f"threshold must be in (0, 1), got {self.threshold}")
        if not 16 <= self.num_perm <= 1024:
            out.append(f"num_perm must be in [16, 1024], got {self.num_perm}")
        if not 1 <= self.shingle <= 10:
            out.append(f"shingle must be in [1, 10], got {self.shingle}")
        if self.hub_min < 2:
            out.append(f"hub_min must be >= 2, got {self.hub_min}")
        if not 0.0 <= self.hub_share < 1.0:
            out.append(f"hub_share must be in [0, 1), got {self.hub_share}")
        if self.max_spread < 1:
            out.append(f"max_spread must be >= 1, got {self.max_spread}")
        if not 0 <= self.max_links <= 50:
            out.append(f"max_links must be in [0, 50], got {self.max_links}")
        return out

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) that datasketch's MinHashLSH picks for this threshold."""
        return _lsh_params(self.threshold, self.num_perm)

    @property
    def need(self) -> int:
        """Equal MinHash values needed for estimated Jaccard >= threshold (as datasketch computes it)."""
        return math.ceil(self.threshold * self.num_perm - 1e-9)


@lru_cache(maxsize=8)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[Any, str]:
    from datasketch import MinHash

    seed = MinHash(num_perm=num_perm)  # seed 1, as TemplateIndex: the same permutations
    return seed.permutations, seed.scheme


# -- stage 1: featurise ------------------------------------------------------------------------
def _entity(d: dict[str, Any]) -> Entity | None:
    try:
        attrs = {k: v for k, v in d.items() if k not in _ENTITY_FIELDS}
        return Entity(
            type=str(d["type"]),
            value=str(d.get("value") or ""),
            raw=str(d.get("raw") or ""),
            start=int(d.get("start") or 0),
            end=int(d.get("end") or 0),
            obfuscated=bool(d.get("obfuscated")),
            field=str(d.get("field") or "body"),
            attrs=attrs,
        )
    except (KeyError, TypeError, ValueError):
        return None


_ENTITY_FIELDS = frozenset({"type", "value", "raw", "start", "end", "obfuscated", "field"})


@dataclass(slots=True)
class _Given:
    language: str | None
    entities: list[Entity]


def _given(ad: Ad) -> _Given | None:
    """The extraction the input line carries (``tipwatch extract`` output merged into the ad)."""
    given = ad.extra.get("entities")
    if not isinstance(given, list):
        return None
    ents = [e for e in (_entity(d) for d in given if isinstance(d, dict)) if e is not None]
    lang = ad.extra.get("language")
    return _Given(lang if isinstance(lang, str) else ad.lang, ents)


def extraction_of(ad: Ad, region: str | None = None) -> Any:
    """The ad's extraction: the ``"entities"`` the input line carries, else
    :func:`~tipwatch.engine.extract.extract_ad`."""
    return extractions_of([ad], region)[0]


def extractions_of(ads: list[Ad], region: str | None = None) -> list[Any]:
    """:func:`extraction_of` for each ad, in order; the ads to extract go through one batched
    :func:`~tipwatch.engine.extract.extract_ads` (the language model reads them in one pass)."""
    from tipwatch.engine.extract import extract_ads

    found = [_given(ad) for ad in ads]
    todo = [ad for ad, g in zip(ads, found, strict=True) if g is None]
    extracted = iter(extract_ads(todo, region=region) if todo else ())
    return [g if g is not None else next(extracted) for g in found]


_FNV = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)


def _band_hashes(sigs: np.ndarray, b: int, r: int) -> np.ndarray:
    """(n, b) int64 bucket keys: band number and its r MinHash values folded into 64 bits."""
    with np.errstate(over="ignore"):  # wrap-around multiplication is the point
        out = np.empty((sigs.shape[0], b), dtype=np.uint64)
        for band in range(b):
            h = np.full(sigs.shape[0], np.uint64(band + 1) * _MIX1, dtype=np.uint64)
            for col in range(band * r, band * r + r):
                h = (h ^ sigs[:, col]) * _FNV
            h ^= h >> np.uint64(33)
            h *= _MIX2
            h ^= h >> np.uint64(29)
            out[:, band] = h
    return out.view(np.int64)


@dataclass(slots=True)
class _Chunk:
    """What a worker returns for a chunk of lines (plain data: cheap to pickle)."""

    recs: list[tuple[int, str | None, str | None]]  # (line, ad id or None, error code or None)
    keys: list[list[str]]  # per valid ad
    images: list[list[Any]]  # per valid ad: ImageHash or a problem string
    has_sig: list[bool]
    sigs: np.ndarray  # (ads with shingles, num_perm) uint64
    bands: np.ndarray  # (ads with shingles, b) int64


def _featurise_chunk(args: tuple[list[tuple[int, bytes]], LinkSettings, str | None]) -> _Chunk:
    from datasketch import MinHash

    lines, settings, region = args
    perms, scheme = _permutations(settings.num_perm)
    b, r = settings.bands
    recs: list[tuple[int, str | None, str | None]] = []
    keys: list[list[str]] = []
    images: list[list[Any]] = []
    has_sig: list[bool] = []
    sig_rows: list[np.ndarray] = []
    parsed: list[tuple[int, Ad]] = []
    for lineno, line in lines:
        data, error = decode_line(line, lineno)
        if data is BLANK:
            continue
        if error is not None:
            recs.append((lineno, None, error["error"]["code"]))
            continue
        try:
            parsed.append((lineno, ad_from_dict(data)))
        except AdError as exc:
            recs.append((lineno, None, exc.code))
    extractions = extractions_of([ad for _n, ad in parsed], region)
    for (lineno, ad), extraction in zip(parsed, extractions, strict=True):
        recs.append((lineno, ad.id, None))
        keys.append(entity_keys(extraction))
        images.append(_hash_images(ad.images) if ad.images else [])
        shingles = _shingles(_ad_tokens(ad, extraction)[0], settings.shingle)
        if shingles:
            mh = MinHash(num_perm=settings.num_perm, hashfunc=_hash32, permutations=perms, scheme=scheme)
            mh.update_batch(shingles)
            sig_rows.append(mh.hashvalues)
        has_sig.append(bool(shingles))
    recs.sort(key=lambda rec: rec[0])  # error lines back between the ads, in input order
    sigs = np.vstack(sig_rows) if sig_rows else np.empty((0, settings.num_perm), dtype=np.uint64)
    return _Chunk(recs, keys, images, has_sig, sigs, _band_hashes(sigs, b, r))


def _hash_images(paths: list[str]) -> list[Any]:
    from tipwatch.engine.link.images import image_hashes

    out: list[Any] = []
    for n, path in enumerate(paths):
        try:
            out.append(image_hashes(path))
        except (OSError, ValueError, TypeError) as exc:
            out.append(f"image {n} skipped ({type(exc).__name__}); check the path")
    return out


class ImageKeys:
    """Perceptual image hashes grouped by near match: each group is one ``image:`` key.

    Sequential by nature (a group is named by the first image of it seen), so it runs in the
    parent process, in input order, on hashes the workers computed.
    """

    def __init__(self) -> None:
        self.index: Any = None
        self.problems: list[str] = []

    def keys(self, hashes: list[Any], lineno: int) -> list[str]:
        out = []
        for h in hashes:
            if isinstance(h, str):
                self.problems.append(f"line {lineno}: {h}")
                continue
            if h.quality < 50:  # a nearly flat image matches too easily to link anything
                continue
            if self.index is None:
                from tipwatch.engine.link.images import ImageIndex

                self.index = ImageIndex()
            near = self.index.near(h)
            group = near[0][0] if near else h.sha256[:16]
            self.index.add(group, h)
            out.append(f"image:{group}")
        return out

    def keys_for_paths(self, paths: list[str], lineno: int) -> list[str]:
        """Hash the images at ``paths`` here and return their keys (the in-process engine)."""
        return self.keys(_hash_images(paths), lineno) if paths else []


def _chunks(lines: Iterable[bytes], size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for lineno, line in enumerate(lines, 1):
        chunk.append((lineno, line))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _map_chunks(
    lines: Iterable[bytes], settings: LinkSettings, region: str | None, workers: int
) -> Iterator[_Chunk]:
    tasks = ((chunk, settings, region) for chunk in _chunks(lines, CHUNK))
    if workers <= 1:
        yield from map(_featurise_chunk, tasks)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    with ctx.Pool(workers) as pool:
        yield from pool.imap(_featurise_chunk, tasks, chunksize=1)


@dataclass(slots=True)
class _Featurised:
    ads: int = 0
    errors: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (output position, object)
    problems: list[str] = field(default_factory=list)


class _TableWriter:
    """Buffers columns and appends them to one Parquet file per table."""

    def __init__(self, path: Path, schema: Any) -> None:
        import pyarrow.parquet as pq

        path.mkdir(parents=True, exist_ok=True)
        self.schema = schema
        self.writer = pq.ParquetWriter(path / "part-0.parquet", schema, compression="zstd")
        self.cols: dict[str, list[Any]] = {name: [] for name in schema.names}

    def flush(self) -> None:
        import pyarrow as pa

        cols = [_concat(self.cols[f.name], f.type) for f in self.schema]
        self.writer.write_table(pa.Table.from_arrays(cols, schema=self.schema))
        for v in self.cols.values():
            v.clear()

    def close(self) -> None:
        if self.cols[self.schema.names[0]]:
            self.flush()
        self.writer.close()


def _concat(parts: list[Any], typ: Any) -> Any:
    import pyarrow as pa

    if parts and isinstance(parts[0], pa.Array):  # numpy-built chunks (sigs, bands)
        return pa.concat_arrays(parts)
    return pa.array(parts, type=typ)  # plain values (ids, keys)


def featurise(
    lines: Iterable[bytes],
    work_dir: str | os.PathLike,
    settings: LinkSettings = LinkSettings(),
    *,
    region: str | None = None,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> _Featurised:
    """Stage 1: stream ``lines`` into Parquet tables ``ads``, ``keys``, ``bands``, ``sigs`` under
    ``work_dir`` (see the module docstring). Returns the ad count, the error objects with their
    output positions, and image problems. ``on_progress(n)`` is called with lines done."""
    import pyarrow as pa

    work = Path(work_dir)
    b, _ = settings.bands
    tables = {
        "ads": _TableWriter(work / "ads", pa.schema([("idx", pa.int64()), ("id", pa.string())])),
        "keys": _TableWriter(work / "keys", pa.schema([("idx", pa.int64()), ("key", pa.string())])),
        "bands": _TableWriter(work / "bands", pa.schema([("idx", pa.int64()), ("h", pa.int64())])),
        "sigs": _TableWriter(work / "sigs", pa.schema([("idx", pa.int64()), ("sig", pa.list_(pa.int32()))])),
    }
    state = _Featurised()
    seen: set[str] = set()
    images = ImageKeys()
    out_pos = 0
    buffered = 0
    try:
        for chunk in _map_chunks(lines, settings, region, workers):
            valid = 0  # index into the chunk's per-ad lists
            sig_row = 0
            keep_sig: list[int] = []
            sig_idx: list[int] = []
            ads_t, keys_t = tables["ads"].cols, tables["keys"].cols
            for lineno, ad_id, code in chunk.recs:
                if ad_id is None:
                    state.errors.append((out_pos, {"id": None, "line": lineno, "error": {"code": code}}))
                    out_pos += 1
                    continue
                v = valid
                valid += 1
                has = chunk.has_sig[v]
                if ad_id in seen:
                    state.errors.append(
                        (out_pos, {"id": None, "line": lineno, "error": {"code": "ad.duplicate_id"}})
                    )
                    out_pos += 1
                    sig_row += has
                    continue
                seen.add(ad_id)
                idx = state.ads
                state.ads += 1
                out_pos += 1
                ads_t["idx"].append(idx)
                ads_t["id"].append(ad_id)
                ad_keys = chunk.keys[v]
                if chunk.images[v]:
                    ad_keys = list(dict.fromkeys(ad_keys + images.keys(chunk.images[v], lineno)))
                keys_t["idx"].extend([idx] * len(ad_keys))
                keys_t["key"].extend(ad_keys)
                if has:
                    keep_sig.append(sig_row)
                    sig_idx.append(idx)
                    sig_row += 1
            if keep_sig:
                rows = np.asarray(keep_sig, dtype=np.int64)
                ids = np.asarray(sig_idx, dtype=np.int64)
                sigs = chunk.sigs[rows].astype(np.uint32).view(np.int32)
                bands = chunk.bands[rows]
                tables["sigs"].cols["idx"].append(pa.array(ids))
                tables["sigs"].cols["sig"].append(
                    pa.ListArray.from_arrays(
                        pa.array(np.arange(0, sigs.size + 1, settings.num_perm, dtype=np.int32)),
                        pa.array(sigs.reshape(-1)),
                    )
                )
                tables["bands"].cols["idx"].append(pa.array(np.repeat(ids, b)))
                tables["bands"].cols["h"].append(pa.array(bands.reshape(-1)))
            buffered += len(chunk.recs)
            if buffered >= FLUSH:
                for t in tables.values():
                    t.flush()
                buffered = 0
            if on_progress is not None:
                on_progress(len(chunk.recs))
    finally:
        for t in tables.values():
            t.close()
    state.problems = images.problems
    return state


# -- output ------------------------------------------------------------------------------------
def write_results(
    result_dir: str | os.PathLike,
    links_dir: str | os.PathLike | None,
    errors: list[tuple[int, dict[str, Any]]],
    out: BinaryIO,
) -> int:
    """Write one JSON line per input record, in input order: results (sorted by ``idx``) with the
    error objects put back at their positions. Returns the number of lines written."""
    import pyarrow.dataset as ds

    res = ds.dataset(str(result_dir), format="parquet").to_table().sort_by("idx")
    links = _links_by_idx(links_dir) if links_dir is not None else None
    err_iter = iter(errors)
    nxt = next(err_iter, None)
    pos = 0
    ops = res.column("operation").to_pylist()
    tpls = res.column("template").to_pylist()
    idxs = res.column("idx").to_pylist()
    names = res.column("id").to_pylist()
    del res
    for k, idx in enumerate(idxs):
        while nxt is not None and nxt[0] == pos:
            out.write(dumps(nxt[1]) + b"\n")
            pos += 1
            nxt = next(err_iter, None)
        rec: dict[str, Any] = {"id": names[k], "operation": ops[k], "template": tpls[k]}
        if links is not None and idx in links:
            rec["links"] = links[idx]
        out.write(dumps(rec) + b"\n")
        pos += 1
    while nxt is not None:
        out.write(dumps(nxt[1]) + b"\n")
        pos += 1
        nxt = next(err_iter, None)
    return pos


def _links_by_idx(links_dir: str | os.PathLike) -> dict[int, list[dict[str, Any]]]:
    import pyarrow.dataset as ds

    t = ds.dataset(str(links_dir), format="parquet").to_table()
    t = t.sort_by([("idx", "ascending"), ("rk", "ascending"), ("df", "ascending"), ("key", "ascending")])
    out: dict[int, list[dict[str, Any]]] = {}
    last: tuple[int, int] | None = None
    for idx, rk, nb, key in zip(
        t.column("idx").to_pylist(),
        t.column("rk").to_pylist(),
        t.column("nb").to_pylist(),
        t.column("key").to_pylist(),
        strict=True,
    ):
        if (idx, rk) != last:
            out.setdefault(idx, []).append({"id": nb, "via": []})
            last = (idx, rk)
        out[idx][-1]["via"].append(key)
    return out


# -- orchestration -----------------------------------------------------------------------------
@dataclass(slots=True)
class JobSummary:
    """What a run did: counts for the summary line, image problems, and timings (seconds)."""

    ads: int
    errors: int
    operations: int  # of two ads or more
    hubs: int
    problems: list[str]
    timings: dict[str, float]


def run_job(
    lines: Iterable[bytes],
    out: BinaryIO,
    *,
    engine: str = "duckdb",
    settings: LinkSettings = LinkSettings(),
    workers: int = 1,
    work_dir: str | os.PathLike | None = None,
    explain: bool = False,
    region: str | None = None,
    spark_master: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> JobSummary:
    """Run both stages and write the results to ``out`` (see the module docstring).

    ``work_dir`` holds the Parquet tables (a temporary directory, removed after, by default; on a
    cluster, give a path every node can read). ``explain`` adds ``"links"`` to each line.
    Raises :class:`~tipwatch.engine.link.engines.EngineUnavailable` when the engine cannot start.
    """
    import time

    from tipwatch.engine.link.engines import get_engine, run_plan

    bad = settings.problems()
    if bad:
        raise ValueError("LinkSettings: " + "; ".join(bad))
    eng = get_engine(engine, spark_master=spark_master, workers=workers)  # fail before stage 1
    own_dir = work_dir is None
    work = Path(tempfile.mkdtemp(prefix="tipwatch-link-")) if own_dir else Path(work_dir)  # type: ignore[arg-type]
    timings: dict[str, float] = {}
    try:
        work.mkdir(parents=True, exist_ok=True)
        for sub in ("ads", "keys", "bands", "sigs", "result", "links"):
            shutil.rmtree(work / sub, ignore_errors=True)
        t0 = time.perf_counter()
        state = featurise(lines, work, settings, region=region, workers=workers, on_progress=on_progress)
        timings["featurise"] = time.perf_counter() - t0
        if on_stage is not None:
            on_stage(f"linking {state.ads:,} ads on {engine}")
        t0 = time.perf_counter()
        stats = run_plan(eng, work, settings, n_ads=state.ads, explain=explain)
        timings["link"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_results(work / "result", work / "links" if explain else None, state.errors, out)
        timings["write"] = time.perf_counter() - t0
        return JobSummary(
            state.ads, len(state.errors), stats["operations"], stats["hubs"], state.problems, timings
        )
    finally:
        eng.close()
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)
