"""`tipwatch ingest` with photos: stored, broken ones reported as reject lines, links computed."""

from __future__ import annotations

import io
import json
import random

import pytest
from PIL import Image
from typer.testing import CliRunner

from tipwatch.cli import app
from tipwatch.web.ads.models import Ad, IngestRun
from tipwatch.web.links.models import AdImage, AdLink, LinkState, Operation

pytestmark = pytest.mark.django_db


def _photo(seed: int) -> bytes:
    rng = random.Random(seed)
    small = Image.new("RGB", (16, 16))
    small.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(256)])
    out = io.BytesIO()
    small.resize((200, 200), Image.Resampling.BICUBIC).save(out, "JPEG", quality=90)
    return out.getvalue()


def test_ingest_stores_photos_reports_broken_ones_and_relinks(org_a, tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.jpg").write_bytes(_photo(1))
    (tmp_path / "img" / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    ads = [
        {
            "id": "x1",
            "body": "Sweet and new in town, call (929) 555-0141",
            "city": "Boston",
            "images": ["img/a.jpg"],
        },
        {
            "id": "x2",
            "body": "Relaxing massage, different text entirely",
            "city": "Denver",
            "images": ["img/a.jpg"],
        },
        {"id": "x3", "body": "Third ad with a broken photo", "images": ["img/corrupt.jpg", "img/gone.jpg"]},
    ]
    src = tmp_path / "ads.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in ads) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(src), "--org", org_a.slug])
    assert result.exit_code == 0, result.output
    assert "linked: 1 operations" in result.output
    assert Ad.objects.for_org(org_a).count() == 3  # the ad with broken photos is stored too
    run = IngestRun.objects.for_org(org_a).get()
    assert run.rejected == 2
    assert sorted(r["code"] for r in run.rejects) == ["image.missing", "image.unreadable"]
    assert all(
        r["location"].endswith(("image 1", "image 2")) and "ad x3" in r["location"] for r in run.rejects
    )
    assert AdImage.objects.for_org(org_a).count() == 2
    op = Operation.objects.for_org(org_a).get()  # x1 and x2 share only the photo
    assert set(AdLink.objects.filter(operation=op).values_list("ad__ext_id", flat=True)) == {"x1", "x2"}
    generation = LinkState.objects.for_org(org_a).get().generation

    again = CliRunner().invoke(app, ["ingest", str(src), "--org", org_a.slug])
    assert again.exit_code == 0, again.output
    assert AdImage.objects.for_org(org_a).count() == 2
    assert LinkState.objects.for_org(org_a).get().generation == generation  # nothing changed
