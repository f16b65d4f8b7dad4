"""Image reuse: PDQ near matches for re-encoded, resized and cropped copies; the content store."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest

from engine.link._link_synth import copies, encode, synthetic_image
from tipwatch.engine.link import ContentStore, ImageHash, ImageIndex, hamming, image_hashes
from tipwatch.engine.link.images import ALGORITHM, RADIUS

N_ORIGINALS = 120
N_UNRELATED = 500


@pytest.fixture(scope="module")
def world():
    originals = {
        f"o{i}": image_hashes(encode(synthetic_image(i)), crop_variants=True) for i in range(N_ORIGINALS)
    }
    index = ImageIndex()
    for item_id, h in originals.items():
        index.add(item_id, h)
    return originals, index


def test_pdq_is_the_algorithm_and_hashes_have_the_expected_shape():
    data = encode(synthetic_image(1))
    h = image_hashes(data)
    assert ALGORITHM == "pdq" and h.algorithm == "pdq"
    assert h.sha256 == hashlib.sha256(data).hexdigest()
    assert len(h.perceptual) == 64 and int(h.perceptual, 16) >= 0
    assert 0 <= h.quality <= 100
    assert image_hashes(data) == h  # deterministic


def test_copies_are_found_within_the_radius(world):
    originals, index = world
    found = total = 0
    for i in range(N_ORIGINALS):
        for _kind, data in copies(synthetic_image(i), seed=1000 + i).items():
            total += 1
            hits = index.near(image_hashes(data), radius=RADIUS)
            found += any(item_id == f"o{i}" for item_id, _ in hits)
    assert total == 3 * N_ORIGINALS
    assert found / total >= 0.99


def test_unrelated_images_rarely_match(world):
    _, index = world
    false = sum(
        bool(index.near(image_hashes(encode(synthetic_image(10_000 + j))), radius=RADIUS))
        for j in range(N_UNRELATED)
    )
    assert false / N_UNRELATED <= 0.01


def test_multi_index_lookup_equals_brute_force():
    import random

    rng = random.Random(5)
    index = ImageIndex()
    stored = [rng.getrandbits(256) for _ in range(400)]
    for i, v in enumerate(stored):
        index.add(str(i), v)
    for trial in range(60):
        base = stored[trial]
        # flip up to 40 random bits: some queries fall inside radius 31, some outside
        q = base
        for b in rng.sample(range(256), rng.randint(0, 40)):
            q ^= 1 << b
        expected = sorted((bin(v ^ q).count("1"), str(i)) for i, v in enumerate(stored))
        expected = [(i, d) for d, i in expected if d <= 31]
        assert sorted(index.near(q, radius=31), key=lambda t: (t[1], t[0])) == sorted(
            expected, key=lambda t: (t[1], t[0])
        )


def test_hamming_accepts_hashes_hex_and_ints():
    a = ImageHash("0" * 64, "f" * 64, 100)
    assert hamming(a, "0" * 64) == 256
    assert hamming(a.perceptual, int("f" * 63 + "e", 16)) == 1


def test_undecodable_bytes_raise_a_clear_error():
    with pytest.raises(ValueError, match="cannot be decoded"):
        image_hashes(b"not an image at all")


def test_content_store_is_idempotent_and_fanned_out(tmp_path):
    store = ContentStore(tmp_path / "images")
    data = encode(synthetic_image(3))
    sha = store.put(data)
    path = store.path(sha)
    assert path.parent.name == sha[2:4] and path.parent.parent.name == sha[:2]
    mtime = path.stat().st_mtime_ns
    assert store.put(data) == sha
    assert path.stat().st_mtime_ns == mtime  # not rewritten
    assert store.get(sha) == data and sha in store and list(store) == [sha]
    leftovers = [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_content_store_rejects_bad_keys_and_reports_missing(tmp_path):
    store = ContentStore(tmp_path)
    with pytest.raises(ValueError, match="64 lower-case hex"):
        store.path("../../etc/passwd")
    assert "../x" not in store
    with pytest.raises(KeyError):
        store.get("a" * 64)


def test_content_store_failed_write_leaves_nothing(tmp_path, monkeypatch):
    store = ContentStore(tmp_path)

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        store.put(b"some bytes")
    assert list(store) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_content_store_concurrent_writers_agree(tmp_path):
    store = ContentStore(tmp_path)
    data = os.urandom(200_000)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(store.put(data))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1
    assert store.get(results[0]) == data
