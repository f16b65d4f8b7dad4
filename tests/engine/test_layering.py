"""The engine and the demo generator never import Django (docs/architecture.md, the one rule)."""

import ast
from pathlib import Path

import tipwatch

ROOT = Path(tipwatch.__file__).parent
PURE = [ROOT / "engine", ROOT / "demo"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engine_never_imports_django_or_web():
    offenders = []
    for base in PURE:
        for path in base.rglob("*.py"):
            for name in _imports(path):
                if name.split(".")[0] == "django" or name.startswith(("tipwatch.web", "tipwatch.cli")):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_checker_sees_a_django_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\n")
    assert "django.db" in _imports(bad)
