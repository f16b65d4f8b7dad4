"""Synthetic photos for the demo world: drawn with Pillow, rendered from their name alone.

No real photo is ever used. A photo is a gradient, a dozen shapes and a little noise: enough
structure for a perceptual hash (PDQ) to tell pictures apart. Names say what a file is:

* ``s7-op-003-p2``: photo 2 of operation op-003 in the world of seed 7 (an *identity*);
* ``s7-ad-0000042-p0``: a benign ad's own photo; ``s7-stock-2``: one of 3 stock photos, each
  on about 4 % of all ads, unrelated benign ones: the link graph's hub guard must cut them
  (it does from about 1,300 ads up, where 4 % passes its floor of 50 ads);
* a ``-v1`` .. ``-v3`` suffix is a *copy* of the identity with different bytes: re-encoded
  at a lower JPEG quality, resized, or cropped by 1.5 % on two sides.

:func:`image_bytes` renders a name deterministically (a JPEG of about 160 x 120 px, a few KB),
so a loader that never writes files (the web demo) draws photos on the fly.
:func:`ad_images` decides which photos an ad shows, from its own generator seeded by the world
seed and the ad's index, so turning photos on leaves the text and truth streams unchanged.
"""

from __future__ import annotations

import io
import random
import re
import zlib

from PIL import Image, ImageDraw, ImageFilter

__all__ = [
    "SIZE",
    "ad_images",
    "copies",
    "encode",
    "identity",
    "image_bytes",
    "synthetic_image",
]

SIZE = (160, 120)
QUALITY = 80
_NAME = re.compile(r"s-?\d{1,19}-(?:op-\d{1,6}-p\d{1,2}|ad-\d{1,10}-p\d|stock-\d{1,3})(?:-v[0-3])?")
# Stock photos must be hubs for the link graph (carried by more than max(50, 1 % of ads) ads):
# 3 photos on 30 % of benign ads (40 % of all) put each on about 4 % of ads, 60 in 1,500.
_N_STOCK = 3
_STOCK_RATE = 0.3
_OP_PHOTO_RATE = 0.85
_BENIGN_PHOTO_RATE = 0.6


def synthetic_image(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A gradient, a dozen random shapes and a little noise: structure PDQ can see."""
    rng = random.Random(seed)
    w, h = size
    c0 = [rng.randrange(256) for _ in range(3)]
    c1 = [rng.randrange(256) for _ in range(3)]
    vertical = rng.random() < 0.5
    grad = Image.linear_gradient("L").resize((w, h))
    if vertical:
        grad = grad.transpose(Image.Transpose.ROTATE_90).resize((w, h))
    im = Image.composite(Image.new("RGB", (w, h), tuple(c1)), Image.new("RGB", (w, h), tuple(c0)), grad)
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randint(8, 16)):
        colour = tuple(rng.randrange(256) for _ in range(3))
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randint(10, w // 2), y0 + rng.randint(10, h // 2)
        shape = rng.randrange(4)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        elif shape == 2:
            draw.line((x0, y0, x1, y1), fill=colour, width=rng.randint(2, 12))
        else:
            pts = [(rng.randrange(w), rng.randrange(h)) for _ in range(rng.randint(3, 6))]
            draw.polygon(pts, fill=colour)
    # noise from our own generator (Image.effect_noise draws from C's rand(): not reproducible)
    amount = rng.randint(8, 30) / 30
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).convert("RGB")
    im = Image.blend(im, noise, 0.08 * amount)
    return im.filter(ImageFilter.SMOOTH)


def encode(im: Image.Image, fmt: str = "PNG", quality: int = 90) -> bytes:
    """The image's bytes as PNG or JPEG (at ``quality``)."""
    buf = io.BytesIO()
    im.save(buf, fmt, quality=quality) if fmt == "JPEG" else im.save(buf, fmt)
    return buf.getvalue()


def copies(im: Image.Image, seed: int) -> dict[str, bytes]:
    """A re-encoded JPEG (q 40-95), a resized copy (50-150 %) and a slightly cropped one (<= 3 %)."""
    rng = random.Random(seed)
    w, h = im.size
    scale = rng.uniform(0.5, 1.5)
    resized = im.resize((max(8, round(w * scale)), max(8, round(h * scale))), Image.Resampling.LANCZOS)
    dx, dy = round(w * rng.uniform(0, 0.03)), round(h * rng.uniform(0, 0.03))
    ox, oy = rng.randint(0, dx), rng.randint(0, dy)
    cropped = im.crop((ox, oy, w - (dx - ox), h - (dy - oy)))
    return {
        "jpeg": encode(im, "JPEG", rng.randint(40, 95)),
        "resized": encode(resized, "JPEG", rng.randint(70, 95)),
        "cropped": encode(cropped, "PNG"),
    }


def identity(name: str) -> str:
    """The photo a file name shows: the name without its ``-vN`` copy suffix."""
    return name[:-3] if len(name) > 3 and name[-3:-1] == "-v" else name


def image_bytes(name: str) -> bytes:
    """Render the photo ``name`` (see the module docstring) as JPEG bytes; same name, same bytes.

    Raises ``ValueError`` for a name the generator never produces, so a stray path in an ad
    file is not silently drawn as a random picture.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"image_bytes: {name[:60]!r} is not a demo photo name; expected e.g. 's7-op-003-p2' "
            "or 's7-stock-4', optionally with '-v1'..'-v3'"
        )
    ident = identity(name)
    im = synthetic_image(zlib.crc32(ident.encode()), SIZE)
    variant = name[-1] if ident != name else "0"
    if variant == "1":  # re-encoded: harsher compression
        return encode(im, "JPEG", 55)
    if variant == "2":  # resized by the site
        w, h = SIZE
        return encode(im.resize((w * 3 // 4, h * 3 // 4), Image.Resampling.BILINEAR), "JPEG", QUALITY)
    if variant == "3":  # cropped by 1.5 % on the left and top
        w, h = SIZE
        return encode(im.crop((round(w * 0.015), round(h * 0.015), w, h)), "JPEG", QUALITY)
    return encode(im, "JPEG", QUALITY)


def _op_photos(op_id: str) -> int:
    return 2 + zlib.crc32(op_id.encode()) % 4  # 2..5 photos per operation


def ad_images(seed: int, index: int, ad_id: str, operation: str | None) -> list[str]:
    """Photo names for ad number ``index`` (0-based): an operation's ads reuse its few photos
    (often as copies); a benign ad shows its own, or now and then a stock photo."""
    rng = random.Random(seed * 1_000_003 + index)  # never touches the world's generator
    names: list[str] = []
    if operation is not None:
        if rng.random() < _OP_PHOTO_RATE:
            n = _op_photos(operation)
            for p in rng.sample(range(n), min(n, rng.randint(1, 3))):
                v = rng.choices((0, 1, 2, 3), (5, 2, 2, 1))[0]
                names.append(f"s{seed}-{operation}-p{p}" + (f"-v{v}" if v else ""))
        return names
    if rng.random() < _BENIGN_PHOTO_RATE:
        names.extend(f"s{seed}-{ad_id}-p{p}" for p in range(rng.randint(1, 2)))
    if rng.random() < _STOCK_RATE:
        names.append(f"s{seed}-stock-{rng.randrange(_N_STOCK)}")
    return names
