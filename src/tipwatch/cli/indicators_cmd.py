"""Indicator commands that need no database: ``tipwatch assess`` and ``tipwatch indicators ...``.

``assess`` scores ads (the contract in docs/architecture.md); ``indicators evaluate`` measures
the scorer against labelled ads; ``indicators fit`` suggests weights (never applies them);
``indicators validate`` checks a catalogue.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from tipwatch.cli._common import err, open_input, open_output

__all__ = ["indicators_app", "read_records", "register"]

indicators_app = typer.Typer(
    help="The indicator catalogue: evaluate against labelled ads, fit weights, validate.",
    no_args_is_help=True,
)
_KEEP_LIMIT = 50_000  # extractions kept between the two passes; more are extracted again


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)
    app.add_typer(indicators_app, name="indicators")


def read_records(fp: Any) -> Iterator[tuple[int, Any, dict[str, Any] | None]]:
    """``(line, Ad or error object, decoded record)`` per non-blank JSON Lines record, in order."""
    from tipwatch.engine.pipeline import iter_lines, read_ads

    return read_ads(iter_lines(fp))


def _check_kind(kind: str | None) -> str | None:
    if kind in (None, "auto"):
        return None
    if kind not in ("job_offer", "ad"):
        err.print(f"[red]error:[/red] --kind must be job_offer, ad or auto, got {kind!r}")
        raise typer.Exit(2)
    return kind


def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    region = region.strip().upper()
    if len(region) != 2 or not region.isalpha():
        err.print(f"[red]error:[/red] --region must be an ISO 3166 alpha-2 code such as US, got {region!r}")
        raise typer.Exit(2)
    return region


def _assessed(path: str, network: bool, region: str | None, kind: str | None, catalogue: Any = None):
    """``(lineno, assessment or error object, record)`` per record of the file at ``path``."""
    from tipwatch.engine.extract import extract_ad
    from tipwatch.engine.indicators import assess_many
    from tipwatch.engine.indicators.network import ContactNetwork

    def records():
        with open_input(path) as fp:
            yield from read_records(fp)

    net = None
    kept: dict[int, Any] = {}
    if network:
        net = ContactNetwork()
        for lineno, ad, _ in records():
            if isinstance(ad, dict):
                continue
            ex = extract_ad(ad, region=region)
            net.add(ad, ex)
            if len(kept) < _KEEP_LIMIT:
                kept[lineno] = ex
    pending: list[tuple[int, Any, Any]] = []

    def flush():
        triples = [(ad, ex, sig) for _, (ad, ex, sig), _ in pending if ad is not None]
        results = iter(assess_many(triples, kind=kind, catalogue=catalogue))
        for lineno, (ad, _ex, _sig), rec in pending:
            yield lineno, (next(results) if ad is not None else rec), rec if ad is not None else None

    for lineno, ad, rec in records():
        if isinstance(ad, dict):
            pending.append((lineno, (None, None, None), ad))
        else:
            ex = kept.pop(lineno, None) or extract_ad(ad, region=region)
            sig = net.signals(ad, ex) if net is not None else None
            pending.append((lineno, (ad, ex, sig), rec))
        if len(pending) >= 256:
            yield from flush()
            pending = []
    if pending:
        yield from flush()


def _spool_stdin() -> str:
    fd, name = tempfile.mkstemp(prefix="tipwatch-assess-", suffix=".jsonl")
    with os.fdopen(fd, "wb") as fo:
        shutil.copyfileobj(sys.stdin.buffer, fo)
    return name


def assess(
    source: str = typer.Argument("-", help="JSON Lines file of ads, or '-' for stdin."),
    out: str = typer.Option(None, "--out", "-o", help="Write results here (default: stdout)."),
    network: bool = typer.Option(
        None,
        "--network/--no-network",
        help="Contact reuse across the input's ads (two passes). Default: on for a file, off for stdin.",
    ),
    kind: str = typer.Option("auto", "--kind", help="job_offer, ad, or auto (detect from the vocabulary)."),
    region: str = typer.Option(None, "--region", help="Fallback ISO country for phones (e.g. US)."),
) -> None:
    """Score ads against the indicator catalogue: JSON Lines in, one assessment per line out.

    Input lines: the extract format {"id", "title"?, "body", "url"?, "country"?, "city"?, ...}.
    Output lines: {"id", "score": 0-100, "band": "low|review|high", "catalogue_version",
    "indicators": [{"id", "start", "end", "field", "matched", "weight", "explanation", "name",
    "category"}]}; start/end index the original field text (null for network signals). A line
    that cannot be read gives {"id", "line", "error": {"code", "reason"}} in its place.
    """
    from tipwatch.engine.indicators import load_catalogue
    from tipwatch.engine.pipeline import dumps

    kind_ = _check_kind(kind)
    region = _check_region(region)
    if network is None:
        network = source != "-"
    spooled = _spool_stdin() if network and source == "-" else None
    path = spooled or source
    cat = load_catalogue()
    counts = {b.name: 0 for b in cat.bands}
    errors = 0
    try:
        with open_output(out) as fo:
            for _lineno, result, _rec in _assessed(path, network, region, kind_, cat):
                if isinstance(result, dict):
                    errors += 1
                    fo.write(dumps(result))
                else:
                    counts[result.band] += 1
                    fo.write(dumps(result.to_dict()))
                fo.write(b"\n")
    finally:
        if spooled:
            os.unlink(spooled)
    bands = ", ".join(f"{name} {n:,}" for name, n in reversed(counts.items()))
    err.print(
        f"assess: {sum(counts.values()):,} ad(s): {bands}; catalogue {cat.version}"
        f"{'; network signals from this input' if network else ''}"
    )
    if errors:
        err.print(f"{errors} line(s) could not be read; see the 'error' objects in the output")


def _labelled(path: Path, network: bool, region: str | None, kind: str | None):
    """Assessments and 0/1 labels of a labelled file; exit 2 naming the first bad label."""
    from tipwatch.engine.indicators import load_catalogue

    if not path.is_file():
        err.print(f'[red]error:[/red] labelled file not found: {path} (JSON Lines, ads with "label": 0 or 1)')
        raise typer.Exit(2)
    cat = load_catalogue()
    results, labels = [], []
    for lineno, result, rec in _assessed(str(path), network, region, kind, cat):
        if isinstance(result, dict):
            err.print(
                f"[red]error:[/red] {path}:{lineno}: {result['error']['reason']} ({result['error']['code']})"
            )
            raise typer.Exit(2)
        label = (rec or {}).get("label")
        if label not in (0, 1):
            err.print(
                f'[red]error:[/red] {path}:{lineno}: "label" must be 0 or 1, got {label!r}; '
                "add it to every record"
            )
            raise typer.Exit(2)
        results.append(result)
        labels.append(int(label))
    if not results or len(set(labels)) < 2:
        err.print(f"[red]error:[/red] {path}: needs labelled ads of both classes (label 0 and label 1)")
        raise typer.Exit(2)
    return cat, results, labels


_NETWORK_OPT = typer.Option(True, "--network/--no-network", help="Contact reuse across the file's ads.")
_KIND_OPT = typer.Option("auto", "--kind", help="job_offer, ad, or auto (detect).")


@indicators_app.command("evaluate")
def evaluate(
    labelled: Path = typer.Argument(..., help='JSON Lines: ad fields plus "label": 0 or 1.'),
    out: Path = typer.Option(None, "--out", help="Also write the report here (Markdown)."),
    network: bool = _NETWORK_OPT,
    kind: str = _KIND_OPT,
    region: str = typer.Option(None, "--region", help="Fallback ISO country for phones."),
) -> None:
    """Report each indicator's support, precision and lift, and the score's ROC-AUC and PR-AUC."""
    from tipwatch.engine.indicators.calibrate import (
        bands_markdown,
        indicator_table,
        indicators_markdown,
        markdown_table,
        pr_auc,
        roc_auc,
    )

    cat, results, labels = _labelled(labelled, network, _check_region(region), _check_kind(kind))
    scores = [r.score for r in results]
    n, n_pos = len(labels), sum(labels)
    fired = [[f.id for f in r.indicators] for r in results]
    weights = {i.id: i.weight for i in cat.indicators}
    rows = indicator_table(fired, labels, weights)
    text = "\n".join(
        [
            f"# Indicator evaluation: {labelled.name}",
            "",
            f"{n:,} ads, {n_pos:,} positive (base rate {n_pos / n:.3f}); catalogue {cat.version} "
            f"(`{cat.fingerprint[:12]}`); network signals {'on' if network else 'off'}.",
            "",
            markdown_table(["ROC-AUC", "PR-AUC"], [[roc_auc(scores, labels), pr_auc(scores, labels)]]),
            "",
            "## Bands",
            "",
            bands_markdown([r.band for r in results], labels, [b.name for b in cat.bands][::-1]),
            "",
            "## Indicators",
            "",
            indicators_markdown(fired, labels, weights, only_fired=True),
            "",
            f"Never fired: {', '.join(r.id for r in rows if not r.support) or 'none'}.",
            "",
        ]
    )
    typer.echo(text)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        err.print(f"written: {out}")


@indicators_app.command("fit")
def fit(
    labelled: Path = typer.Argument(..., help='JSON Lines: ad fields plus "label": 0 or 1.'),
    out: Path = typer.Option(..., "--out", help="Write the suggested weights here (YAML, for review)."),
    l2: float = typer.Option(1.0, "--l2", min=0.0, help="L2 penalty of the logistic regression."),
    network: bool = _NETWORK_OPT,
    kind: str = _KIND_OPT,
    region: str = typer.Option(None, "--region", help="Fallback ISO country for phones."),
) -> None:
    """Fit weights by logistic regression; print old vs fitted; write them for review (NOT applied)."""
    from tipwatch.engine.indicators.calibrate import fit_weights, markdown_table, weights_yaml

    cat, results, labels = _labelled(labelled, network, _check_region(region), _check_kind(kind))
    weights = {i.id: i.weight for i in cat.indicators}
    intercept, rows = fit_weights(
        [[f.id for f in r.indicators] for r in results], labels, weights, l2=l2, weight_range=cat.weight_range
    )
    typer.echo(
        markdown_table(
            ["indicator", "support", "coefficient", "odds ratio", "current", "suggested"],
            [[r.id, r.support, r.coefficient, r.odds_ratio, r.current, r.suggested] for r in rows],
        )
    )
    out.write_text(
        weights_yaml(intercept, rows, version=cat.version, records=len(labels), positives=sum(labels)),
        encoding="utf-8",
    )
    changed = sum(1 for r in rows if r.suggested != r.current)
    err.print(
        f"written: {out} ({changed} suggested change(s)). These weights are NOT applied: review them, "
        "copy the ones worth making into src/tipwatch/data/indicators/*.yaml and bump the catalogue version."
    )


@indicators_app.command("validate")
def validate(
    path: Path = typer.Argument(None, help="Catalogue folder (default: the packaged catalogue)."),
) -> None:
    """Load and validate a catalogue; print its version and fingerprint, or every problem (exit 1)."""
    from tipwatch.engine.indicators import CatalogueError, load_catalogue

    if path is not None and not (path / "catalogue.yaml").is_file():
        err.print(f"[red]error:[/red] {path}/catalogue.yaml not found: give a folder holding catalogue.yaml")
        raise typer.Exit(1)
    try:
        cat = load_catalogue(path)
    except CatalogueError as exc:
        for problem in exc.problems:
            err.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        err.print(f"[red]invalid:[/red] {len(exc.problems)} problem(s)")
        raise typer.Exit(1) from exc
    typer.echo(f"version {cat.version}")
    typer.echo(f"fingerprint {cat.fingerprint}")
    typer.echo(f"{len(cat.indicators)} indicators, {len(cat.lexicons)} lexicons")
