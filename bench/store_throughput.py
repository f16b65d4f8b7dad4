"""Ads stored per second into PostgreSQL (or whatever DATABASE_URL names).

Extracts N demo ads first (not timed), then times ``store_batch`` in batches of 500 into an
empty organisation, then times a second pass of the same ads (all duplicates: the cost of an
idempotent re-run). bench/run.sh starts a throwaway PostgreSQL cluster for it.

    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/tipwatch python bench/store_throughput.py --ads 20000
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ads", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipwatch.web.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tipwatch.demo import generate
    from tipwatch.engine.extract import extract_ad
    from tipwatch.engine.types import ad_from_dict
    from tipwatch.web.accounts.models import Organisation
    from tipwatch.web.ads.store import finish_run, start_run, store_batch

    call_command("migrate", interactive=False, verbosity=0)
    org, _ = Organisation.objects.get_or_create(slug=f"bench-{int(time.time())}", defaults={"name": "Bench"})
    items = []
    for ad_dict, _truth in generate(args.seed, args.ads):
        ad = ad_from_dict(ad_dict)
        items.append((ad, extract_ad(ad)))
    n_entities = sum(len(r.entities) for _, r in items)

    def one_pass() -> tuple[float, int, int]:
        run = start_run(org, "bench", "jsonl")
        new = dup = 0
        t0 = time.perf_counter()
        for i in range(0, len(items), args.batch):
            c = store_batch(org, items[i : i + args.batch], source=run.source, run=run)
            new += c.new
            dup += c.duplicate
        elapsed = time.perf_counter() - t0
        finish_run(run, {"read": len(items), "new": new, "duplicate": dup}, [], "completed")
        return elapsed, new, dup

    first, new, _ = one_pass()
    second, _, dup = one_pass()
    vendor = connection.vendor
    md = (
        f"Command: `python bench/store_throughput.py --ads {args.ads}` on {vendor} "
        f"({n_entities / len(items):.1f} entities per ad, batches of {args.batch})\n\n"
        "| pass | ads | seconds | ads/s |\n|---|---:|---:|---:|\n"
        f"| first (all new: {new:,}) | {len(items):,} | {first:.1f} | {len(items) / first:,.0f} |\n"
        f"| re-run (all duplicate: {dup:,}) | {len(items):,} | {second:.1f} | {len(items) / second:,.0f} |\n"
    )
    print(md)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
