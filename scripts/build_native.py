"""Build the optional C extensions in place (src/tipwatch/**.so), as ``pip install -e .`` does.

``make`` runs this when a C source changed, so an edit to a .c file needs no reinstall. The
module list is read from ``[tool.setuptools] ext-modules`` in pyproject.toml (one list for both).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from setuptools import Distribution, Extension

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    specs = config["tool"]["setuptools"]["ext-modules"]
    exts = [
        Extension(s["name"], s["sources"], extra_compile_args=s.get("extra-compile-args", [])) for s in specs
    ]
    # a bare Distribution: setup() would also read pyproject.toml with the venv's setuptools
    dist = Distribution({"name": "tipwatch-native", "ext_modules": exts, "package_dir": {"": "src"}})
    cmd = dist.get_command_obj("build_ext")
    cmd.inplace = True
    cmd.build_temp = str(ROOT / "build" / "native")
    cmd.ensure_finalized()
    cmd.run()
    print(f"built {len(exts)} native module(s) in place", file=sys.stderr)


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    main()
