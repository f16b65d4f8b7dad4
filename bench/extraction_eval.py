"""Precision and recall of entity extraction, per entity type.

Two corpora:
  * the demo world's ground truth (``tipwatch demo generate``), every planted entity;
  * the hand-made cases in bench/cases/*.jsonl (``expected`` lists per ad).

An extracted entity counts as a true positive when an expected entity of the same type and
normalised value exists in the same ad (multiset matching). Phones are also scored separately
for plain and obfuscated mentions (recall by the truth's ``obfuscated`` flag; precision for
obfuscated mentions by the extractor's flag).

    python bench/extraction_eval.py --seed 11 --ads 20000 --out bench/results/extraction.md
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from tipwatch.engine.extract import extract_ad
from tipwatch.engine.types import ad_from_dict

SCORED = ("phone", "email", "handle", "payment", "age", "price")


class Tally:
    def __init__(self, scope: tuple[str, ...] = SCORED) -> None:
        self.scope = scope
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.misses: dict[str, list] = defaultdict(list)
        self.false_hits: dict[str, list] = defaultdict(list)

    def add(self, ad_id: str, expected: list[dict], found: list[dict]) -> None:
        for kind in self.scope:
            exp = [e for e in expected if e["type"] == kind]
            got = [e for e in found if e["type"] == kind]
            self._score(kind, ad_id, exp, got)
            if kind == "phone":
                for flag, label in ((False, "phone (plain)"), (True, "phone (obfuscated)")):
                    e2 = [e for e in exp if bool(e.get("obfuscated")) == flag]
                    # a found phone counts for the sub-group whose expected value it matches, else by its own flag
                    exp_vals = {e["value"]: bool(e.get("obfuscated")) for e in exp}
                    g2 = [g for g in got if exp_vals.get(g["value"], bool(g.get("obfuscated"))) == flag]
                    self._score(label, ad_id, e2, g2)

    def _score(self, kind: str, ad_id: str, exp: list[dict], got: list[dict]) -> None:
        remaining = Counter(e["value"] for e in exp)
        for g in got:
            if remaining[g["value"]] > 0:
                remaining[g["value"]] -= 1
                self.tp[kind] += 1
            else:
                self.fp[kind] += 1
                if len(self.false_hits[kind]) < 15:
                    self.false_hits[kind].append((ad_id, g.get("raw"), g["value"]))
        for value, n in remaining.items():
            if n > 0:
                self.fn[kind] += n
                if len(self.misses[kind]) < 15:
                    raw = next((e.get("raw") for e in exp if e["value"] == value), None)
                    self.misses[kind].append((ad_id, raw, value))

    def rows(self) -> list[tuple[str, int, int, int, float, float, float]]:
        out = []
        for kind in list(SCORED[:1]) + ["phone (plain)", "phone (obfuscated)"] + list(SCORED[1:]):
            tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
            if tp + fp + fn == 0:
                continue
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            out.append((kind, tp, fp, fn, p, r, f))
        return out


def table(title: str, tally: Tally) -> str:
    lines = [
        f"#### {title}",
        "",
        "| type | TP | FP | FN | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, tp, fp, fn, p, r, f in tally.rows():
        lines.append(f"| {kind} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | {f:.3f} |")
    return "\n".join(lines) + "\n"


def eval_demo(seed: int, n: int) -> tuple[Tally, float]:
    from tipwatch.demo import generate

    tally = Tally()
    spent = 0.0
    for ad_dict, truth in generate(seed, n):
        ad = ad_from_dict(ad_dict)
        s = time.perf_counter()
        result = extract_ad(ad)
        spent += time.perf_counter() - s
        tally.add(ad.id, truth["entities"], [e.to_dict() for e in result.entities])
    return tally, spent


def eval_cases(paths: list[Path]) -> Tally:
    """Each case file is scored on the entity types its cases label (phones.jsonl on phones ...):
    a phone in an ages case is not a false hit for the age extractor's file."""
    tally = Tally()
    for path in paths:
        cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        tally.scope = tuple(sorted({e["type"] for c in cases for e in c.get("expected", [])} & set(SCORED)))
        for lineno, case in enumerate(cases, 1):
            ad = ad_from_dict({k: v for k, v in case.items() if k not in ("expected", "note")})
            found = [e.to_dict() for e in extract_ad(ad, region=case.get("region")).entities]
            tally.add(f"{path.name}:{lineno}", case.get("expected", []), found)
    return tally


def details(tally: Tally) -> str:
    out = []
    for kind in sorted(set(tally.misses) | set(tally.false_hits)):
        for ad_id, raw, value in tally.misses.get(kind, [])[:5]:
            out.append(f"  miss  {kind:20} {ad_id}: {raw!r} -> {value}")
        for ad_id, raw, value in tally.false_hits.get(kind, [])[:5]:
            out.append(f"  false {kind:20} {ad_id}: {raw!r} -> {value}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--ads", type=int, default=20000)
    ap.add_argument("--cases", type=Path, default=Path(__file__).parent / "cases")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--verbose", "-v", action="store_true", help="print sample misses and false hits")
    args = ap.parse_args()

    demo, spent = eval_demo(args.seed, args.ads)
    paths = sorted(args.cases.glob("*.jsonl"))
    cases = eval_cases([p for p in paths if not p.name.startswith("lead_")])
    lead = eval_cases([p for p in paths if p.name.startswith("lead_")])
    cmd = f"python bench/extraction_eval.py --seed {args.seed} --ads {args.ads}"
    md = (
        f"Command: `{cmd}` ({args.ads:,} demo ads, seed {args.seed}; "
        f"extraction alone {args.ads / spent:,.0f} ads/s in this run)\n\n"
        + table(f"Demo world ground truth ({args.ads:,} ads)", demo)
        + "\n"
        + table("Hand-made cases written with the extractors (bench/cases/*.jsonl)", cases)
        + "\n"
        + table(
            "Hand-made cases written by the lead, not the extractor authors (bench/cases/lead_*.jsonl)", lead
        )
    )
    print(md)
    if args.verbose:
        print("demo:\n" + details(demo), file=sys.stderr)
        print("cases:\n" + details(cases), file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
