"""``python -m tipwatch.engine.indicators [PATH]``: validate a catalogue, print version and fingerprint.

Exit status 0 when valid; 1 with every problem on standard error otherwise. Reviewers run it
on a proposed change (see tipwatch/data/indicators/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tipwatch.engine.indicators.catalogue import CatalogueError, load_catalogue


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        cat = load_catalogue(Path(args[0]) if args else None)
    except CatalogueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"{cat.version}\t{cat.fingerprint}\t{len(cat.indicators)} indicators\t{len(cat.lexicons)} lexicons")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
