"""Indicator scorer on the demo world's ground truth: ROC-AUC, PR-AUC, bands, per-indicator table.

    python bench/indicators_eval.py [--seed 1] [--ads 20000] [--out bench/results/indicators.md]

Labels: positive when the ad's true kind is exploitation, recruitment or marriage (an
operation's ad), negative for benign_job, benign_adult and classified. Ads are assessed with
the in-file network signals (contact reuse across ads, cities and names; template reuse), as
``tipwatch assess FILE`` does. Also measures matching in the detected language + English
against all languages, and the speed of assess (extraction excluded, then included).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tipwatch.demo import generate
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.indicators import assess_many, load_catalogue
from tipwatch.engine.indicators.calibrate import (
    bands_markdown,
    fit_weights,
    indicators_markdown,
    markdown_table,
    pr_auc,
    roc_auc,
)
from tipwatch.engine.indicators.network import ContactNetwork
from tipwatch.engine.types import ad_from_dict

POSITIVE = {"exploitation", "recruitment", "marriage"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ads", type=int, default=20_000)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "indicators.md"))
    ap.add_argument("--fit", action="store_true", help="Also print the logistic-regression refit table.")
    args = ap.parse_args(argv)

    cat = load_catalogue()
    pairs = [(ad_from_dict(a), t) for a, t in generate(args.seed, args.ads)]
    ads = [a for a, _ in pairs]
    labels = [int(t["kind"] in POSITIVE) for _, t in pairs]
    kinds = [t["kind"] for _, t in pairs]
    t1 = time.perf_counter()
    extractions = [extract_ad(a) for a in ads]
    t2 = time.perf_counter()
    net = ContactNetwork()
    for a, ex in zip(ads, extractions, strict=True):
        net.add(a, ex)
    sigs = [net.signals(a, ex) for a, ex in zip(ads, extractions, strict=True)]
    t3 = time.perf_counter()

    results = {}
    timing = {}
    list(assess_many(zip(ads, extractions, sigs, strict=True)))  # warm the matcher's memos
    for mode in ("detected", "all"):
        s = time.perf_counter()
        results[mode] = list(assess_many(zip(ads, extractions, sigs, strict=True), language_mode=mode))
        timing[mode] = time.perf_counter() - s
    res = results["detected"]
    n = len(ads)

    lines = [
        "# Indicator scorer on the demo world",
        "",
        f"Command: `python bench/indicators_eval.py --seed {args.seed} --ads {args.ads}`; catalogue "
        f"{cat.version} (`{cat.fingerprint[:12]}`). Positive: an operation's ad (exploitation, recruitment, "
        f"marriage: {sum(labels):,} of {n:,}); negative: benign jobs, benign adult ads, classifieds. "
        "In-file network signals on.",
        "",
        "## Ranking",
        "",
        markdown_table(
            ["matching", "ROC-AUC", "PR-AUC", "assess ads/s (extraction excluded)"],
            [
                [
                    "detected language + English (used)" if m == "detected" else "all languages",
                    roc_auc([r.score for r in results[m]], labels),
                    pr_auc([r.score for r in results[m]], labels),
                    int(n / timing[m]),
                ]
                for m in ("detected", "all")
            ],
        ),
        "",
        f"Extraction alone: {int(n / (t2 - t1)):,} ads/s; network pass: {int(n / (t3 - t2)):,} ads/s; "
        f"extraction + network + assess: {int(n / (t2 - t1 + t3 - t2 + timing['detected'])):,} ads/s "
        "(one core; the machine may be shared).",
        "",
        "## Bands",
        "",
        bands_markdown([r.band for r in res], labels, [b.name for b in cat.bands][::-1]),
        "",
        "Band by true kind (ads):",
        "",
    ]
    kind_names = sorted(set(kinds))
    bands = [b.name for b in cat.bands]
    lines.append(
        markdown_table(
            ["kind", *bands, "mean score"],
            [
                [
                    k,
                    *[
                        sum(1 for r, kk in zip(res, kinds, strict=True) if kk == k and r.band == b)
                        for b in bands
                    ],
                    sum(r.score for r, kk in zip(res, kinds, strict=True) if kk == k)
                    / max(1, kinds.count(k)),
                ]
                for k in kind_names
            ],
        )
    )
    weights = {i.id: i.weight for i in cat.indicators}
    fired = [[f.id for f in r.indicators] for r in res]
    lines += [
        "",
        "## Indicators",
        "",
        "Support: ads it fired on; precision: share of those that are positive; lift: precision / "
        f"base rate ({sum(labels) / n:.3f}); recall: share of all positives it fired on.",
        "",
        indicators_markdown(fired, labels, weights),
    ]
    if args.fit:
        intercept, fit = fit_weights(fired, labels, weights, weight_range=cat.weight_range)
        lines += [
            "",
            f"## Logistic-regression refit (not applied; intercept {intercept:.3f})",
            "",
            markdown_table(
                ["indicator", "support", "coefficient", "odds ratio", "current", "suggested"],
                [[r.id, r.support, r.coefficient, r.odds_ratio, r.current, r.suggested] for r in fit],
            ),
        ]
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"written: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
