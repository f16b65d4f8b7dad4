"""Helpers shared by the CLI commands: Django start-up, consoles, progress bars."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

err = Console(stderr=True)


def setup_django() -> None:
    """Start Django once (settings from the environment, see docs/configuration.md)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipwatch.web.settings")
    import django

    django.setup()


def progress(transient: bool = False) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err,
        transient=transient,
        disable=not err.is_terminal and not os.environ.get("TIPWATCH_PROGRESS"),
    )


@contextmanager
def open_input(path: str):
    """Binary input: a file path or '-' for stdin."""
    if path == "-":
        yield sys.stdin.buffer
        return
    p = Path(path)
    if not p.exists():
        err.print(f"[red]error:[/red] input file not found: {path} (give a JSON Lines file or '-' for stdin)")
        raise SystemExit(2)
    with p.open("rb") as fp:
        yield fp


@contextmanager
def open_output(path: str | None):
    """Binary output: stdout, a device such as /dev/null, or a regular file written atomically.

    A regular file is written to ``NAME.part`` and renamed at the end, so a killed run never
    leaves a half-written result under the real name. Anything that exists and is not a
    regular file (a device, a FIFO) is written in place: renaming over /dev/null would
    replace the device with a file.
    """
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    p = Path(path)
    if p.exists() and not p.is_file():
        with p.open("wb") as fp:
            yield fp
        return
    tmp = p.with_name(p.name + ".part")
    fp: BinaryIO
    with tmp.open("wb") as fp:
        yield fp
    os.replace(tmp, p)
