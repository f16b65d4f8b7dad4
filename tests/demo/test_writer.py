"""write_world: the three files, their agreement, progress and speed."""

from __future__ import annotations

import json
import time

from tipwatch.demo import generate, write_world


def test_write_world_writes_three_files(tmp_path):
    calls: list[int] = []
    summary = write_world(tmp_path / "w", seed=9, n_ads=3000, progress=calls.append)
    out = tmp_path / "w"
    ads = (out / "ads.jsonl").read_text(encoding="utf-8").splitlines()
    truth = (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(ads) == len(truth) == 3000
    assert [json.loads(a)["id"] for a in ads] == [json.loads(t)["id"] for t in truth]
    assert any(not line.isascii() for line in ads)  # ensure_ascii=False: Cyrillic, accents, emoji as-is
    world = json.loads((out / "world.json").read_text(encoding="utf-8"))
    assert world == summary
    assert world["seed"] == 9 and sum(world["counts"].values()) == 3000
    ops_in_truth = {json.loads(t)["operation"] for t in truth} - {None}
    assert {o["id"] for o in world["operations"]} == ops_in_truth
    assert sum(o["ads"] for o in world["operations"]) == sum(
        world["counts"][k] for k in ("exploitation", "recruitment", "marriage")
    )
    assert calls and calls[-1] == 3000
    # the files hold exactly what generate() yields
    first_ad, first_truth = next(generate(9, 3000))
    assert json.loads(ads[0]) == first_ad and json.loads(truth[0]) == first_truth


def test_generation_speed_floor():
    it = generate(4, 12000)
    next(it)  # phone bank and data are built once per process
    t = time.process_time()
    n = sum(1 for _ in it)
    rate = n / (time.process_time() - t)
    assert rate > 5000, f"{rate:.0f} ads/s"  # target is >= 20,000/s on a quiet core; this catches regressions
