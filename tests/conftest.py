"""Root test configuration.

Engine tests run without Django (``pytest -p no:django tests/engine``); when the Django
plugin is disabled, the Django test folders are not collected at all, so
``pytest -p no:django tests`` also works. Nothing here imports Django.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_DJANGO_DIRS = {_HERE / "web", _HERE / "e2e", _HERE / "integration"}


def pytest_ignore_collect(collection_path, config):
    if config.pluginmanager.has_plugin("django"):
        return None
    path = Path(collection_path).resolve()
    if any(path == d or d in path.parents for d in _DJANGO_DIRS):
        return True
    return None
