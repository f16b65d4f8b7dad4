"""Image reuse: perceptual hashes, a content-addressed store, and near-match lookup.

The same photos travel from ad to ad, re-encoded, resized or slightly cropped. PDQ (Meta's
open perceptual hash, via ``pdqhash``) maps such copies to 256-bit hashes a few bits apart,
while unrelated images sit about 128 bits apart; 31 bits is PDQ's customary match radius.

    >>> h = image_hashes(png_bytes)                      # doctest: +SKIP
    >>> index = ImageIndex(); index.add("img-1", h)      # doctest: +SKIP
    >>> index.near(h)                                    # doctest: +SKIP
    [('img-1', 0)]

:class:`ImageIndex` uses multi-index hashing: the hash is cut into ``chunks`` pieces and each
piece is a dictionary key. By the pigeonhole principle, two hashes within distance ``r`` agree
within ``r // chunks`` bits on at least one piece, so probing every piece with that many bit
flips finds *every* match within ``r`` (exact, not approximate) while touching only a few
buckets. With 16 chunks of 16 bits and r = 31 that is 17 probes per chunk.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from PIL import Image, ImageOps

__all__ = ["ALGORITHM", "ContentStore", "ImageHash", "ImageIndex", "hamming", "image_hashes"]

try:  # PDQ is preferred; pHash (imagehash) is the fallback where pdqhash cannot be built
    import numpy as np
    import pdqhash as _pdq

    ALGORITHM = "pdq"
    BITS = 256
    RADIUS = 31
except ImportError:  # pragma: no cover - exercised only on machines without a C compiler
    _pdq = None
    ALGORITHM = "phash"
    BITS = 64
    RADIUS = 10

_TRIM = 0.015  # crop variants trim this share of a side
_MAX_SIDE = 512  # PDQ works on a 64x64 downsample; hashing a 512 px copy is the same and faster
_SHA = re.compile(r"[0-9a-f]{64}")
Image.MAX_IMAGE_PIXELS = 80_000_000  # refuse decompression bombs (Pillow raises past 2x this)


@dataclass(frozen=True, slots=True)
class ImageHash:
    """Hashes of one image: ``sha256`` of its bytes (identity), ``perceptual`` (hex, PDQ or
    pHash per ``algorithm``) for near matches, and the hasher's ``quality`` (0-100; PDQ below
    50 means a nearly flat image whose hash matches too easily)."""

    sha256: str
    perceptual: str
    quality: int
    algorithm: str = ALGORITHM
    variants: tuple[str, ...] = ()  # hashes of slightly trimmed copies (see image_hashes)

    @property
    def bits(self) -> int:
        return int(self.perceptual, 16)


def hamming(a: ImageHash | str | int, b: ImageHash | str | int) -> int:
    """Bits that differ between two perceptual hashes (ImageHash, hex string or int)."""
    return (_as_int(a) ^ _as_int(b)).bit_count()


def _as_int(h: ImageHash | str | int) -> int:
    if isinstance(h, ImageHash):
        return h.bits
    if isinstance(h, str):
        return int(h, 16)
    return h


def _read(source: str | os.PathLike | bytes) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    return Path(source).read_bytes()


def image_hashes(source: str | os.PathLike | bytes, *, crop_variants: bool = False) -> ImageHash:
    """Hash an image given as a path or as its bytes.

    PDQ shrugs off re-encoding and resizing but not cropping: a 3 % crop moves 20-40 bits. With
    ``crop_variants`` the image is also hashed trimmed by 1.5 % on the left, right or both
    sides, on each axis (15 more hashes in ``variants``); an :class:`ImageIndex` indexes them
    all, so a slightly cropped copy still lands near one of them. Use it for the images you
    *store*; the images you *look up* need only the plain hash.

    Raises ``ValueError`` naming the problem (not an image, too large) when Pillow cannot read it.
    """
    data = _read(source)
    sha = hashlib.sha256(data).hexdigest()
    try:
        with Image.open(io.BytesIO(data)) as im:
            im = ImageOps.exif_transpose(im)  # a phone photo's orientation is metadata
            im = im.convert("RGB")
            if max(im.size) > _MAX_SIDE:
                im.thumbnail((_MAX_SIDE, _MAX_SIDE), Image.Resampling.BILINEAR)
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ValueError(
            f"image_hashes: image {sha[:12]} cannot be decoded ({type(exc).__name__}); "
            "check that the file is a complete JPEG/PNG/WebP/GIF"
        ) from exc
    if _pdq is not None:
        value, quality = _pdq_hex(im)
        variants: tuple[str, ...] = ()
        if crop_variants:
            w, h = im.size
            tx, ty = round(w * _TRIM), round(h * _TRIM)
            boxes = {
                (left, top, w - right, h - bottom)
                for left, right in ((0, 0), (tx, 0), (0, tx), (tx, tx))
                for top, bottom in ((0, 0), (ty, 0), (0, ty), (ty, ty))
            }
            boxes.discard((0, 0, w, h))
            variants = tuple(sorted(_pdq_hex(im.crop(box))[0] for box in boxes))
        return ImageHash(sha, value, quality, "pdq", variants)
    import imagehash  # pragma: no cover

    return ImageHash(sha, str(imagehash.phash(im)), 100, "phash")  # pragma: no cover


def _pdq_hex(im: Image.Image) -> tuple[str, int]:
    vector, quality = _pdq.compute(np.asarray(im))
    value = int("".join("1" if b else "0" for b in vector), 2)
    return f"{value:064x}", int(quality)


class ContentStore:
    """Image bytes stored by SHA-256 under ``root/ab/cd/abcd…``.

    Writes are atomic (temporary file in the target folder, fsync, rename), so a reader never
    sees half a file; storing the same bytes twice writes once and returns the same key.
    """

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the bytes with this hash live (whether or not they are stored)."""
        if not _SHA.fullmatch(sha256):
            raise ValueError(
                "ContentStore: key must be 64 lower-case hex characters (a SHA-256), "
                f"got {len(sha256)} characters"
            )
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 (idempotent)."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)  # atomic on POSIX; a concurrent writer wrote the same bytes
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        """The stored bytes; ``KeyError`` when absent."""
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise KeyError(f"ContentStore: no image {sha256[:12]} under {self.root}") from None

    def __contains__(self, sha256: object) -> bool:
        return isinstance(sha256, str) and bool(_SHA.fullmatch(sha256)) and self.path(sha256).exists()

    def __iter__(self) -> Iterator[str]:
        for p in self.root.glob("??/??/*"):
            if _SHA.fullmatch(p.name):
                yield p.name


