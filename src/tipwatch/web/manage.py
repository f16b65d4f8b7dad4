"""``python -m tipwatch.web.manage <command>``: Django's manage.py for tipwatch.

``setup()`` configures Django for callers (the CLI) that want the ORM without a command.
"""

from __future__ import annotations

import os
import sys

__all__ = ["main", "setup"]


def setup() -> None:
    """Point Django at tipwatch's settings and load the apps (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipwatch.web.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipwatch.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
