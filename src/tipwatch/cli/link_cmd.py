"""`tipwatch link`: group ads into candidate operations through shared contacts, templates, images."""

from __future__ import annotations

import json
from typing import Any

import typer

from tipwatch.cli._common import err, open_input, open_output

__all__ = ["link", "register"]

ENGINES = ("duckdb", "spark")


def register(app: typer.Typer) -> None:
    app.command("link")(link)


def link(
    source: str = typer.Argument("-", help="JSON Lines file of ads, or '-' for stdin."),
    out: str = typer.Option(None, "--out", "-o", help="Write results here (default: stdout)."),
    engine: str = typer.Option(
        None, "--engine", help="Backend for large runs: duckdb or spark (not available yet)."
    ),
) -> None:
    """Link ads into candidate operations: JSON Lines in, one line per ad out, same order.

    Input lines: the extract format, optionally with "images": [paths]. Output lines:
    {"id", "operation", "template", "links": [{"id", "via": [keys]}]}; "links" is left out
    when the ad links to nothing (it then has an operation of its own).
    """
    if engine is not None:
        if engine not in ENGINES:
            err.print(f"[red]error:[/red] --engine must be one of {', '.join(ENGINES)}, got {engine!r}")
        else:
            err.print(
                f"[red]error:[/red] engine {engine} is not available yet; "
                "the default engine is used when --engine is omitted"
            )
        raise typer.Exit(2)

    from tipwatch.engine import Ad
    from tipwatch.engine.extract import extract_ad
    from tipwatch.engine.link import EntityGraph, TemplateIndex
    from tipwatch.engine.pipeline import iter_lines, read_ads

    templates = TemplateIndex()
    graph = EntityGraph()
    rows: list[tuple[str | None, int, str | None]] = []  # (ad id, line, error code): memory-light
    images = _Images()
    with open_input(source) as fp:
        for lineno, ad, _data in read_ads(iter_lines(fp)):
            if not isinstance(ad, Ad):  # an error object from the shared JSON Lines reader
                rows.append((None, lineno, ad["error"]["code"]))
                continue
            if ad.id in graph:
                rows.append((None, lineno, "ad.duplicate_id"))
                continue
            extraction = extract_ad(ad)
            template_id = templates.add(ad.id, ad, extraction)
            graph.add(ad.id, extraction, template_id, images.keys(ad.images, lineno))
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


class _Images:
    """Perceptual image hashes grouped by near match: each group is one ``image:`` key."""

    def __init__(self) -> None:
        self.index: Any = None
        self.problems: list[str] = []

    def keys(self, paths: list[str], lineno: int) -> list[str]:
        if not paths:
            return []
        from tipwatch.engine.link import ImageIndex, image_hashes

        if self.index is None:
            self.index = ImageIndex()
        out = []
        for n, path in enumerate(paths):
            try:
                h = image_hashes(path)
            except (OSError, ValueError) as exc:
                self.problems.append(
                    f"line {lineno}: image {n} skipped ({type(exc).__name__}); check the path"
                )
                continue
            if h.quality < 50:  # a nearly flat image matches too easily to link anything
                continue
            near = self.index.near(h)
            group = near[0][0] if near else h.sha256[:16]
            self.index.add(group, h)
            out.append(group)
        return out
