"""Web platform commands: setup (migrate + demo), serve, manage (Django's own commands)."""

from __future__ import annotations

import sys

import typer

from tipwatch.cli._common import err, progress, setup_django


def register(app: typer.Typer) -> None:
    app.command("setup")(setup)
    app.command("serve")(serve)
    app.command(
        "manage",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )(manage)


def setup(
    demo: bool = typer.Option(True, "--demo/--no-demo", help="Load the synthetic demo world and demo users."),
    seed: int = typer.Option(7, "--seed"),
    ads: int = typer.Option(3000, "--ads"),
) -> None:
    """Migrate the database (SQLite by default, DATABASE_URL for PostgreSQL), then load the demo world.

    Safe to run again: migrations and the demo load are idempotent, logins are reused.
    """
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    err.print("database migrated")
    if not demo:
        return
    from tipwatch.cli.demo_cmd import print_logins
    from tipwatch.web.demo import ensure_demo_users, load_demo

    with progress() as bar:
        task = bar.add_task("loading demo world", total=ads, rate="")
        summary = load_demo(seed=seed, n_ads=ads, progress=lambda n, *_: bar.update(task, completed=n))
    err.print(f"demo world: {summary}")
    print_logins(ensure_demo_users())


def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
) -> None:
    """Serve the web platform (Django's threaded server; use gunicorn behind TLS in production)."""
    setup_django()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    err.print(f"serving http://{host}:{port}/  (Ctrl-C to stop)")
    call_command("runserver", f"{host}:{port}", use_reloader=False)


def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `tipwatch manage createsuperuser`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"{sys.argv[0]} manage", *ctx.args])
