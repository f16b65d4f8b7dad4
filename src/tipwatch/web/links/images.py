"""Storing the photos that come with ads: bytes by content hash, PDQ hash, one AdImage row each.

    rejects = store_images(org, items, loader=file_loader(input_dir), source="dump.jsonl")

``items`` are the ``(engine Ad, ExtractResult)`` pairs just given to
:func:`tipwatch.web.ads.store.store_batch`; the ads are found again by content hash, so this
runs after the batch is stored and never changes its counts. An ad whose images are already
stored is skipped: running an ingest again reads no image twice. A missing or undecodable image
becomes a reject ``{location, code, reason}`` and the ad keeps its other images.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from tipwatch.engine.link import ContentStore, ImageHash, image_hashes
from tipwatch.web.ads.models import Ad
from tipwatch.web.links.models import AdImage

__all__ = [
    "MAX_IMAGES_PER_AD",
    "MAX_IMAGE_BYTES",
    "ImageSourceError",
    "content_store",
    "file_loader",
    "image_root",
    "store_images",
]

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # a photo in an ad is a few hundred kB; refuse anything huge
MAX_IMAGES_PER_AD = 20
_CHUNK = 900


class ImageSourceError(ValueError):
    """An image that cannot be read; ``code`` is stable (``image.missing``, ``image.outside`` …)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def image_root() -> Path:
    """Where image bytes live: ``TIPWATCH_HOME/media/images`` (read at call time: tests move it)."""
    return Path(settings.TIPWATCH_HOME) / "media" / "images"


def content_store() -> ContentStore:
    """The organisation-independent content store (bytes are keyed by SHA-256; rows carry the org)."""
    return ContentStore(image_root())


def file_loader(base_dir: str | Path) -> Callable[[str], bytes]:
    """A loader reading image paths relative to ``base_dir`` (the input file's folder).

    Absolute paths and paths that climb out of ``base_dir`` are refused: an ad dump must not
    make the ingest copy arbitrary files of the server into the store.
    """
    base = Path(base_dir).resolve()

    def load(name: str) -> bytes:
        rel = Path(name)
        if rel.is_absolute():
            raise ImageSourceError(
                "absolute image path refused; give paths relative to the input file's folder", "image.outside"
            )
        path = (base / rel).resolve()
        if not path.is_relative_to(base):
            raise ImageSourceError(
                "image path leaves the input file's folder; keep images beside or below it", "image.outside"
            )
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ImageSourceError(
                "image file not found; paths are relative to the input file's folder", "image.missing"
            ) from None
        if size > MAX_IMAGE_BYTES:
            raise ImageSourceError(
                f"image larger than {MAX_IMAGE_BYTES // 2**20} MB refused; shrink it", "image.too_large"
            )
        return path.read_bytes()

    return load


def _read_all(ad: Any, loader, source: str, rejects: list) -> list[tuple[int, bytes, str]]:
    """(position, bytes, sha256) of the images of one ad that could be read, each content once."""
    out: list[tuple[int, bytes, str]] = []
    seen: set[str] = set()
    for n, name in enumerate(ad.images[:MAX_IMAGES_PER_AD]):
        try:
            data = loader(name)
        except ImageSourceError as exc:
            rejects.append({"location": _where(source, ad, n), "code": exc.code, "reason": str(exc)})
            continue
        except OSError:
            rejects.append(
                {
                    "location": _where(source, ad, n),
                    "code": "image.missing",
                    "reason": "image cannot be read; check the path",
                }
            )
            continue
        except ValueError as exc:  # a loader that knows no such image (the demo's)
            rejects.append(
                {
                    "location": _where(source, ad, n),
                    "code": "image.missing",
                    "reason": f"no such image ({type(exc).__name__})",
                }
            )
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha not in seen:
            seen.add(sha)
            out.append((n, data, sha))
    return out


def _where(source: str, ad: Any, n: int) -> str:
    # Names the ad by its external id and the image by its position, never by file name: names
    # of photos may carry personal data.
    return f"{source}: ad {str(ad.id)[:80]}, image {n + 1}"


def _known_hashes(organisation, shas: list[str]) -> dict[str, ImageHash]:
    """Hashes already computed for these bytes (any ad of the organisation): never hash twice."""
    known: dict[str, ImageHash] = {}
    for i in range(0, len(shas), _CHUNK):
        for sha, pdq, quality, algorithm, variants in (
            AdImage.objects.for_org(organisation)
            .filter(sha256__in=shas[i : i + _CHUNK])
            .values_list("sha256", "pdq", "quality", "algorithm", "variants")
        ):
            known[sha] = ImageHash(sha, pdq, quality, algorithm, tuple(variants or ()))
    return known


def store_images(
    organisation,
    items: Sequence[tuple[Any, Any]],
    *,
    loader: Callable[[str], bytes],
    source: str = "",
) -> list[dict[str, str]]:
    """Store the images of ``items`` (already stored ads) and return the rejects.

    ``loader(path) -> bytes`` raises :class:`ImageSourceError`, ``OSError`` or ``ValueError``
    for an image it cannot give. Bytes the organisation already holds are not hashed again.
    One transaction for the rows; an ad that already has images is left alone (idempotent).
    """
    wanted = [ad for ad, _result in items if getattr(ad, "images", None)]
    if not wanted:
        return []
    hashes = list({ad.content_hash for ad in wanted})
    pks: dict[str, int] = {}
    for i in range(0, len(hashes), _CHUNK):
        pks.update(
            Ad.objects.for_org(organisation)
            .filter(content_hash__in=hashes[i : i + _CHUNK])
            .values_list("content_hash", "pk")
        )
    ids = list(pks.values())
    done: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        done.update(
            AdImage.objects.for_org(organisation)
            .filter(ad_id__in=ids[i : i + _CHUNK])
            .values_list("ad_id", flat=True)
        )
    rejects: list[dict[str, str]] = []
    todo: list[tuple[Any, int, list[tuple[int, bytes, str]]]] = []
    for ad in wanted:
        pk = pks.get(ad.content_hash)
        if pk is None or pk in done:
            continue
        done.add(pk)  # the same content twice in a batch: one ad row, one set of images
        todo.append((ad, pk, _read_all(ad, loader, source, rejects)))
    known = _known_hashes(organisation, sorted({sha for _a, _p, imgs in todo for _n, _d, sha in imgs}))
    store = content_store()
    rows: list[AdImage] = []
    for ad, pk, imgs in todo:
        for n, data, sha in imgs:
            h = known.get(sha)
            if h is None:
                try:
                    # Crop variants on the stored side: a copy cropped by a site still lands near.
                    h = image_hashes(data, crop_variants=True)
                except ValueError as exc:
                    rejects.append(
                        {
                            "location": _where(source, ad, n),
                            "code": "image.unreadable",
                            "reason": f"image cannot be decoded ({type(exc.__cause__ or exc).__name__}); "
                            "give a complete JPEG/PNG/WebP/GIF",
                        }
                    )
                    continue
                known[sha] = h
                store.put(data)  # before the row: an orphan file is harmless, a row without bytes is not
            rows.append(
                AdImage(
                    organisation=organisation,
                    ad_id=pk,
                    position=n,
                    sha256=sha,
                    pdq=h.perceptual,
                    algorithm=h.algorithm[:10],
                    quality=max(0, min(100, int(h.quality))),
                    variants=list(h.variants),
                )
            )
    if rows:
        with transaction.atomic():
            AdImage.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    if rejects:
        log.info("images: %d image(s) could not be stored; see the run's rejects", len(rejects))
    return rejects
