"""Optional compiled helpers (C extensions built by ``pip install -e .`` / ``make``).

Each compiled module speeds up one pure-Python routine that stays in the code as its fallback
and as the reference its tests compare it with (same input, same output). When a module is not
built (no C compiler) or ``TIPWATCH_PURE_PYTHON=1`` is set, :func:`native` returns None and the
pure-Python code runs: slower, same results. ``make test`` sets ``TIPWATCH_REQUIRE_NATIVE=1``,
under which a missing module is an error (tests/engine/test_native.py), so CI cannot silently
measure or ship the slow path.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

__all__ = ["MODULES", "native", "status"]

# every compiled module (keep in step with [tool.setuptools] ext-modules in pyproject.toml)
MODULES = (
    "tipwatch.engine.termmatch._cgate",
    "tipwatch.engine.extract._clang",
    "tipwatch.engine.extract._ctokens",
    "tipwatch.engine.extract._cphone",
    "tipwatch.engine.extract._cprice",
)


def native(name: str) -> ModuleType | None:
    """The compiled module ``name`` (one of :data:`MODULES`), or None to use the Python code."""
    if os.environ.get("TIPWATCH_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("TIPWATCH_REQUIRE_NATIVE", "") not in ("", "0"):
            raise
        return None


def status() -> dict[str, bool]:
    """Which compiled modules are in use (for ``tipwatch --version`` and the tests)."""
    return {name: native(name) is not None for name in MODULES}