class ImageIndex:
    """Perceptual hashes by id, with exact near-match lookup by multi-index hashing.

    ``chunks`` must divide ``bits``. Lookups within ``radius`` probe ``radius // chunks`` bit
    flips per chunk, which stays cheap while that quotient is 0-2 (16 chunks for radius 31).
    """

    def __init__(self, bits: int = BITS, chunks: int = 16) -> None:
        if bits % chunks:
            raise ValueError(f"ImageIndex: chunks ({chunks}) must divide bits ({bits}); try 16 for 256 bits")
        self.bits = bits
        self.chunks = chunks
        self.width = bits // chunks
        self._mask = (1 << self.width) - 1
        self._tables: list[dict[int, list[int]]] = [{} for _ in range(chunks)]
        self._ids: list[str] = []
        self._hashes: list[int] = []
        self._flips: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def _pieces(self, value: int) -> list[int]:
        w, m = self.width, self._mask
        return [(value >> (i * w)) & m for i in range(self.chunks)]

    def add(self, item_id: str, h: ImageHash | str | int) -> None:
        """Index a hash (and its crop variants, if any) under ``item_id``."""
        if isinstance(h, ImageHash):
            for variant in h.variants:
                self._add(item_id, int(variant, 16))
        self._add(item_id, _as_int(h))

    def _add(self, item_id: str, value: int) -> None:
        slot = len(self._ids)
        self._ids.append(item_id)
        self._hashes.append(value)
        for table, piece in zip(self._tables, self._pieces(value), strict=True):
            bucket = table.get(piece)
            if bucket is None:
                table[piece] = [slot]
            else:
                bucket.append(slot)

    def _masks(self, flips: int) -> list[int]:
        masks = self._flips.get(flips)
        if masks is None:
            masks = [0]
            for r in range(1, flips + 1):
                for combo in combinations(range(self.width), r):
                    masks.append(sum(1 << b for b in combo))
            self._flips[flips] = masks
        return masks

    def near(self, h: ImageHash | str | int, radius: int = RADIUS) -> list[tuple[str, int]]:
        """Every indexed (id, distance) within ``radius`` bits, nearest first, each id once."""
        value = _as_int(h)
        masks = self._masks(radius // self.chunks)
        seen: set[int] = set()
        hashes = self._hashes
        out: list[tuple[int, int]] = []
        for table, piece in zip(self._tables, self._pieces(value), strict=True):
            for mask in masks:
                bucket = table.get(piece ^ mask)
                if not bucket:
                    continue
                for slot in bucket:
                    if slot in seen:
                        continue
                    seen.add(slot)
                    d = (hashes[slot] ^ value).bit_count()
                    if d <= radius:
                        out.append((d, slot))
        out.sort()
        ids = self._ids
        best: dict[str, int] = {}
        for d, slot in out:
            best.setdefault(ids[slot], d)
        return list(best.items())
