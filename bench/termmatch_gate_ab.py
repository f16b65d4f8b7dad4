"""The term matcher with its compiled gate against the same matcher with the pure-Python gate.

Both run in one process, alternating, on termmatch_bench.py's corpus and watchlist (seed 7), so a
busy shared machine slows both alike. Prints the first pass (fresh matcher, text never seen) and
the same text again, MB/s on the process CPU clock, then the median and best of each.

    .venv/bin/python bench/termmatch_gate_ab.py --mb 20 --rounds 3
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import termmatch_bench as bench  # noqa: E402

from tipwatch.engine.termmatch import TermMatcher  # noqa: E402
from tipwatch.engine.termmatch._gate import PyGate, new_gate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--terms", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(7)
    terms = bench.make_terms(args.terms, rng)
    ads = bench.make_ads(args.mb, terms, rng, bench.make_tail(150_000, rng))
    mb = sum(len(a.encode()) for a in ads) / 1e6
    if isinstance(new_gate(), PyGate):
        sys.exit("the compiled gate is not built (make, or scripts/build_native.py)")
    firsts: dict[str, list[float]] = {"compiled": [], "python": []}
    for r in range(args.rounds):
        for name in firsts:
            m = TermMatcher(terms)
            if name == "python":
                m._gate = PyGate()
            t = time.process_time()
            first = m.find_many(ads)
            d1 = time.process_time() - t
            t = time.process_time()
            m.find_many(ads)
            d2 = time.process_time() - t
            firsts[name].append(mb / d1)
            print(
                f"round {r + 1} {name:8s} first pass {mb / d1:5.1f} MB/s, same text {mb / d2:5.1f} MB/s",
                flush=True,
            )
            del first
    for name, v in firsts.items():
        print(f"{name:8s} first pass: median {statistics.median(v):.1f} MB/s, best {max(v):.1f} MB/s")


if __name__ == "__main__":
    main()
