"""Synthetic test images (Pillow only, deterministic per seed) and the copies an ad site makes."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter


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
    noise = Image.effect_noise((w, h), rng.randint(8, 30)).convert("RGB")
    im = Image.blend(im, noise, 0.08)
    return im.filter(ImageFilter.SMOOTH)


def encode(im: Image.Image, fmt: str = "PNG", quality: int = 90) -> bytes:
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
