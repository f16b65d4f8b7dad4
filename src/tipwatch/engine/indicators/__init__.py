"""The indicator catalogue: sourced, weighted, versioned indicators of trafficking.

    >>> from tipwatch.engine.indicators import load_catalogue
    >>> cat = load_catalogue()
    >>> len(cat.indicators) >= 40, cat.version.count(".") == 2
    (True, True)

The data lives in ``tipwatch/data/indicators/`` (see its README.md for how to edit and the
versioning rule); :func:`assess_ad` scores an ad against it (see ``assess.py``);
``docs/indicators.md`` is generated from it by
``python -m tipwatch.engine.indicators.docs``.
"""

from tipwatch.engine.indicators.assess import (
    Assessment,
    FiredIndicator,
    assess_ad,
    assess_many,
    combine,
    detect_kind,
)
from tipwatch.engine.indicators.catalogue import (
    Band,
    Catalogue,
    CatalogueError,
    Indicator,
    Lexicon,
    Source,
    SourceRef,
    load_catalogue,
)

__all__ = [
    "Assessment",
    "Band",
    "Catalogue",
    "CatalogueError",
    "FiredIndicator",
    "Indicator",
    "Lexicon",
    "Source",
    "SourceRef",
    "assess_ad",
    "assess_many",
    "combine",
    "detect_kind",
    "load_catalogue",
]
