"""Linking benchmark: template clustering and image near-matching, on synthetic data only.

* templates: ``TemplateIndex`` over N demo ads (``tipwatch.demo.generate``): time to add them
  (extraction excluded, reported apart) and pairwise precision/recall against the truth
  templates, over pairs of ads in the same language;
* images: 2,000 synthetic Pillow images indexed with PDQ (plus crop variants), each queried
  with a re-encoded, a resized and a slightly cropped copy; recall within radius 31, false
  matches of 500 unrelated images, and lookup speed of ``ImageIndex.near``.

    .venv/bin/python bench/link_bench.py --ads 20000 --images 2000
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from engine.link._link_synth import copies, encode, synthetic_image  # noqa: E402
from tipwatch.demo import generate  # noqa: E402
from tipwatch.engine import ad_from_dict  # noqa: E402
from tipwatch.engine.extract import extract_ad  # noqa: E402
from tipwatch.engine.link import ImageIndex, TemplateIndex, image_hashes  # noqa: E402
from tipwatch.engine.link.images import RADIUS  # noqa: E402


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def bench_templates(n: int, seed: int) -> list[tuple[str, str]]:
    items = []
    t0 = time.perf_counter()
    for ad, truth in generate(seed=seed, n_ads=n):
        a = ad_from_dict(ad)
        items.append((a, extract_ad(a), truth))
    t_extract = time.perf_counter() - t0
    index = TemplateIndex()
    t0 = time.perf_counter()
    for a, x, _ in items:
        index.add(a.id, a, x)
    t_add = time.perf_counter() - t0
    by_lang: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, _, t in items:
        by_lang[t["lang"]].append((t["template"], index.template_of(a.id)))
    tp = fp = fn = 0
    for rows in by_lang.values():
        both = sum(map(_pairs, Counter(rows).values()))
        tp += both
        fp += sum(map(_pairs, Counter(p for _, p in rows).values())) - both
        fn += sum(map(_pairs, Counter(t for t, _ in rows).values())) - both
    t0 = time.perf_counter()
    tpls = index.templates()
    big = sorted(tpls, key=lambda k: -len(tpls[k]))[:20]
    for tid in big:
        index.describe(tid)
    t_describe = (time.perf_counter() - t0) / len(big)
    return [
        ("template ads", f"{n:,}"),
        ("extraction (not part of linking)", f"{t_extract:.1f} s"),
        ("TemplateIndex.add, all ads", f"{t_add:.1f} s ({n / t_add:,.0f} ads/s)"),
        ("templates found", f"{len(tpls):,}"),
        ("pairwise precision (same language)", f"{tp / (tp + fp):.3f}"),
        ("pairwise recall (same language)", f"{tp / (tp + fn):.3f}"),
        ("describe() of a large template", f"{t_describe * 1000:.0f} ms"),
    ]


def bench_images(n: int, unrelated: int) -> list[tuple[str, str]]:
    index = ImageIndex()
    t0 = time.perf_counter()
    for i in range(n):
        index.add(f"o{i}", image_hashes(encode(synthetic_image(i)), crop_variants=True))
    t_index = time.perf_counter() - t0
    queries: list[tuple[str, object]] = []
    for i in range(n):
        for data in copies(synthetic_image(i), seed=100_000 + i).values():
            queries.append((f"o{i}", image_hashes(data)))
    t0 = time.perf_counter()
    found = sum(any(hit == want for hit, _ in index.near(h, RADIUS)) for want, h in queries)
    t_query = time.perf_counter() - t0
    false = sum(
        bool(index.near(image_hashes(encode(synthetic_image(10_000_000 + j))), RADIUS))
        for j in range(unrelated)
    )
    return [
        ("images indexed (16 hashes each)", f"{n:,} ({len(index):,} hashes, {t_index:.1f} s)"),
        ("copies queried (jpeg/resized/cropped)", f"{len(queries):,}"),
        ("copy recall within radius 31", f"{found / len(queries):.4f}"),
        ("unrelated images with a false match", f"{false}/{unrelated}"),
        ("ImageIndex.near lookup", f"{t_query / len(queries) * 1e6:.0f} µs"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ads", type=int, default=20_000)
    ap.add_argument("--images", type=int, default=2_000)
    ap.add_argument("--unrelated", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rows = bench_templates(args.ads, args.seed) + bench_images(args.images, args.unrelated)
    print(f"`.venv/bin/python bench/link_bench.py --ads {args.ads} --images {args.images}`")
    print(f"({platform.python_implementation()} {platform.python_version()}, one core)\n")
    print("| measure | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
