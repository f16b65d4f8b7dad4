"""Demo photos: rendered from their names, reused by operations, invisible to the text stream."""

from __future__ import annotations

import io
import time
from collections import Counter

import pytest
from PIL import Image

from tipwatch.demo import generate, write_world
from tipwatch.demo.images import SIZE, ad_images, identity, image_bytes
from tipwatch.engine.link import ImageIndex, hamming, image_hashes
from tipwatch.engine.link.images import RADIUS

N = 1500


@pytest.fixture(scope="module")
def pairs():
    return list(generate(5, N, images=True))


def test_image_bytes_is_deterministic_small_jpeg():
    a = image_bytes("s5-op-003-p1")
    assert a == image_bytes("s5-op-003-p1")
    assert a[:3] == b"\xff\xd8\xff"  # JPEG
    assert 1_000 < len(a) < 12_000
    with Image.open(io.BytesIO(a)) as im:
        assert im.size == SIZE


def test_copies_differ_in_bytes_but_match_perceptually():
    base = image_hashes(image_bytes("s5-op-003-p1"), crop_variants=True)
    index = ImageIndex()
    index.add("p1", base)
    index.add("other", image_hashes(image_bytes("s5-op-003-p2"), crop_variants=True))
    for v in (1, 2, 3):
        data = image_bytes(f"s5-op-003-p1-v{v}")
        h = image_hashes(data)
        assert h.sha256 != base.sha256
        assert [i for i, _ in index.near(h, RADIUS)] == ["p1"], v


def test_different_photos_are_far_apart():
    names = [f"s5-op-{k:03d}-p{p}" for k in range(1, 11) for p in range(3)]
    names += [f"s5-stock-{k}" for k in range(3)] + [f"s5-ad-{k:07d}-p0" for k in range(1, 21)]
    hashes = [image_hashes(image_bytes(n)) for n in names]
    closest = min(hamming(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1 :])
    assert closest > RADIUS


def test_bad_names_are_refused():
    for bad in ("", "../etc/passwd", "s5-op-003-p1-v9", "op-003-p1", "s5-stock-1.jpg"):
        with pytest.raises(ValueError, match="not a demo photo name"):
            image_bytes(bad)


def test_stream_is_identical_with_images_on_or_off(pairs):
    plain = list(generate(5, N))
    assert len(plain) == len(pairs)
    for (ad, truth), (ad0, truth0) in zip(pairs, plain, strict=True):
        paths = ad.pop("images", [])
        names = truth.pop("images")
        assert ad == ad0 and truth == truth0
        assert [identity(p[7:-4]) for p in paths] == names
        ad["images"], truth["images"] = paths, names  # leave the fixture as it was
        if not paths:
            del ad["images"]


def test_photos_follow_operations_and_stock_recurs(pairs):
    with_photos = sum(1 for ad, _ in pairs if ad.get("images"))
    assert with_photos > N * 0.4
    op_of: dict[str, set] = {}
    benign_users: dict[str, set] = {}
    for ad, truth in pairs:
        for name in truth["images"]:
            if "-op-" in name:
                op_of.setdefault(name, set()).add(truth["operation"])
            else:
                benign_users.setdefault(name, set()).add(ad["id"])
                assert truth["operation"] is None
    assert op_of and all(len(ops) == 1 for ops in op_of.values())  # an op's photos are its own
    reuse = Counter(len(v) for v in op_of.values())
    assert max(reuse) >= 1 and sum(1 for n in op_of if "-op-" in n) >= 6
    stock = {n: users for n, users in benign_users.items() if "-stock-" in n}
    own = {n: users for n, users in benign_users.items() if "-stock-" not in n}
    # each stock photo is frequent enough for the graph's hub guard: > max(50, 1 % of ads)
    assert len(stock) == 3 and min(len(u) for u in stock.values()) > max(50, N // 100)
    assert all(len(u) == 1 for u in own.values())
    copies = [p for ad, _ in pairs for p in ad.get("images", ()) if p[-7:-5] == "-v"]
    assert copies  # some ads show re-encoded / resized / cropped copies


def test_ad_images_uses_its_own_generator():
    assert ad_images(5, 10, "ad-0000011", "op-002") == ad_images(5, 10, "ad-0000011", "op-002")
    assert all(n.startswith("s5-op-002-p") for n in ad_images(5, 10, "ad-0000011", "op-002"))


def test_write_world_writes_each_photo_once(tmp_path):
    summary = write_world(tmp_path, 5, 300, images=True)
    files = sorted(p.name for p in (tmp_path / "images").iterdir())
    assert summary["images"] == len(files) > 0
    assert all(f.endswith(".jpg") for f in files)
    name = files[0][:-4]
    assert (tmp_path / "images" / files[0]).read_bytes() == image_bytes(name)
    plain = write_world(tmp_path / "plain", 5, 300)
    assert plain["images"] == 0 and not (tmp_path / "plain" / "images").exists()


def test_rendering_is_fast():
    names = [f"s9-ad-{k:07d}-p0" for k in range(60)]
    t = time.process_time()
    for n in names:
        image_bytes(n)
    per_image = (time.process_time() - t) / len(names)
    assert per_image < 0.02  # about 3 ms on one core; the web demo draws 3,000 ads' photos
