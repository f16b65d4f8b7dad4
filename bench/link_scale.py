"""Scale benchmark of ``tipwatch link`` (DuckDB engine) on demo worlds, with InfoShield as yardstick.

For each size: the demo world is generated once into ``--cache`` (generation is *not* timed),
then ``tipwatch link ads.jsonl --engine duckdb --workers N`` runs end to end in a subprocess
(raw ads in, operations out: extraction included). Measured: wall time; peak memory of the
whole process tree (the sum of the RSS of the command and all its descendants, polled from
/proc every 0.2 s); exact pairwise precision/recall/F1 of operations against the generator's
truth (group contingency, sums of C(n, 2): no sampling). Then the time ratio between the
largest and the smallest size, and InfoShield's coarse step (bench/infoshield_coarse.py) on the
smallest world. Writes bench/results/link_scale.md.

    .venv/bin/python bench/link_scale.py --sizes 100000,1000000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from infoshield_coarse import pairwise  # noqa: E402
from infoshield_coarse import run as infoshield  # noqa: E402

TIPWATCH = str(Path(sys.executable).with_name("tipwatch"))


def world(cache: Path, n: int, seed: int) -> Path:
    """The demo world of ``n`` ads (generated once; not timed)."""
    d = cache / f"demo-{n}-seed{seed}"
    if not (d / "ads.jsonl").exists():
        tmp = cache / f"demo-{n}-seed{seed}.tmp"
        subprocess.run(
            [TIPWATCH, "demo", "generate", "--seed", str(seed), "--ads", str(n), "--out", str(tmp)],
            check=True,
        )
        tmp.rename(d)
    return d


def _tree_rss(pid: int) -> int:
    """RSS in bytes of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(p.name))
            rss[int(p.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        q = stack.pop()
        total += rss.get(q, 0)
        stack.extend(children.get(q, []))
    return total


def link(ads: Path, out: Path, workers: int, engine: str) -> tuple[float, int, str]:
    cmd = [TIPWATCH, "link", str(ads), "--out", str(out), "--engine", engine, "--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"tipwatch link failed on {ads} (exit {proc.returncode}):\n{stderr[-2000:]}")
    return wall, peak, stderr.strip().splitlines()[0] if stderr.strip() else ""


def score(d: Path, out: Path) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Pairwise (precision, recall, F1) of operations, and of templates, against the truth."""
    truth = {}
    for line in (d / "truth.jsonl").open(encoding="utf-8"):
        t = json.loads(line)
        # a template is compared within one language (a translation is another template's text)
        tpl = f"{t['template']}:{t['lang']}" if t.get("template") else f"none:{t['id']}"
        truth[t["id"]] = (t["operation"] or f"benign:{t['id']}", tpl)
    pred, want, pred_t, want_t = [], [], [], []
    for line in out.open(encoding="utf-8"):
        r = json.loads(line)
        if r.get("id"):
            op, tpl = truth[r["id"]]
            pred.append(r["operation"])
            want.append(op)
            pred_t.append(r["template"])
            want_t.append(tpl)
    del truth
    return pairwise(pred, want), pairwise(pred_t, want_t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--engine", default="duckdb")
    ap.add_argument("--cache", default=str(ROOT / "var" / "link_scale"))
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "link_scale.md"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    rows, times = [], {}
    for n in sizes:
        d = world(cache, n, args.seed)
        out = cache / f"link-{n}.jsonl"
        wall, peak, summary = link(d / "ads.jsonl", out, args.workers, args.engine)
        (p, r, f1), (tp, tr, tf1) = score(d, out)
        times[n] = wall
        if n == min(sizes):
            tpl_small = (tp, tr, tf1)
        rows.append(
            f"| {n:,} | {wall:.1f} s | {n / wall:,.0f} | {peak / 2**30:.2f} GiB | {p:.4f} | {r:.4f} | "
            f"{f1:.4f} | {tp:.3f} / {tr:.3f} |"
        )
        print(rows[-1], "\n  ", summary, flush=True)
    small = min(sizes)
    ins = [infoshield(world(cache, small, args.seed), min_df=m) for m in (1, 2)]
    lines = [
        "# tipwatch link at scale",
        "",
        f"`.venv/bin/python bench/link_scale.py --sizes {args.sizes} --workers {args.workers}` "
        f"({platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"engine {args.engine}, demo seed {args.seed}; world generation not timed).",
        "",
        "End to end: raw ads in, operations out (extraction, templates, entity graph, output).",
        "Peak memory: summed RSS of the command and its worker processes.",
        "",
        "| ads | wall time | ads/s | peak memory | operations: pairwise precision | recall | F1 | "
        "templates: precision / recall |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    if len(sizes) > 1:
        big = max(sizes)
        lines.append(
            f"Time ratio {big:,} / {small:,} ads: {times[big] / times[small]:.2f} "
            f"(linear would be {big / small:.0f})."
        )
        lines.append("")
    lines += [
        f"## Yardstick: InfoShield coarse step on the {small:,}-ad world",
        "",
        "Top-5 tf-idf word 5-grams per ad, ads-phrases bipartite graph, connected components "
        "(bench/infoshield_coarse.py); one process, CPU time, text already loaded (extraction-free: "
        "it reads words only).",
        "",
        "| measure | InfoShield coarse, literal | InfoShield coarse, shared phrases (min_df 2) | "
        "tipwatch link |",
        "|---|---|---|---|",
        f"| time | {ins[0]['cpu_s']:.1f} s CPU | {ins[1]['cpu_s']:.1f} s CPU | {times[small]:.1f} s wall, "
        "extraction included |",
        f"| clusters | {ins[0]['clusters']:,} | {ins[1]['clusters']:,} | |",
        f"| vs truth templates: precision / recall | {ins[0]['tpl_p']:.3f} / {ins[0]['tpl_r']:.3f} | "
        f"{ins[1]['tpl_p']:.3f} / {ins[1]['tpl_r']:.3f} | {tpl_small[0]:.3f} / {tpl_small[1]:.3f} |",
        f"| vs truth operations: precision / recall | {ins[0]['op_p']:.3f} / {ins[0]['op_r']:.3f} | "
        f"{ins[1]['op_p']:.3f} / {ins[1]['op_r']:.3f} | (table above) |",
        "",
        "Literal: each ad's top-5 tf-idf phrases are its rarest, mostly its own, so almost nothing "
        "links. Shared phrases: only 5-grams found in two ads or more are ranked. See the docstring "
        "of bench/infoshield_coarse.py.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
