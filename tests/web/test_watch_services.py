"""Watchlist services: the cached matcher, scanning ads, checking names, adding and removing terms."""

from __future__ import annotations

import pytest

from tipwatch.web.ads.models import Ad
from tipwatch.web.audit.models import AuditEvent
from tipwatch.web.watch import services
from tipwatch.web.watch.models import Alert, Watchlist, WatchTerm
from tipwatch.web.watch.services import add_terms, check_names, matcher_for, remove_term, scan_ads
from web.factories import item, store

pytestmark = pytest.mark.django_db

HIRING = "g0lden st@r m0dels is hiring"


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.clear_cache()
    yield
    services.clear_cache()


def make_list(org, *terms: str, name: str = "Agencies", active: bool = True) -> Watchlist:
    wl = Watchlist.objects.create(organisation=org, name=name, active=active)
    if terms:
        add_terms(wl, "\n".join(terms))
    return wl


def ads_of(org, *bodies: str, title: str = ""):
    store(org, [item(f"w{i}", body, title=title) for i, body in enumerate(bodies)])
    return Ad.objects.for_org(org)


def test_scan_finds_obfuscated_name_with_span(org_a):
    make_list(org_a, "Golden Star Models")
    ads = ads_of(org_a, HIRING, "an ordinary ad about gold stars")
    assert scan_ads(org_a, ads) == 1
    alert = Alert.objects.for_org(org_a).get()
    assert alert.source_kind == "ad" and alert.field == "body"
    assert alert.matched == "g0lden st@r m0dels"
    assert HIRING[alert.start : alert.end] == alert.matched
    assert alert.match_kind == "folded" and alert.get_match_kind_display() == "obfuscated"
    assert alert.term_text == "Golden Star Models"
    assert alert.status == "new"
    assert AuditEvent.objects.filter(action="watch.scan", organisation_id=org_a.pk).exists()


def test_scan_is_idempotent(org_a):
    make_list(org_a, "Golden Star Models")
    ads = ads_of(org_a, HIRING)
    assert scan_ads(org_a, ads) == 1
    assert scan_ads(org_a, ads) == 0
    assert scan_ads(org_a, list(ads)) == 0
    assert Alert.objects.count() == 1


def test_scan_matches_titles_and_exact_text(org_a):
    make_list(org_a, "Golden Star Models")
    ads = ads_of(org_a, "Golden Star Models looking for girls", title="Golden Star Models")
    assert scan_ads(org_a, ads) == 2
    assert sorted(Alert.objects.values_list("field", "match_kind")) == [("body", "exact"), ("title", "exact")]


def test_scan_ignores_inactive_watchlists(org_a):
    make_list(org_a, "Golden Star Models", active=False)
    assert scan_ads(org_a, ads_of(org_a, HIRING)) == 0


def test_scan_is_scoped_by_organisation(org_a, org_b):
    make_list(org_a, "Golden Star Models")
    ads_of(org_b, HIRING)
    # a queryset over every ad is narrowed to org A's ads: org B's ad is not scanned for org A
    assert scan_ads(org_a, Ad.objects.all()) == 0
    with pytest.raises(ValueError, match="another organisation"):
        scan_ads(org_a, list(Ad.objects.for_org(org_b)))
    # org B has no terms: org A's list never applies to org B
    assert scan_ads(org_b, Ad.objects.for_org(org_b)) == 0


def test_matcher_is_cached_and_rebuilt_when_terms_change(org_a):
    wl = make_list(org_a, "Golden Star Models")
    first = matcher_for(org_a)
    assert matcher_for(org_a) is first
    add_terms(wl, "EuroJobs Agency")
    second = matcher_for(org_a)
    assert second is not first and len(second) == 2
    remove_term(WatchTerm.objects.get(term="EuroJobs Agency"))
    third = matcher_for(org_a)
    assert third is not second and len(third) == 1
    wl.active = False
    wl.save()
    assert matcher_for(org_a) is None


