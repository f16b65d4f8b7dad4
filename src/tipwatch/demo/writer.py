"""Write a synthetic world to disk: ads.jsonl, truth.jsonl and a world.json summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tipwatch.demo.images import image_bytes
from tipwatch.demo.operations import Operation
from tipwatch.demo.world import KINDS, World

__all__ = ["FORMAT_VERSION", "write_world"]

FORMAT_VERSION = 1
_BATCH = 2000


def write_world(
    out_dir: Path,
    seed: int,
    n_ads: int,
    progress: Callable[[int], None] | None = None,
    *,
    start: str = "2026-09-01",
    images: bool = False,
) -> dict:
    """Generate ``n_ads`` ads with ``seed`` into ``out_dir`` and return the summary.

    Files (UTF-8, one JSON object per line, same order): ``ads.jsonl`` (the extract input
    contract) and ``truth.jsonl`` (kind, operation, template, translation, language, place
    and planted entities of each ad); ``world.json`` holds the summary returned here: seed,
    counts per kind and entity type, and every operation with its home, cities and phones.
    ``progress`` is called with the number of ads written so far, every few thousand ads.
    With ``images``, ads carry photos and every photo is written once as
    ``images/<name>.jpg`` (a few KB each; see :mod:`tipwatch.demo.images`).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    operations: list[dict] = []

    def retire(op: Operation) -> None:
        if op.ads:
            operations.append(op.summary())

    world = World(seed, n_ads, start=start, on_retire=retire, images=images)
    img_dir = out / "images"
    if images:
        img_dir.mkdir(exist_ok=True)
    written: set[str] = set()
    kinds: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    translations = 0
    dumps = json.dumps
    with (
        (out / "ads.jsonl").open("w", encoding="utf-8", newline="\n") as ads_fh,
        (out / "truth.jsonl").open("w", encoding="utf-8", newline="\n") as truth_fh,
    ):
        ad_lines: list[str] = []
        truth_lines: list[str] = []
        done = 0
        for ad, truth in world:
            ad_lines.append(dumps(ad, ensure_ascii=False))
            truth_lines.append(dumps(truth, ensure_ascii=False))
            kinds[truth["kind"]] += 1
            for e in truth["entities"]:
                entities[e["type"]] += 1
            if truth["translation_of"]:
                translations += 1
            for path in ad.get("images", ()):
                if path not in written:  # copies and stock photos recur: draw each file once
                    written.add(path)
                    (out / path).write_bytes(image_bytes(path[7:-4]))
            done += 1
            if len(ad_lines) >= _BATCH:
                ads_fh.write("\n".join(ad_lines) + "\n")
                truth_fh.write("\n".join(truth_lines) + "\n")
                ad_lines.clear()
                truth_lines.clear()
                if progress:
                    progress(done)
        if ad_lines:
            ads_fh.write("\n".join(ad_lines) + "\n")
            truth_fh.write("\n".join(truth_lines) + "\n")
    if progress:
        progress(done)
    operations.sort(key=lambda o: o["id"])
    summary = {
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "n_ads": n_ads,
        "start": start,
        "counts": {k: kinds.get(k, 0) for k in KINDS},
        "entities": dict(sorted(entities.items())),
        "translations": translations,
        "operations": operations,
        "images": len(written),
        "files": {"ads": "ads.jsonl", "truth": "truth.jsonl"} | ({"images": "images/"} if images else {}),
    }
    (out / "world.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return summary
