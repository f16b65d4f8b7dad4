"""store_batch / start_run / finish_run: idempotence, counters, crash recovery, rejects."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tipwatch.engine.types import Rejected
from tipwatch.web.ads.models import Ad, Entity, IngestRun, Mention
from tipwatch.web.ads.store import BatchCounts, finish_run, start_run, store_batch
from web.factories import PHONE, PHONE_RAW, item, world

pytestmark = pytest.mark.django_db


def test_store_counts_new_ads_and_builds_entities(org_a):
    run, counts = world(org_a)
    assert counts == BatchCounts(new=4, duplicate=0)
    phone = Entity.objects.for_org(org_a).get(type="phone", value=PHONE)
    assert phone.ad_count == 3
    assert phone.first_seen == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert phone.last_seen == datetime(2026, 3, 20, 10, tzinfo=UTC)
    assert Mention.objects.for_org(org_a).filter(entity=phone).count() == 3
    ad = Ad.objects.for_org(org_a).get(ext_id="a1")
    assert ad.site == "example-ads.test"
    assert ad.city == "Boston"
    assert ad.run_id == run.pk
    assert Ad.objects.for_org(org_a).get(ext_id="a2").has_obfuscated_contact is True
    assert ad.has_obfuscated_contact is False
    run.refresh_from_db()
    assert (run.read, run.new, run.duplicate) == (4, 4, 0)


def test_same_batch_again_is_all_duplicates_and_changes_nothing(org_a):
    run, _ = world(org_a)
    before = {(e.type, e.value): e.ad_count for e in Entity.objects.for_org(org_a)}
    mentions = Mention.objects.count()
    _run2, counts = world(org_a)
    assert counts == BatchCounts(new=0, duplicate=4)
    after = {(e.type, e.value): e.ad_count for e in Entity.objects.for_org(org_a)}
    assert after == before
    assert Mention.objects.count() == mentions
    assert Ad.objects.for_org(org_a).count() == 4


def test_duplicates_inside_one_batch_count_once(org_a):
    a = item("x1", f"call {PHONE_RAW}", entities=[("phone", PHONE, PHONE_RAW)])
    # Same content, different id and white space: same content hash.
    b = item("x2", f"call  {PHONE_RAW}\n", entities=[("phone", PHONE, PHONE_RAW)])
    run = start_run(org_a, "s", "jsonl")
    assert store_batch(org_a, [a, b], source=run.source, run=run) == BatchCounts(new=1, duplicate=1)
    assert Entity.objects.for_org(org_a).get(value=PHONE).ad_count == 1


def test_rerun_after_crash_completes_with_right_counters(org_a):
    items = [
        item(
            f"c{i}",
            f"ad number {i} call {PHONE_RAW}",
            entities=[("phone", PHONE, PHONE_RAW)],
            city=f"C{i % 3}",
        )
        for i in range(10)
    ]
    crashed = start_run(org_a, "feed", "jsonl")
    store_batch(org_a, items[:4], source=crashed.source, run=crashed)
    finish_run(crashed, None, [], "interrupted")
    rerun = start_run(org_a, "feed", "jsonl")
    first = store_batch(org_a, items[:5], source=rerun.source, run=rerun)
    second = store_batch(org_a, items[5:], source=rerun.source, run=rerun)
    assert first == BatchCounts(new=1, duplicate=4)
    assert second == BatchCounts(new=5, duplicate=0)
    assert Entity.objects.for_org(org_a).get(value=PHONE).ad_count == 10
    assert Ad.objects.for_org(org_a).count() == 10
    assert rerun.source_id == crashed.source_id


def test_same_content_in_two_organisations_is_stored_for_each(org_a, org_b):
    world(org_a)
    _run, counts = world(org_b)
    assert counts.new == 4
    assert Entity.objects.filter(value=PHONE).count() == 2


def test_empty_batch(org_a):
    run = start_run(org_a, "s", "jsonl")
    assert store_batch(org_a, [], source=run.source, run=run) == BatchCounts(0, 0)


def test_finish_run_sets_counts_and_caps_rejects(org_a):
    run = start_run(org_a, "big", "jsonl")
    rejects = [Rejected(f"f.jsonl:{i}", "json.invalid", "not valid JSON") for i in range(1500)]
    finish_run(run, {"read": 2000, "new": 450, "duplicate": 50}, rejects, "completed")
    run.refresh_from_db()
    assert run.status == IngestRun.Status.COMPLETED
    assert run.finished_at is not None
    assert (run.read, run.new, run.duplicate, run.rejected) == (2000, 450, 50, 1500)
    assert len(run.rejects) == 1000
    assert run.rejects[0] == {"location": "f.jsonl:0", "code": "json.invalid", "reason": "not valid JSON"}


def test_finish_run_rejects_unknown_status(org_a):
    run = start_run(org_a, "s", "jsonl")
    with pytest.raises(ValueError, match="not one of"):
        finish_run(run, None, [], "exploded")


def test_bad_posted_at_is_stored_as_null(org_a):
    run = start_run(org_a, "s", "jsonl")
    store_batch(org_a, [item("p", "hello there", posted_at="last tuesday")], source=run.source, run=run)
    assert Ad.objects.for_org(org_a).get(ext_id="p").posted_at is None
