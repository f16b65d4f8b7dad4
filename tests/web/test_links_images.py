"""Photos: stored by content hash, rejects for missing/corrupt/outside files, groups, thumbnails."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from tipwatch.web.ads.models import Ad
from tipwatch.web.links.images import content_store, file_loader, store_images
from tipwatch.web.links.models import AdImage, AdLink, Operation
from tipwatch.web.links.services import relink
from web.factories import PASSWORD, item, make_user, store

pytestmark = pytest.mark.django_db


def photo(seed: int, side: int = 256, fmt: str = "JPEG") -> bytes:
    """A textured synthetic picture (blocks of random grey levels): PDQ quality is high."""
    rng = random.Random(seed)
    small = Image.new("RGB", (16, 16))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(256)])
    im = small.resize((side, side), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    im.save(out, fmt, quality=90)
    return out.getvalue()


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "input"
    (d / "images").mkdir(parents=True)
    (d / "images" / "one.jpg").write_bytes(photo(1))
    (d / "images" / "one-small.jpg").write_bytes(photo(1, side=180))  # a resized copy
    (d / "images" / "two.png").write_bytes(photo(2, fmt="PNG"))
    (d / "images" / "broken.jpg").write_bytes(photo(3)[:300])  # truncated: cannot be decoded
    (tmp_path / "secret.jpg").write_bytes(photo(4))
    return d


def _items():
    a = item("p1", "Sweet girl, new photos, call (929) 555-0131", city="Boston")
    a[0].images.extend(["images/one.jpg", "images/two.png", "images/missing.jpg"])
    b = item("p2", "Another ad with one broken photo, call (929) 555-0132", city="Chicago")
    b[0].images.extend(["images/one-small.jpg", "images/broken.jpg", "../secret.jpg", "/etc/hostname"])
    return [a, b]


def test_images_are_stored_by_hash_and_bad_ones_become_rejects(org_a, folder):
    items = _items()
    store(org_a, items)
    rejects = store_images(org_a, items, loader=file_loader(folder), source="ads.jsonl")
    codes = sorted(r["code"] for r in rejects)
    assert codes == ["image.missing", "image.outside", "image.outside", "image.unreadable"]
    assert all(r["location"].startswith("ads.jsonl: ad p") for r in rejects)
    assert not any("secret" in r["location"] + r["reason"] for r in rejects)  # no file names echoed
    rows = list(AdImage.objects.for_org(org_a).order_by("ad__ext_id", "position"))
    assert [(r.ad.ext_id, r.position) for r in rows] == [("p1", 0), ("p1", 1), ("p2", 0)]
    store_ = content_store()
    assert all(r.sha256 in store_ and len(r.pdq) == 64 and r.quality >= 50 for r in rows)
    assert store_.get(rows[0].sha256) == (folder / "images" / "one.jpg").read_bytes()
    # the ads themselves are stored whatever happened to their photos
    assert Ad.objects.for_org(org_a).count() == 2


def test_storing_images_again_reads_nothing_and_adds_nothing(org_a, folder):
    items = _items()
    store(org_a, items)
    store_images(org_a, items, loader=file_loader(folder))

    def refuse(_path):
        raise AssertionError("an image was read twice")

    assert store_images(org_a, items, loader=refuse) == []
    assert AdImage.objects.for_org(org_a).count() == 3


def test_near_copies_share_a_group_that_links_their_ads(org_a, folder):
    items = _items()
    store(org_a, items)
    store_images(org_a, items, loader=file_loader(folder))
    counts = relink(org_a)
    one, small = (
        AdImage.objects.for_org(org_a).get(ad__ext_id="p1", position=0),
        AdImage.objects.for_org(org_a).get(ad__ext_id="p2", position=0),
    )
    assert one.sha256 != small.sha256 and one.group_key == small.group_key == f"img-{one.sha256[:16]}"
    two = AdImage.objects.for_org(org_a).get(ad__ext_id="p1", position=1)
    assert two.group_key != one.group_key
    assert counts["operations"] == 1
    op = Operation.objects.for_org(org_a).get()
    assert set(AdLink.objects.filter(operation=op).values_list("ad__ext_id", flat=True)) == {"p1", "p2"}


def test_ad_page_shows_ads_sharing_a_photo_and_thumbnails_check_the_org(
    org_a, org_b, folder, client, django_user_model
):
    items = _items()
    store(org_a, items)
    store_images(org_a, items, loader=file_loader(folder))
    relink(org_a)
    user = make_user(django_user_model, org_a, "analyst")
    assert client.login(username=user.username, password=PASSWORD)
    p1 = Ad.objects.for_org(org_a).get(ext_id="p1")
    p2 = Ad.objects.for_org(org_a).get(ext_id="p2")
    html = client.get(f"/ads/{p1.pk}/").content.decode()
    assert "Ads sharing a photo" in html and f"/ads/{p2.pk}/" in html
    sha = AdImage.objects.for_org(org_a).get(ad=p1, position=0).sha256
    r = client.get(f"/images/{sha}/thumb.jpg")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(r.content)) as im:
        assert max(im.size) <= 320
    assert client.get(f"/images/{'0' * 64}/thumb.jpg").status_code == 404
    assert client.get("/images/not-a-hash/thumb.jpg").status_code == 404
    client.logout()
    other = make_user(django_user_model, org_b, "analyst")
    assert client.login(username=other.username, password=PASSWORD)
    assert client.get(f"/images/{sha}/thumb.jpg").status_code == 404


def test_a_cropped_copy_joins_the_group_and_known_bytes_are_not_hashed_again(org_a, folder, monkeypatch):
    with Image.open(io.BytesIO(photo(1))) as im:
        w, h = im.size
        out = io.BytesIO()
        im.crop((round(w * 0.03), round(h * 0.03), w, h)).save(out, "JPEG", quality=90)  # a 3 % crop
    (folder / "images" / "cropped.jpg").write_bytes(out.getvalue())
    items = _items()
    store(org_a, items)
    store_images(org_a, items, loader=file_loader(folder))
    calls = []
    import tipwatch.web.links.images as images_mod

    real = images_mod.image_hashes
    monkeypatch.setattr(images_mod, "image_hashes", lambda data, **kw: calls.append(1) or real(data, **kw))
    later = [
        item("p3", "Cropped photo ad, call (929) 555-0133"),
        item("p4", "Same photo again (929) 555-0134"),
    ]
    later[0][0].images.append("images/cropped.jpg")
    later[1][0].images.append("images/one.jpg")  # bytes the organisation already holds
    store(org_a, later, source_name="later")
    assert store_images(org_a, later, loader=file_loader(folder)) == []
    assert len(calls) == 1  # only the new bytes were hashed
    relink(org_a)
    groups = {
        r.ad.ext_id: r.group_key
        for r in AdImage.objects.for_org(org_a).filter(position=0).select_related("ad")
    }
    assert groups["p3"] == groups["p4"] == groups["p1"] == groups["p2"]
