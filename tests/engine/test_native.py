"""The optional compiled helpers: built where ``make`` ran, switchable off, listed in one place."""

from __future__ import annotations

import importlib
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from tipwatch.engine import _native

ROOT = Path(__file__).resolve().parents[2]


def test_module_list_matches_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {spec["name"] for spec in config["tool"]["setuptools"]["ext-modules"]}
    assert names == set(_native.MODULES)
    for spec in config["tool"]["setuptools"]["ext-modules"]:
        assert spec.get("optional") is True  # a machine without a compiler still installs
        for src in spec["sources"]:
            assert (ROOT / src).is_file()


def test_every_module_is_built_where_a_compiler_is(monkeypatch):
    # make test sets TIPWATCH_REQUIRE_NATIVE=1: CI must not silently test or measure the slow path
    monkeypatch.delenv("TIPWATCH_PURE_PYTHON", raising=False)
    if os.environ.get("TIPWATCH_REQUIRE_NATIVE", "") not in ("", "0") or shutil.which("cc"):
        for name in _native.MODULES:
            assert importlib.import_module(name) is not None
        assert all(_native.status().values())
    else:  # an install without a compiler: the pure-Python code runs
        assert not any(_native.status().values())


def test_pure_python_switch(monkeypatch):
    monkeypatch.setenv("TIPWATCH_PURE_PYTHON", "1")
    assert _native.native(_native.MODULES[0]) is None
    assert not any(_native.status().values())


def test_missing_module_is_none_unless_required(monkeypatch):
    monkeypatch.delenv("TIPWATCH_PURE_PYTHON", raising=False)
    monkeypatch.delenv("TIPWATCH_REQUIRE_NATIVE", raising=False)
    assert _native.native("tipwatch.engine.no_such_native_module") is None
    monkeypatch.setenv("TIPWATCH_REQUIRE_NATIVE", "1")
    with pytest.raises(ImportError):
        _native.native("tipwatch.engine.no_such_native_module")
