"""tipwatch ingest: read a source, extract, store. Idempotent and safe to kill and re-run."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import typer

from tipwatch.cli._common import err, progress, setup_django

MAX_REJECTS_SHOWN = 20


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)


def _parse_mapping(items: list[str]) -> dict[str, str] | None:
    if not items:
        return None
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or not field or not column:
            err.print(f"[red]error:[/red] --map takes FIELD=COLUMN (e.g. body=description), got {item!r}")
            raise typer.Exit(2)
        mapping[field.strip()] = column.strip()
    return mapping


def _extracted(ads: Iterator, region: str | None, workers: int) -> Iterator:
    """(ad, result) pairs or Rejected items, in order; extraction optionally in worker processes."""
    from tipwatch.engine.extract import extract_ad
    from tipwatch.engine.types import Rejected

    if workers <= 1:
        for item in ads:
            yield item if isinstance(item, Rejected) else (item, extract_ad(item, region=region))
        return
    import multiprocessing as mp

    with mp.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_ExtractOne(region), ads, chunksize=32)


class _ExtractOne:
    def __init__(self, region: str | None):
        self.region = region

    def __call__(self, item):
        from tipwatch.engine.extract import extract_ad
        from tipwatch.engine.types import Rejected

        return item if isinstance(item, Rejected) else (item, extract_ad(item, region=self.region))


def ingest(
    source: str = typer.Argument(
        ...,
        help="A .jsonl/.csv/.tsv/.html/.warc(.gz) file, a folder of HTML files, or '-' (JSON Lines on stdin).",
    ),
    fmt: str = typer.Option(None, "--format", "-f", help="Force the format: jsonl, csv, html or warc."),
    mapping: list[str] = typer.Option(
        [], "--map", help="CSV column mapping FIELD=COLUMN, repeatable (e.g. --map body=description)."
    ),
    org: str = typer.Option(
        None, "--org", help="Organisation slug that will own the ads (default: the only one)."
    ),
    region: str = typer.Option(
        None, "--region", help="Fallback ISO country for phones (default: the organisation's)."
    ),
    batch_size: int = typer.Option(500, "--batch-size", help="Ads per database transaction."),
    workers: int = typer.Option(1, "--workers", "-j", help="Extraction processes."),
) -> None:
    """Store ads and their entities, with a progress bar and a summary.

    Each batch is one transaction and ads are keyed by content hash, so an interrupted
    ingest leaves nothing half-written and running it again completes the job without
    duplicates.
    """
    setup_django()
    from tipwatch.engine.readers import SourceError, count_hint, read_source
    from tipwatch.engine.types import Rejected
    from tipwatch.web.accounts.models import Organisation
    from tipwatch.web.ads.store import finish_run, start_run, store_batch
    from tipwatch.web.links.images import file_loader, store_images

    orgs = Organisation.objects.all()
    if org:
        organisation = orgs.filter(slug=org).first()
        if organisation is None:
            slugs = ", ".join(orgs.values_list("slug", flat=True)) or "none yet: run tipwatch setup"
            err.print(f"[red]error:[/red] no organisation {org!r}; known: {slugs}")
            raise typer.Exit(2)
    else:
        if orgs.count() != 1:
            slugs = ", ".join(orgs.values_list("slug", flat=True)) or "none yet: run tipwatch setup"
            err.print(f"[red]error:[/red] say which organisation owns the ads with --org (known: {slugs})")
            raise typer.Exit(2)
        organisation = orgs.get()
    region = (region or getattr(organisation, "default_region", None) or "").upper() or None

    try:
        items = read_source(source, fmt=fmt, mapping=_parse_mapping(mapping))
        total = count_hint(source)
    except SourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None

    run = start_run(organisation, str(source), fmt or "auto")
    counts = Counter()
    rejects: list[dict] = []
    batch: list = []
    status = "failed"
    started = time.monotonic()
    # Image paths in the ads are relative to the input file's folder (the input folder itself for a
    # folder of HTML files, the working folder for stdin).
    base = Path(".") if source == "-" else Path(source)
    load_image = file_loader(base.parent if base.is_file() else base)

    def flush() -> None:
        if batch:
            c = store_batch(organisation, batch, source=run.source, run=run)
            counts["new"] += c.new
            counts["duplicate"] += c.duplicate
            # A missing or broken photo is a reject line; the ad itself is already stored.
            for r in store_images(organisation, batch, loader=load_image, source=str(source)):
                counts["rejected"] += 1
                if len(rejects) < 1000:
                    rejects.append(r)
                if counts["rejected"] <= MAX_REJECTS_SHOWN:
                    err.print(f"[yellow]rejected[/yellow] {r['location']}: {r['reason']} [{r['code']}]")
            batch.clear()

    try:
        with progress() as bar:
            task = bar.add_task("ingesting", total=total, rate="")
            for item in _extracted(items, region, workers):
                if isinstance(item, Rejected):
                    counts["rejected"] += 1
                    if len(rejects) < 1000:
                        rejects.append({"location": item.location, "code": item.code, "reason": item.reason})
                    if counts["rejected"] <= MAX_REJECTS_SHOWN:
                        err.print(f"[yellow]rejected[/yellow] {item.location}: {item.reason} [{item.code}]")
                else:
                    counts["read"] += 1
                    batch.append(item)
                    if len(batch) >= batch_size:
                        flush()
                done = counts["read"] + counts["rejected"]
                if done % 200 == 0:
                    rate = done / max(time.monotonic() - started, 1e-6)
                    bar.update(task, completed=done, rate=f"{rate:,.0f} ads/s")
            flush()
            bar.update(task, completed=counts["read"] + counts["rejected"])
        status = "completed"
    except SourceError as exc:
        err.print(f"[red]error:[/red] {exc}")
        status = "failed"
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        status = "interrupted"
        err.print(
            "[yellow]interrupted[/yellow]: stored batches are kept; run the same command again to finish"
        )
        raise typer.Exit(130) from None
    finally:
        finish_run(run, dict(counts), rejects, status)
    elapsed = time.monotonic() - started
    _summary(source, counts, rejects, elapsed)
    _after_store(organisation, run)


def _after_store(organisation, run) -> None:
    """Score the ads that have no current assessment, run the watchlists over this run's ads,
    and recompute the organisation's links (operations, templates, photo groups).

    Done once after storing, so contact-reuse signals and links see the whole input. Every step
    is idempotent: an ingest killed before this point is completed by running it again.
    """
    from tipwatch.web.ads.models import Ad
    from tipwatch.web.assess.services import rescore
    from tipwatch.web.watch.services import scan_ads

    t0 = time.monotonic()
    with err.status("scoring new ads against the indicator catalogue"):
        assessed = rescore(organisation, stale_only=True)
    with err.status("checking watchlists"):
        alerts = scan_ads(organisation, Ad.objects.for_org(organisation).filter(run=run))
    err.print(f"assessed {assessed:,} ads, {alerts:,} new watchlist alerts ({time.monotonic() - t0:.1f} s)")
    _relink(organisation)


def _relink(organisation) -> None:
    from tipwatch.web.links.services import relink

    with progress(transient=True) as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"linking: {stage}", total=total, rate="")
            bar.update(tasks[stage], completed=done, total=total)

        linked = relink(organisation, progress=report)
    err.print(
        f"linked: {linked['operations']:,} operations of 2+ ads ({linked['linked_ads']:,} ads), "
        f"{linked['templates']:,} templates, {linked['images']:,} photos, {linked['hubs']:,} hub keys cut "
        f"({linked['seconds']:.1f} s)"
    )


def _summary(source: str, counts: Counter, rejects: list[dict], elapsed: float) -> None:
    from rich.table import Table

    table = Table(title=f"ingest {source}", show_header=False)
    table.add_row("read", f"{counts['read']:,}")
    table.add_row("new", f"{counts['new']:,}")
    table.add_row("duplicate", f"{counts['duplicate']:,}")
    table.add_row("rejected", f"{counts['rejected']:,}")
    table.add_row("time", f"{elapsed:.1f} s ({counts['read'] / max(elapsed, 1e-6):,.0f} ads/s)")
    err.print(table)
    if rejects:
        by_code = Counter(r["code"] for r in rejects)
        err.print("rejected by reason: " + ", ".join(f"{code} x{n}" for code, n in by_code.most_common()))
