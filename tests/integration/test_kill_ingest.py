"""A real `kill -9` in the middle of `tipwatch ingest`: what was stored stays whole, and running
the same command again completes the job with no duplicates. Runs the CLI as separate processes
against an SQLite file, the embedded default."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tipwatch.demo import generate
from tipwatch.engine.types import ad_from_dict

N_ADS = 3000


def _cli(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tipwatch.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict:
    e = dict(os.environ)
    e["TIPWATCH_HOME"] = str(tmp_path / "home")
    e["DATABASE_URL"] = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    e.pop("TIPWATCH_DEMO", None)
    r = _cli(["setup", "--no-demo"], e)
    assert r.returncode == 0, r.stderr
    code = (
        "from tipwatch.web.accounts.models import Organisation;"
        "Organisation.objects.create(name='Kill Unit', slug='kill', default_region='US')"
    )
    r = _cli(["manage", "shell", "-c", code], e)
    assert r.returncode == 0, r.stderr
    return e


def _count(db: str, sql: str) -> int:
    with sqlite3.connect(db, timeout=30) as con:
        return con.execute(sql).fetchone()[0]


def test_kill_9_mid_ingest_then_rerun_completes(env, tmp_path):
    ads = tmp_path / "ads.jsonl"
    hashes = set()
    with ads.open("w", encoding="utf-8") as f:
        for ad, _truth in generate(21, N_ADS):
            f.write(json.dumps(ad, ensure_ascii=False) + "\n")
            hashes.add(ad_from_dict(ad).content_hash)
    db = env["DATABASE_URL"].removeprefix("sqlite:///")

    proc = subprocess.Popen(
        [sys.executable, "-m", "tipwatch.cli", "ingest", str(ads), "--org", "kill", "--batch-size", "100"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = _count(db, "select count(*) from ads_ad")
        if stored >= 300:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed; raise N_ADS"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    partial = _count(db, "select count(*) from ads_ad")
    assert 0 < partial < len(hashes)
    # nothing half-written: every stored ad has exactly the mentions extraction gives it
    from tipwatch.engine.extract import extract_ad

    by_id = {}
    with ads.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            by_id[d["id"]] = d
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "select a.ext_id, count(m.id) from ads_ad a left join ads_mention m on m.ad_id = a.id group by a.id"
        ).fetchall()
    assert len(rows) == partial
    for ext_id, n_mentions in rows:
        assert n_mentions == len(extract_ad(ad_from_dict(by_id[ext_id]), region="US").entities), ext_id

    r = _cli(["ingest", str(ads), "--org", "kill", "--batch-size", "100"], env)
    assert r.returncode == 0, r.stderr
    assert _count(db, "select count(*) from ads_ad") == len(hashes)
    assert _count(db, "select count(distinct content_hash) from ads_ad") == len(hashes)
    # entity counters agree with the mentions actually stored
    bad = _count(
        db,
        "select count(*) from ads_entity e where e.ad_count != "
        "(select count(distinct m.ad_id) from ads_mention m where m.entity_id = e.id)",
    )
    assert bad == 0
