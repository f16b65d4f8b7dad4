"""Throughput of `tipwatch extract` on demo ads, against a bare phonenumbers pass.

Runs the real command (`tipwatch extract FILE -o /dev/null`, one process, one core) on the
first N ads of a demo world for each N in --sizes, recording its CPU time (user + system: the
figure to compare on a shared machine), wall time and peak RSS (memory must stay flat as input
grows: the command streams), and the start-up cost alone (one ad). In the same run, times (CPU) a bare
``phonenumbers.PhoneNumberMatcher`` pass over the same texts (title + body, region from the
ad's country, else US), the baseline a new user would start from.

    python bench/extract_throughput.py --sizes 20000,100000 --repeat 3   # writes bench/results/extract_throughput.md

``--compare SRC`` also runs another checkout's code on the same files, alternating with this
one (CPU time drifts on a shared machine: only a comparison in the same minute means much):

    git archive HEAD src | tar -x -C /tmp/base
    python bench/extract_throughput.py --sizes 20000 --compare /tmp/base/src
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


def run_cli(ads: Path, src: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one `tipwatch extract`
    process (of the code under ``src`` when given). CPU time is the figure to compare: on a
    shared machine wall time also counts the time other processes held the core."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tipwatch.cli", "extract", str(ads), "-o", os.devnull],
        check=True,
        env=env,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the max over all children so far: run sizes in increasing order
    return wall, cpu, max(after.ru_maxrss, before.ru_maxrss) / 1024


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
    t0 = time.process_time()
    for text, region in texts:
        for _ in phonenumbers.PhoneNumberMatcher(text, region):
            found += 1
    return time.process_time() - t0, found


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
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "extract_throughput.md")
    ap.add_argument("--compare", type=Path, help="src/ of another checkout to time on the same files")
    ap.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each size this many times and report the median (and the best): single runs on a "
        "shared machine vary by several per cent",
    )
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp)
        make_world(world, args.seed, sizes[-1])
        # start-up alone (imports, language model, gazetteer): one ad
        one = world / "ads-1.jsonl"
        head(world / "ads.jsonl", one, 1)
        _w, start_cpu, _r = run_cli(one)
        rows = []
        other = []  # (n, CPU s of this code, CPU s of --compare's), run one after the other
        runs: dict[int, list[float]] = {}  # size -> CPU s of each run
        for n in sizes:
            part = world / f"ads-{n}.jsonl"
            head(world / "ads.jsonl", part, n)
            timed = sorted((run_cli(part) for _ in range(max(1, args.repeat))), key=lambda r: r[1])
            runs[n] = [c for _w, c, _r in timed]
            rows.append((n, *timed[len(timed) // 2]))  # the median run (by CPU time)
            if args.compare:
                other.append((n, rows[-1][2], run_cli(part, args.compare)[1]))
        base_s, base_found = phonenumbers_pass(world / "ads.jsonl", sizes[-1])
    n, wall, cpu, rss = rows[-1]
    lines = [
        f"Command: `python bench/extract_throughput.py --sizes {args.sizes} --seed {args.seed}"
        + (f" --repeat {args.repeat}" if args.repeat > 1 else "")
        + "` "
        f"(machine: {os.cpu_count()} cores; one process)",
        "",
        "| ads | `tipwatch extract` CPU s | ads/s (CPU, one core) | per ad after start-up µs | wall s | peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n_, w, c, r in rows:
        per_ad = (c - start_cpu) / max(1, n_ - 1) * 1e6
        lines.append(f"| {n_:,} | {c:.1f} | {n_ / c:,.0f} | {per_ad:,.0f} | {w:.1f} | {r:.0f} |")
    if args.repeat > 1:
        lines += [
            "",
            f"Each size timed {args.repeat} times; the table shows the median run. ads/s of every run: "
            + "; ".join(f"{n_:,} ads: " + ", ".join(f"{n_ / c:,.0f}" for c in cs) for n_, cs in runs.items())
            + ".",
        ]
    lines += [
        "",
        f"Start-up (one ad: imports, language model, gazetteer): {start_cpu:.2f} s CPU, included above.",
        "",
        f"Baseline in the same run: bare `phonenumbers.PhoneNumberMatcher` over the same {n:,} texts "
        f"(already in memory, no JSON): {base_s:.1f} s = {n / base_s:,.0f} ads/s, {base_found:,} matches. "
        f"Full extraction (all entity types, JSON in and out, process start-up) costs "
        f"{cpu / base_s:.2f}x the bare phone matcher (CPU time).",
    ]
    for n_, mine, theirs in other:
        lines.append(
            f"\nSame files, run right after, code under `{args.compare}`: {n_:,} ads in {theirs:.1f} s CPU "
            f"= {n_ / theirs:,.0f} ads/s (this code: {n_ / mine:,.0f} ads/s, {theirs / mine:.2f}x)."
        )
    md = "\n".join(lines) + "\n"
    print(md)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
