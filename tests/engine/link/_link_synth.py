"""Synthetic test images: the generator now lives in :mod:`tipwatch.demo.images` (re-exported here)."""

from tipwatch.demo.images import copies, encode, synthetic_image

__all__ = ["copies", "encode", "synthetic_image"]
