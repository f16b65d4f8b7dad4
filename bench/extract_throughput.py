"""Throughput of `tipwatch extract` on demo ads, against a bare phonenumbers pass.

Runs the real command (`tipwatch extract FILE -o /dev/null`, one process, one core) on the
first N ads of a demo world for each N in --sizes, recording wall time and peak RSS (memory
must stay flat as input grows: the command streams). In the same run, times a bare
``phonenumbers.PhoneNumberMatcher`` pass over the same texts (title + body, region from the
ad's country, else US), the baseline a new user would start from.

    python bench/extract_throughput.py --sizes 20000,100000 --out bench/results/throughput.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_world(path: Path, seed: int, n: int) -> None:
    from tipwatch.demo import write_world

    write_world(path, seed, n)


def run_cli(ads: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `tipwatch extract` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tipwatch.cli", "extract", str(ads), "-o", os.devnull],
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: run sizes in increasing order
    return wall, max(peak, before) / 1024


def phonenumbers_pass(ads: Path, n: int) -> tuple[float, int]:
    import phonenumbers

    texts = []
    with ads.open("rb") as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            d = json.loads(line)
            texts.append((f"{d.get('title', '')}\n{d['body']}", d.get("country") or "US"))
    found = 0
    t0 = time.perf_counter()
    for text, region in texts:
        for _ in phonenumbers.PhoneNumberMatcher(text, region):
            found += 1
    return time.perf_counter() - t0, found


def head(src: Path, dst: Path, n: int) -> None:
    with src.open("rb") as f, dst.open("wb") as g:
        for i, line in enumerate(f):
            if i >= n:
                break
            g.write(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--sizes", default="20000,100000")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp)
        make_world(world, args.seed, sizes[-1])
        rows = []
        for n in sizes:
            part = world / f"ads-{n}.jsonl"
            head(world / "ads.jsonl", part, n)
            wall, rss = run_cli(part)
            rows.append((n, wall, rss))
        base_s, base_found = phonenumbers_pass(world / "ads.jsonl", sizes[-1])
    n, wall, rss = rows[-1]
    lines = [
        f"Command: `python bench/extract_throughput.py --sizes {args.sizes} --seed {args.seed}` "
        f"(machine: {os.cpu_count()} cores; one process)",
        "",
        "| ads | `tipwatch extract` wall s | ads/s (one core) | peak RSS MiB |",
        "|---:|---:|---:|---:|",
    ]
    for n_, w, r in rows:
        lines.append(f"| {n_:,} | {w:.1f} | {n_ / w:,.0f} | {r:.0f} |")
    lines += [
        "",
        f"Baseline in the same run: bare `phonenumbers.PhoneNumberMatcher` over the same {n:,} texts "
        f"(already in memory, no JSON): {base_s:.1f} s = {n / base_s:,.0f} ads/s, {base_found:,} matches. "
        f"Full extraction (all entity types, JSON in and out, process start-up) costs "
        f"{wall / base_s:.2f}x the bare phone matcher.",
    ]
    md = "\n".join(lines) + "\n"
    print(md)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
