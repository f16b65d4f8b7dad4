"""`tipwatch ingest` end to end on the real database: summary, rejects, idempotency, crash safety."""

from __future__ import annotations

import json

import pytest
from django.db.models import Count
from typer.testing import CliRunner

from tipwatch.cli import app
from tipwatch.web.accounts.models import Organisation
from tipwatch.web.ads import store as store_mod
from tipwatch.web.ads.models import Ad, Entity, IngestRun, Mention

pytestmark = pytest.mark.django_db

CITIES = ["Houston", "Dallas", "Austin", "Denver"]


def _ads(n: int) -> list[dict]:
    out = []
    for i in range(n):
        # four operations share four phones across cities; every ad has distinct words
        phone = ["(929) 272-7898", "+1 212 555 0143", "713.555.0199", "646 555 0123"][i % 4]
        out.append(
            {
                "id": f"ad-{i}",
                "title": f"New in town #{i}",
                "body": f"Sweet girl number {i}, call {phone} or email girl{i % 7}@example.com. 200/hr",
                "country": "US",
                "city": CITIES[i % 4],
                "posted_at": f"2026-09-{1 + i % 28:02d}T10:00:00Z",
            }
        )
    return out


@pytest.fixture
def org():
    return Organisation.objects.create(name="Unit", slug="unit", default_region="US")


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "ads.jsonl"
    lines = [json.dumps(a) for a in _ads(200)]
    lines.insert(10, "{this is not json")
    lines.insert(50, json.dumps({"id": "no-body"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ingest(path, *extra):
    result = CliRunner().invoke(app, ["ingest", str(path), "--org", "unit", "--batch-size", "40", *extra])
    return result


def _invariants(org) -> None:
    """Entity counters agree with the mentions actually stored; no ad is stored twice."""
    assert (
        Ad.objects.filter(organisation=org)
        .values("content_hash")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
        == 0
    )
    for ent in Entity.objects.filter(organisation=org):
        ads = Mention.objects.filter(entity=ent).values("ad").distinct().count()
        assert ent.ad_count == ads, (ent.type, ent.ad_count, ads)


def test_ingest_stores_reports_rejects_and_is_idempotent(org, source):
    result = _ingest(source)
    assert result.exit_code == 0, result.output
    assert f"{source}:11" in result.output and "jsonl.bad_json" in result.output
    assert f"{source}:51" in result.output and "ad.no_body" in result.output
    run = IngestRun.objects.get()
    assert (run.status, run.read, run.new, run.duplicate, run.rejected) == ("completed", 200, 200, 0, 2)
    assert {r["code"] for r in run.rejects} == {"jsonl.bad_json", "ad.no_body"}
    assert Ad.objects.filter(organisation=org).count() == 200
    phone = Entity.objects.get(organisation=org, type="phone", value="+19292727898")
    assert phone.ad_count == 50
    assert set(Ad.objects.filter(mentions__entity=phone).values_list("city", flat=True)) == {"Houston"}
    _invariants(org)

    again = _ingest(source)
    assert again.exit_code == 0, again.output
    run2 = IngestRun.objects.latest("id")
    assert (run2.new, run2.duplicate) == (0, 200)
    assert Ad.objects.filter(organisation=org).count() == 200
    phone.refresh_from_db()
    assert phone.ad_count == 50
    _invariants(org)


def test_a_crash_mid_ingest_keeps_whole_batches_and_a_rerun_completes(org, source, monkeypatch):
    real = store_mod.store_batch
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("simulated crash while storing the third batch")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_mod, "store_batch", flaky)
    result = _ingest(source)
    assert result.exit_code != 0
    assert Ad.objects.filter(organisation=org).count() == 80  # two whole batches of 40, nothing of the third
    assert IngestRun.objects.get().status == "failed"
    _invariants(org)

    monkeypatch.setattr(store_mod, "store_batch", real)
    result = _ingest(source)
    assert result.exit_code == 0, result.output
    run = IngestRun.objects.latest("id")
    assert (run.new, run.duplicate) == (120, 80)
    assert Ad.objects.filter(organisation=org).count() == 200
    _invariants(org)


def test_unknown_organisation_and_missing_file_give_clear_errors(org, tmp_path):
    r1 = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope.jsonl"), "--org", "unit"])
    assert r1.exit_code == 2 and "nope.jsonl" in r1.output
    r2 = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope.jsonl"), "--org", "ghost"])
    assert r2.exit_code == 2 and "unit" in r2.output


def test_csv_with_column_mapping(org, tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text(
        "ref,headline,description,nation\n"
        'j1,Waitress in Madrid,"Visa and tickets paid! WhatsApp +34 612 345 678",ES\n'
        'j2,Au pair,"No experience, high salary. Email recruit@example.org",ES\n',
        encoding="utf-8",
    )
    r = CliRunner().invoke(
        app,
        [
            "ingest",
            str(path),
            "--org",
            "unit",
            "--map",
            "id=ref",
            "--map",
            "title=headline",
            "--map",
            "body=description",
            "--map",
            "country=nation",
        ],
    )
    assert r.exit_code == 0, r.output
    assert Ad.objects.filter(organisation=org, ext_id="j1", title="Waitress in Madrid").exists()
    assert Entity.objects.filter(organisation=org, type="phone", value="+34612345678").exists()


def test_ingest_scores_new_ads_and_runs_the_watchlists(org, source):
    from tipwatch.web.assess.models import Assessment
    from tipwatch.web.watch.models import Alert, Watchlist
    from tipwatch.web.watch.services import add_terms

    wl = Watchlist.objects.create(organisation=org, name="Suspects")
    add_terms(wl, "sweet girl number 7\n")
    result = _ingest(source)
    assert result.exit_code == 0, result.output
    assert "assessed 200 ads" in result.output
    assert Assessment.objects.filter(ad__organisation=org).count() == 200
    assert Alert.objects.filter(organisation=org, ad__ext_id="ad-7").exists()
    # a re-run adds neither assessments nor alerts
    n_alerts = Alert.objects.count()
    _ingest(source)
    assert Assessment.objects.count() == 200 and Alert.objects.count() == n_alerts
