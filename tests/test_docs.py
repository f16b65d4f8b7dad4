"""Every CLI command is documented in docs/cli.md (a stale doc is a bug)."""

from pathlib import Path

import typer

from tipwatch.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _commands(cmd, prefix: str) -> list[str]:
    if getattr(cmd, "commands", None):
        out = []
        for name, sub in cmd.commands.items():
            out += _commands(sub, f"{prefix} {name}")
        return out
    return [prefix]


def test_every_cli_command_has_a_section_in_docs_cli_md():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    commands = _commands(typer.main.get_command(app), "tipwatch")
    assert len(commands) >= 8
    missing = [c for c in commands if f"## {c}\n" not in text]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    first = readme[:3000]
    assert "make run" in first and "make test" in first
