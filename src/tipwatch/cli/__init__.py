"""The ``tipwatch`` command line: thin callers of the engine and the web platform.

Every command has ``--help``; long work shows a progress bar on stderr and a summary.
"""

from __future__ import annotations

import typer

from tipwatch import __version__
from tipwatch.cli import (
    audit_cmd,
    demo_cmd,
    engine_cmd,
    indicators_cmd,
    ingest_cmd,
    link_cmd,
    watch_cmd,
    web_cmd,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="tipwatch",
    help="tipwatch: monitor ads, extract contacts, flag, link and preserve evidence against human trafficking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tipwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """tipwatch command line."""


engine_cmd.register(app)
ingest_cmd.register(app)
watch_cmd.register(app)
indicators_cmd.register(app)
link_cmd.register(app)
web_cmd.register(app)
app.add_typer(demo_cmd.demo_app, name="demo")
app.add_typer(audit_cmd.audit_app, name="audit")


def main() -> None:
    app()
