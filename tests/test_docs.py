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


def test_every_setting_in_settings_is_documented():
    import re

    settings_src = (DOCS.parent / "src" / "tipwatch" / "web" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", settings_src))
    names |= set(re.findall(r"_env_(?:bool|int)\(\"([A-Z_]+)\"", settings_src))
    assert {"DATABASE_URL", "TIPWATCH_HOME", "SECRET_KEY", "DEBUG"} <= names
    doc = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert [n for n in sorted(names) if f"`{n}`" not in doc] == []
