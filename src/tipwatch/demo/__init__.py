"""Synthetic demo world with ground truth: invented ads to demo, test and benchmark tipwatch.

Nothing here is real personal data: names come from common given-name lists, numbers are
random (valid per libphonenumber), payment ids are random with correct checksums, and every
site domain is invented.

    >>> from tipwatch.demo import generate
    >>> for ad, truth in generate(seed=1, n_ads=3):
    ...     assert all(ad[e["field"]][e["start"]:e["end"]] == e["raw"] for e in truth["entities"])

:func:`generate` streams (ad, truth) pairs lazily and deterministically for a seed;
:func:`write_world` writes ``ads.jsonl``, ``truth.jsonl`` and ``world.json`` to a folder.
"""

from tipwatch.demo.world import KINDS, generate
from tipwatch.demo.writer import write_world

__all__ = ["KINDS", "generate", "write_world"]
