"""assess_ads, store_signals and rescore: stored assessments follow the ads, the store and the catalogue."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from tipwatch.engine.extract import extract_ad
from tipwatch.engine.indicators import assess_ad, load_catalogue
from tipwatch.engine.types import ad_from_dict
from tipwatch.web.ads.models import Ad
from tipwatch.web.assess.models import Assessment
from tipwatch.web.assess.services import assess_ads, engine_ad, rescore, store_signals
from tipwatch.web.audit.models import AuditEvent
from web.factories import item, store

pytestmark = pytest.mark.django_db

DECEPTIVE = (
    "Waitress in Italy, no experience, 3000 EUR/month, visa and tickets paid, "
    "send photos on WhatsApp, urgent departure"
)


def _ids(org, *ext_ids):
    return [Ad.objects.for_org(org).get(ext_id=e).pk for e in ext_ids]


def test_store_signals_take_the_max_over_the_ads_contacts(world_a, org_a):
    a1, a2, a3, a4 = _ids(org_a, "a1", "a2", "a3", "a4")
    signals = store_signals(org_a, [a1, a2, a3, a4])
    # The phone is in a1 (Boston), a2 and a3 (Chicago); a2's email only in a2.
    assert signals[a1] == {"contact_ads": 3, "contact_cities": 2, "contact_names": 0}
    assert signals[a2] == signals[a1]
    assert signals[a4] == {"contact_ads": 1, "contact_cities": 1, "contact_names": 0}
    assert store_signals(org_a, []) == {}


def test_store_signals_count_distinct_stated_ages_per_contact(org_a):
    store(
        org_a,
        [
            item(
                "n1",
                "Anna 21, call 929 555 0147",
                entities=[("phone", "+19295550147", "929 555 0147"), ("age", "21", "21")],
            ),
            item(
                "n2",
                "Bella 23, call 929 555 0147",
                entities=[("phone", "+19295550147", "929 555 0147"), ("age", "23", "23")],
            ),
            item(
                "n3",
                "Cleo 25 929 555 0147",
                entities=[("phone", "+19295550147", "929 555 0147"), ("age", "25", "25")],
            ),
            item("n4", "Dora 25, no phone", entities=[("age", "25", "25")]),
        ],
    )
    n1, n4 = _ids(org_a, "n1", "n4")
    signals = store_signals(org_a, [n1, n4])
    assert signals[n1]["contact_names"] == 3
    assert n4 not in signals  # no contact, no network signal


def test_store_signals_ignore_other_organisations(world_a, world_b, org_a, org_b):
    (a1,) = _ids(org_a, "a1")
    # Org B holds the same phone in the same cities: it must not add to org A's counts.
    assert store_signals(org_a, [a1])[a1]["contact_ads"] == 3
    (b1,) = _ids(org_b, "a1")
    assert store_signals(org_a, [b1]) == {}


def test_assess_ads_stores_what_the_engine_says(org_a):
    store(org_a, [item("d1", DECEPTIVE, title="Job in Italy", country="IT", city="Roma")])
    row = Ad.objects.for_org(org_a).get(ext_id="d1")
    assert assess_ads(org_a, Ad.objects.for_org(org_a)) == 1
    stored = Assessment.objects.get(ad=row)
    ad = engine_ad(row)
    expected = assess_ad(ad, extract_ad(ad, region=org_a.default_region), signals={}).to_dict()
    assert stored.score == expected["score"] and stored.band == expected["band"]
    assert stored.catalogue_version == load_catalogue().version
    assert stored.catalogue_fingerprint == load_catalogue().fingerprint
    assert [d["id"] for d in stored.indicators] == [d["id"] for d in expected["indicators"]]
    assert stored.indicators, "the deceptive offer fires indicators"
    for d in stored.indicators:
        assert {"id", "start", "end", "field", "matched", "weight", "explanation", "name", "public"} <= set(d)
        if d["start"] is not None:
            text = row.title if d["field"] == "title" else row.body
            assert text[d["start"] : d["end"]] == d["matched"]
    assert stored.ids == sorted({d["id"] for d in stored.indicators})
    assert all(f" {i} " in stored.indicator_ids for i in stored.ids)


def test_assess_ads_is_deterministic_and_replaces_rows(world_a, org_a):
    assert assess_ads(org_a, Ad.objects.for_org(org_a)) == 4
    first = {a.ad_id: (a.score, a.band, a.indicators) for a in Assessment.objects.for_org(org_a)}
    assert assess_ads(org_a, list(Ad.objects.for_org(org_a))) == 4
    assert Assessment.objects.for_org(org_a).count() == 4
    again = {a.ad_id: (a.score, a.band, a.indicators) for a in Assessment.objects.for_org(org_a)}
    assert again == first


def test_assess_ads_skips_rows_of_another_organisation(world_a, world_b, org_a, org_b):
    assert assess_ads(org_a, list(Ad.objects.for_org(org_b))) == 0
    assert assess_ads(org_a, Ad.objects.for_org(org_b)) == 0
    assert not Assessment.objects.exists()


def test_rescore_only_touches_stale_or_missing_assessments(world_a, org_a, world_b, org_b):
    assess_ads(org_a, Ad.objects.for_org(org_a))
    assert rescore(org_a) == 0
    stale = Assessment.objects.for_org(org_a).first()
    Assessment.objects.filter(pk=stale.pk).update(catalogue_fingerprint="0" * 64, score=99)
    assert rescore(org_a) == 1
    stale.refresh_from_db()
    assert stale.catalogue_fingerprint == load_catalogue().fingerprint and stale.score != 99
    # Org B was never assessed: every ad is "stale"; rescore() with no org covers all orgs.
    assert rescore() == 4
    assert Assessment.objects.for_org(org_b).count() == 4
    assert rescore(org_a, stale_only=False) == 4


def _changed_catalogue(tmp_path: Path):
    data = Path(str(resources.files("tipwatch").joinpath("data")))
    shutil.copytree(data / "indicators", tmp_path / "indicators")
    shutil.copytree(data / "lexicons" / "indicators", tmp_path / "lexicons" / "indicators")
    head = tmp_path / "indicators" / "catalogue.yaml"
    doc = yaml.safe_load(head.read_text(encoding="utf-8"))
    doc["version"] = "9.9.9"
    head.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # Make the visa/travel indicator weigh more, so scores of offers that fire it change.
    path = tmp_path / "indicators" / "deceptive_recruitment.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for ind in doc["indicators"]:
        if ind["id"] == "recruit.visa_travel_paid":
            ind["weight"] = 25
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_catalogue(tmp_path / "indicators")


def test_changing_the_catalogue_rescores(org_a, tmp_path):
    store(org_a, [item("d1", DECEPTIVE), item("o1", "Bakery in Leeds needs a driver, 11 GBP an hour")])
    assess_ads(org_a, Ad.objects.for_org(org_a))
    before = {a.ad.ext_id: a.score for a in Assessment.objects.for_org(org_a).select_related("ad")}
    new = _changed_catalogue(tmp_path)
    assert new.fingerprint != load_catalogue().fingerprint
    assert rescore(org_a, catalogue=new) == 2
    rows = {a.ad.ext_id: a for a in Assessment.objects.for_org(org_a).select_related("ad")}
    assert {a.catalogue_version for a in rows.values()} == {"9.9.9"}
    assert {a.catalogue_fingerprint for a in rows.values()} == {new.fingerprint}
    if "recruit.visa_travel_paid" in rows["d1"].ids:
        assert rows["d1"].score > before["d1"]
    assert rescore(org_a, catalogue=new) == 0


def test_engine_ad_round_trips_the_stored_fields(world_a, org_a):
    row = Ad.objects.for_org(org_a).get(ext_id="a2")
    ad = engine_ad(row)
    assert (ad.id, ad.body, ad.title, ad.city, ad.country) == ("a2", row.body, "Visiting", "Chicago", "US")
    assert ad.posted_at.startswith("2026-03-08") and ad.url == "https://example-ads.test/chicago/2"
    assert ad_from_dict(ad.to_dict()).body == row.body


def test_rescore_command_reports_and_audits(world_a, org_a, capsys):
    call_command("rescore", "--org", org_a.slug)
    assert "re-assessed 4 ads" in capsys.readouterr().out
    assert Assessment.objects.for_org(org_a).count() == 4
    event = AuditEvent.objects.filter(action="assess.rescore").last()
    assert event.detail["assessed"] == 4 and event.organisation_id == org_a.pk
    call_command("rescore", "--all")
    assert "re-assessed 4 ads" in capsys.readouterr().out


def test_rescore_command_names_an_unknown_organisation(org_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no organisation 'nope'; known: org-a"):
        call_command("rescore", "--org", "nope")
