"""tipwatch audit: check the hash-chained audit log."""

from __future__ import annotations

import typer

from tipwatch.cli._common import err, setup_django

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify() -> None:
    """Recompute the audit hash chain; exit 1 and name the first bad event if it was tampered with."""
    setup_django()
    from tipwatch.web.audit import verify as verify_chain

    result = verify_chain()
    if result.ok:
        err.print(f"[green]audit log intact[/green]: {result.checked} events verified")
        return
    err.print(
        f"[red]audit log BROKEN[/red] at event #{result.first_bad_seq}: {result.reason} ({result.checked} events checked)"
    )
    raise typer.Exit(1)