def test_same_term_on_two_lists_alerts_once_per_list(org_a):
    make_list(org_a, "Golden Star Models", name="one")
    make_list(org_a, "Golden Star Models", name="two")
    assert scan_ads(org_a, ads_of(org_a, HIRING)) == 2
    assert sorted(Alert.objects.values_list("watchlist__name", flat=True)) == ["one", "two"]


def test_check_names_flags_phonetic_compound(org_a, analyst):
    make_list(org_a, "new born sex")
    alerts = check_names(org_a, ["newbornsecks", "", "  quiet_dave  "], "username", actor=analyst)
    assert [(a.subject, a.matched, a.match_kind) for a in alerts] == [
        ("newbornsecks", "newbornsecks", "phonetic")
    ]
    assert alerts[0].pk is not None and alerts[0].source_kind == "username" and alerts[0].ad_id is None
    event = AuditEvent.objects.filter(action="watch.check_names").latest("seq")
    assert event.detail == {"kind": "username", "names": 2, "alerts": 1}
    assert event.actor_id == analyst.pk


def test_check_names_is_idempotent_and_keeps_status(org_a):
    make_list(org_a, "Golden Star Models")
    first = check_names(org_a, ["g0ldenstarmodels_jobs"], "channel")
    assert len(first) == 1
    Alert.objects.filter(pk=first[0].pk).update(status="escalated")
    again = check_names(org_a, ["g0ldenstarmodels_jobs"], "room")
    assert [a.pk for a in again] == [first[0].pk]
    assert again[0].status == "escalated" and again[0].source_kind == "channel"
    assert Alert.objects.count() == 1


def test_check_names_validates(org_a):
    make_list(org_a, "Golden Star Models")
    with pytest.raises(ValueError, match="kind 'email'"):
        check_names(org_a, ["x"], "email")
    with pytest.raises(ValueError, match="longer than 300"):
        check_names(org_a, ["a" * 301], "username")
    assert check_names(org_a, [], "username") == []


def test_check_names_without_terms(org_a, org_b):
    make_list(org_b, "Golden Star Models")
    assert check_names(org_a, ["goldenstarmodels"], "username") == []


def test_add_terms_reports_duplicates_and_rejects(org_a, analyst):
    wl = make_list(org_a, "Golden Star Models")
    result = add_terms(
        wl,
        "Golden Star Models\n\n@goldenstar_jobs\n!!!\n" + "x" * 201 + "\n@goldenstar_jobs",
        user=analyst,
        note="tip 17",
    )
    assert result.added == 1
    assert result.duplicates == 2
    assert [n for n, _ in result.rejected] == [4, 5]
    term = WatchTerm.objects.get(term="@goldenstar_jobs")
    assert term.note == "tip 17" and term.added_by == analyst
    with pytest.raises(ValueError, match="at most 2000"):
        add_terms(wl, "\n".join(f"term {i}" for i in range(2001)))


def test_removing_a_term_keeps_its_alerts(org_a):
    make_list(org_a, "Golden Star Models")
    scan_ads(org_a, ads_of(org_a, HIRING))
    remove_term(WatchTerm.objects.get())
    alert = Alert.objects.get()
    assert alert.term is None and alert.term_text == "Golden Star Models"
    assert matcher_for(org_a) is None


def test_scan_many_ads_in_chunks(org_a):
    make_list(org_a, "Golden Star Models")
    bodies = [f"ad {i}: " + (HIRING if i % 100 == 0 else "nothing to see here") for i in range(1200)]
    ads = ads_of(org_a, *bodies)
    assert scan_ads(org_a, ads) == 12
    assert scan_ads(org_a, ads) == 0


def test_watch_scan_command(org_a):
    from io import StringIO

    from django.core.management import CommandError, call_command

    make_list(org_a, "Golden Star Models")
    ads_of(org_a, HIRING)
    out = StringIO()
    call_command("watch_scan", "--org", org_a.slug, stdout=out)
    assert out.getvalue().strip() == "watch_scan: 1 new alert(s) for org-a"
    with pytest.raises(CommandError, match="no organisation"):
        call_command("watch_scan", "--org", "nope")
