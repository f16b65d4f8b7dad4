"""Engine commands that need no database: extract, crawl."""

from __future__ import annotations

from pathlib import Path

import typer

from tipwatch.cli._common import err, open_input, open_output


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)
    app.command("crawl")(crawl)


def extract(
    source: str = typer.Argument("-", help="JSON Lines file of ads, or '-' for stdin."),
    out: str = typer.Option(None, "--out", "-o", help="Write results here (default: stdout)."),
    region: str = typer.Option(
        None, "--region", help="Fallback ISO country for phones without a country code (e.g. US)."
    ),
    workers: int = typer.Option(1, "--workers", "-j", help="Processes to use (0 = one per CPU)."),
) -> None:
    """Extract entities from ads: JSON Lines in, one JSON result per line out, same order.

    Input lines: {"id", "title"?, "body", "url"?, "country"?, "city"?, "lang"?, "posted_at"?}.
    Output lines: {"id", "language", "region", "entities": [{"type", "value", "raw", "start",
    "end", "obfuscated", "field", ...}]}. A line that cannot be read gives
    {"id", "line", "error": {"code", "reason"}} in its place.
    """
    from tipwatch.engine.pipeline import extract_lines, iter_lines

    if region is not None:
        region = region.strip().upper()
        if len(region) != 2 or not region.isalpha():
            err.print(
                f"[red]error:[/red] --region must be an ISO 3166 alpha-2 code such as US, got {region!r}"
            )
            raise typer.Exit(2)
    errors = 0
    with open_input(source) as fp, open_output(out) as fo:
        for line in extract_lines(iter_lines(fp), region=region, workers=workers):
            if line.startswith(b'{"id":null,"line"') or b'"error":{"code"' in line[:200]:
                errors += 1
            fo.write(line)
            fo.write(b"\n")
    if errors:
        err.print(f"{errors} line(s) could not be read; see the 'error' objects in the output")


def crawl(
    seeds: list[str] = typer.Argument(..., help="Start URLs (http or https)."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for crawl.warc.gz and state.json."),
    max_pages: int = typer.Option(100, "--max-pages", help="Page budget for this run (cumulative)."),
    delay: float = typer.Option(
        1.0, "--delay", help="Seconds between requests to one host (robots crawl-delay wins if larger)."
    ),
    user_agent: str = typer.Option("tipwatch-crawler/0.1 (+https://github.com/tipwatch)", "--user-agent"),
    include: str = typer.Option(None, "--include", help="Only follow URLs matching this regular expression."),
    all_hosts: bool = typer.Option(False, "--all-hosts", help="Follow links to other hosts too."),
) -> None:
    """Crawl politely (robots.txt, per-host rate limit, page budget) into a WARC file.

    Resumable: run the same command again with the same --out to continue where it stopped.
    Ingest the result with: tipwatch ingest OUT/crawl.warc.gz
    """
    from rich.progress import Progress

    from tipwatch.engine.readers.crawl import crawl as run_crawl

    out.mkdir(parents=True, exist_ok=True)
    with Progress(console=err, disable=not err.is_terminal) as bar:
        task = bar.add_task("crawling", total=max_pages)
        stats = run_crawl(
            seeds,
            out,
            max_pages=max_pages,
            per_host_delay=delay,
            user_agent=user_agent,
            same_host_only=not all_hosts,
            include=include,
            progress=lambda stats, url: bar.update(task, completed=stats.total_pages),
        )
    err.print(f"crawl: {stats}")
    err.print(f"next: tipwatch ingest {out / 'crawl.warc.gz'}")
