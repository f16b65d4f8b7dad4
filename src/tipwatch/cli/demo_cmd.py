"""tipwatch demo: generate the synthetic world (files) or load it into the database."""

from __future__ import annotations

from pathlib import Path

import typer

from tipwatch.cli._common import err, progress, setup_django

demo_app = typer.Typer(
    help="The synthetic demo world: generate it as files, or load it into the database.", no_args_is_help=True
)


@demo_app.command("generate")
def generate(
    seed: int = typer.Option(7, "--seed", help="Random seed: same seed, same world."),
    ads: int = typer.Option(3000, "--ads", help="Number of ads (streams, so 1,000,000 is fine)."),
    out: Path = typer.Option(Path("var/demo"), "--out", "-o", help="Output directory."),
    images: bool = typer.Option(
        False, "--images", help="Give ads synthetic photos, written as OUT/images/<name>.jpg."
    ),
) -> None:
    """Write OUT/ads.jsonl (extract input format), OUT/truth.jsonl (ground truth) and OUT/world.json."""
    from tipwatch.demo import write_world

    out.mkdir(parents=True, exist_ok=True)
    with progress() as bar:
        task = bar.add_task("generating", total=ads, rate="")
        summary = write_world(
            out, seed, ads, progress=lambda n, *_: bar.update(task, completed=n), images=images
        )
    err.print(f"wrote {ads} ads to {out / 'ads.jsonl'} and ground truth to {out / 'truth.jsonl'}")
    if images:
        err.print(f"wrote {summary.get('images', 0)} photos to {out / 'images'}")
    counts = summary.get("counts") if isinstance(summary, dict) else None
    if counts:
        err.print("kinds: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@demo_app.command("load")
def load(
    seed: int = typer.Option(7, "--seed"),
    ads: int = typer.Option(3000, "--ads"),
) -> None:
    """Load the demo world into the database (idempotent) and create the demo users."""
    setup_django()
    from tipwatch.web.demo import ensure_demo_users, load_demo

    with progress() as bar:
        task = bar.add_task("loading demo", total=ads, rate="")
        summary = load_demo(seed=seed, n_ads=ads, progress=lambda n, *_: bar.update(task, completed=n))
    err.print(f"demo world: {summary}")
    print_logins(ensure_demo_users())


def print_logins(users: list[dict]) -> None:
    """Plain aligned lines (easy to copy), on stdout so they survive `make run | tee`."""
    print("\nDemo logins (synthetic data only; passwords kept in $TIPWATCH_HOME/demo_logins.json):")
    for u in users:
        print(f"  {u['username']:<15} {u['password']:<20} {u['role']:<18} {u['organisation']}")
    print()
