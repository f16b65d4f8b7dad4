"""`tipwatch link`: group ads into candidate operations through shared contacts, templates, images."""

from __future__ import annotations

import json
import os
from typing import Any

import typer

from tipwatch.cli._common import err, open_input, open_output

__all__ = ["link", "register"]

ENGINES = ("duckdb", "spark", "memory")


def register(app: typer.Typer) -> None:
    app.command("link")(link)


def link(
    source: str = typer.Argument("-", help="JSON Lines file of ads, or '-' for stdin."),
    out: str = typer.Option(None, "--out", "-o", help="Write results here (default: stdout)."),
    engine: str = typer.Option(
        "duckdb",
        "--engine",
        help="duckdb (default, embedded), spark (local[*] or --spark-master), "
        "or memory (in-process, as the web app links).",
    ),
    workers: int = typer.Option(0, "--workers", "-w", help="Processes for stage 1 (0 = one per CPU)."),
    work_dir: str = typer.Option(
        None, "--work-dir", help="Directory for the Parquet tables (default: a temporary one, removed after)."
    ),
    explain: bool = typer.Option(
        False, "--explain", help='duckdb/spark: add "links" (explained neighbours); memory always does.'
    ),
    spark_master: str = typer.Option(None, "--spark-master", help="Spark master URL (default local[*])."),
) -> None:
    """Link ads into candidate operations: JSON Lines in, one line per ad out, same order.

    Input lines: the extract input format, optionally with "images": [paths] and with the
    "entities" of `tipwatch extract` (then not extracted again). Output lines:
    {"id", "operation", "template", "links": [{"id", "via": [keys]}]}; "links" comes with the
    memory engine or --explain, and is left out when the ad links to nothing.
    """
    if engine not in ENGINES:
        err.print(f"[red]error:[/red] --engine must be one of {', '.join(ENGINES)}, got {engine!r}")
        raise typer.Exit(2)
    if workers < 0:
        err.print(f"[red]error:[/red] --workers must be 0 (one per CPU) or more, got {workers}")
        raise typer.Exit(2)
    if engine != "memory":
        _relational(source, out, engine, workers or (os.cpu_count() or 1), work_dir, explain, spark_master)
        return
    from tipwatch.engine import Ad
    from tipwatch.engine.link import EntityGraph, TemplateIndex
    from tipwatch.engine.link.job import ImageKeys, extraction_of
    from tipwatch.engine.pipeline import iter_lines, read_ads

    templates = TemplateIndex()
    graph = EntityGraph()
    rows: list[tuple[str | None, int, str | None]] = []  # (ad id, line, error code): memory-light
    images = ImageKeys()
    with open_input(source) as fp:
        for lineno, ad, _data in read_ads(iter_lines(fp)):
            if not isinstance(ad, Ad):  # an error object from the shared JSON Lines reader
                rows.append((None, lineno, ad["error"]["code"]))
                continue
            if ad.id in graph:
                rows.append((None, lineno, "ad.duplicate_id"))
                continue
            extraction = extraction_of(ad)
            template_id = templates.add(ad.id, ad, extraction)
            graph.add(ad.id, extraction, template_id, keys=images.keys_for_paths(ad.images, lineno))
            rows.append((ad.id, lineno, None))
    errors = 0
    with open_output(out) as fo:
        for ad_id, lineno, code in rows:
            if ad_id is None:
                errors += 1
                rec: dict[str, Any] = {"id": None, "line": lineno, "error": {"code": code}}
            else:
                rec = {
                    "id": ad_id,
                    "operation": graph.operation_of(ad_id),
                    "template": templates.template_of(ad_id),
                }
                links = [{"id": nb["id"], "via": nb["via"]} for nb in graph.links(ad_id)]
                if links:
                    rec["links"] = links
            fo.write(json.dumps(rec, ensure_ascii=False).encode("utf-8"))
            fo.write(b"\n")
    ops = graph.operations()
    err.print(
        f"link: {len(graph)} ads, {sum(1 for m in ops.values() if len(m) > 1)} operations of 2+ ads, "
        f"{len(graph.hubs())} hub keys cut"
    )
    if errors:
        err.print(f"{errors} line(s) could not be read; see the 'error' objects in the output")
    for problem in images.problems:
        err.print(problem)


def _relational(
    source: str,
    out: str | None,
    engine: str,
    workers: int,
    work_dir: str | None,
    explain: bool,
    master: str | None,
) -> None:
    from tipwatch.cli._common import progress
    from tipwatch.engine.link.engines import EngineUnavailable
    from tipwatch.engine.link.job import run_job
    from tipwatch.engine.pipeline import iter_lines

    try:
        with open_input(source) as fp, open_output(out) as fo, progress(transient=True) as bar:
            task = bar.add_task("featurise", total=None, rate="")
            summary = run_job(
                iter_lines(fp),
                fo,
                engine=engine,
                workers=workers,
                work_dir=work_dir,
                explain=explain,
                spark_master=master,
                on_progress=lambda n: bar.advance(task, n),
                on_stage=lambda text: bar.update(task, description=text),
            )
    except EngineUnavailable as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    t = summary.timings
    err.print(
        f"link ({engine}): {summary.ads} ads, {summary.operations} operations of 2+ ads, "
        f"{summary.hubs} hub keys cut; featurise {t.get('featurise', 0):.1f} s, "
        f"link {t.get('link', 0):.1f} s, write {t.get('write', 0):.1f} s",
        soft_wrap=True,  # one line, for logs and benchmarks that read it
    )
    if summary.errors:
        err.print(f"{summary.errors} line(s) could not be read; see the 'error' objects in the output")
    for problem in summary.problems:
        err.print(problem)
