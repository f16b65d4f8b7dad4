"""A re-implementation of InfoShield's *coarse* step, as a yardstick for ``tipwatch link``.

InfoShield (Lee, Vajiac et al., "InfoShield: Generalizable Information-Theoretic Human-Trafficking
Detection", ICDE 2021) first clusters ads coarsely, before its fine, MDL-based template step: each
document keeps its top tf-idf phrases (word n-grams), documents and phrases form a bipartite graph,
and its connected components are the coarse clusters. Our reading of that step, with our choices
stated (we did not run the authors' code): phrases are word 5-grams of the lower-cased text,
tf-idf = (count in the ad) x log(N / ads containing the phrase), each ad keeps its top ``k`` = 5
phrases (ties by phrase), connected components by union-find.

Taken literally, the top tf-idf phrases of an ad are its *rarest* ones, mostly phrases no other ad
has, which link nothing; ``min_df`` = 2 ranks only the phrases shared by at least two ads (a
reading under which the step can find templates at all). The benchmark reports both.

    .venv/bin/python bench/infoshield_coarse.py var/link_scale/demo-100000-seed7
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sys
import time
from collections import Counter
from pathlib import Path

__all__ = ["coarse_clusters", "pairwise"]

_WORD = re.compile(r"\w{1,64}")
N = 5
K = 5


def _h(phrase: str) -> int:
    # 64-bit stable digest: the same clusters on every run (Python's hash() is salted).
    return int.from_bytes(hashlib.blake2b(phrase.encode("utf-8"), digest_size=8).digest(), "little")


def _phrases(text: str) -> list[int]:
    words = _WORD.findall(text.lower())
    if len(words) < N:
        return [_h(" ".join(words))] if words else []
    return [_h(" ".join(words[i : i + N])) for i in range(len(words) - N + 1)]


def coarse_clusters(texts: list[str], k: int = K, min_df: int = 1) -> list[int]:
    """Cluster label (smallest member index) of each text; only phrases in >= ``min_df`` ads rank."""
    df: Counter = Counter()
    grams = []
    for t in texts:
        g = Counter(_phrases(t))
        grams.append(g)
        df.update(g.keys())
    n = len(texts)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[int, int] = {}
    for i, g in enumerate(grams):
        ranked = [kv for kv in g.items() if df[kv[0]] >= min_df]
        top = sorted(ranked, key=lambda kv: (-kv[1] * math.log(n / df[kv[0]]), kv[0]))[:k]
        for phrase, _ in top:
            j = owner.setdefault(phrase, i)
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
        grams[i] = None  # type: ignore[call-overload]
    return [find(i) for i in range(n)]


def pairwise(pred: list, truth: list) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of two labelings, exact (sums of C(n, 2) over groups)."""

    def pairs(c: Counter) -> int:
        return sum(v * (v - 1) // 2 for v in c.values())

    both = pairs(Counter(zip(pred, truth, strict=True)))
    pp, tp = pairs(Counter(pred)), pairs(Counter(truth))
    p = both / pp if pp else 1.0
    r = both / tp if tp else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(world: Path, min_df: int = 1) -> dict[str, float]:
    texts, ops, tpls = [], [], []
    for line in (world / "ads.jsonl").open(encoding="utf-8"):
        ad = json.loads(line)
        texts.append(f"{ad.get('title') or ''} {ad.get('body') or ''}")
    for line in (world / "truth.jsonl").open(encoding="utf-8"):
        t = json.loads(line)
        ops.append(t["operation"] or f"benign:{t['id']}")
        tpls.append(f"{t['template']}:{t['lang']}" if t.get("template") else f"none:{t['id']}")
    t0 = time.process_time()
    labels = coarse_clusters(texts, min_df=min_df)
    cpu = time.process_time() - t0
    p_t, r_t, f_t = pairwise(labels, tpls)
    p_o, r_o, f_o = pairwise(labels, ops)
    return {
        "min_df": min_df,
        "ads": len(texts),
        "cpu_s": cpu,
        "clusters": len(set(labels)),
        "tpl_p": p_t,
        "tpl_r": r_t,
        "tpl_f1": f_t,
        "op_p": p_o,
        "op_r": r_o,
        "op_f1": f_o,
    }


if __name__ == "__main__":
    for m in (1, 2):
        print(run(Path(sys.argv[1]), min_df=m))
