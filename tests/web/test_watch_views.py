"""Watch pages: roles, organisation scoping, bulk terms, the alerts inbox (htmx), the names check."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tipwatch.web.ads.models import Ad
from tipwatch.web.audit.models import AuditEvent
from tipwatch.web.watch import services
from tipwatch.web.watch.highlight import alert_snippet
from tipwatch.web.watch.models import Alert, Watchlist, WatchTerm
from tipwatch.web.watch.services import add_terms, scan_ads
from web.factories import PASSWORD, item, make_user, store

pytestmark = pytest.mark.django_db

HIRING = "g0lden st@r m0dels is hiring <b>now</b>"


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.clear_cache()


@pytest.fixture
def watched(org_a):
    """Org A watches "Golden Star Models"; one ad matches it, obfuscated."""
    wl = Watchlist.objects.create(organisation=org_a, name="Agencies")
    add_terms(wl, "Golden Star Models\nnew born sex")
    store(org_a, [item("h1", HIRING, title="Hiring")])
    scan_ads(org_a, Ad.objects.for_org(org_a))
    return wl


def _client_for(client, django_user_model, org, role):
    user = make_user(django_user_model, org, role, username=f"{role}-x-{org.slug}")
    assert client.login(username=user.username, password=PASSWORD)
    return client


URLS = [
    ("watch:watchlist_list", ()),
    ("watch:alert_list", ()),
    ("watch:check_names", ()),
]


@pytest.mark.parametrize("role", ["caseworker", "hotline_operator"])
def test_other_roles_are_refused(client, django_user_model, org_a, watched, role):
    c = _client_for(client, django_user_model, org_a, role)
    for name, args in URLS:
        assert c.get(reverse(name, args=args)).status_code == 403
    assert c.get(reverse("watch:watchlist_detail", args=[watched.pk])).status_code == 403
    alert = Alert.objects.get()
    assert c.post(reverse("watch:alert_status", args=[alert.pk]), {"status": "seen"}).status_code == 403
    assert Alert.objects.get().status == "new"


@pytest.mark.parametrize("role", ["analyst", "investigator", "org_admin"])
def test_watch_roles_see_the_pages(client, django_user_model, org_a, watched, role):
    c = _client_for(client, django_user_model, org_a, role)
    for name, args in URLS:
        assert c.get(reverse(name, args=args)).status_code == 200


def test_anonymous_goes_to_login(client, watched):
    response = client.get(reverse("watch:alert_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_create_edit_watchlist(client_a, org_a):
    response = client_a.post(
        reverse("watch:watchlist_list"), {"name": "Recruiters", "description": "from tip 4", "active": "on"}
    )
    wl = Watchlist.objects.for_org(org_a).get(name="Recruiters")
    assert response.status_code == 302 and response["Location"] == reverse(
        "watch:watchlist_detail", args=[wl.pk]
    )
    assert wl.created_by.username == "analyst-org-a"
    dup = client_a.post(reverse("watch:watchlist_list"), {"name": "recruiters"})
    assert dup.status_code == 200 and "exists" in dup.content.decode()
    client_a.post(reverse("watch:watchlist_detail", args=[wl.pk]), {"name": "Recruiters", "description": ""})
    wl.refresh_from_db()
    assert wl.active is False
    assert AuditEvent.objects.filter(action="watch.watchlist.edit", object_id=str(wl.pk)).exists()


def test_bulk_paste_and_remove_terms(client_a, org_a):
    wl = Watchlist.objects.create(organisation=org_a, name="Handles")
    url = reverse("watch:terms_add", args=[wl.pk])
    response = client_a.post(
        url,
        {"terms": "@goldenstar_jobs\r\nEuroJobs Agency\r\n\r\n???\r\n@goldenstar_jobs", "note": "tip 9"},
        follow=True,
    )
    assert sorted(wl.terms.values_list("term", flat=True)) == ["@goldenstar_jobs", "EuroJobs Agency"]
    text = response.content.decode()
    assert "2 term(s) added, 1 already listed." in text
    assert "Line 4 not added" in text
    term = WatchTerm.objects.get(term="EuroJobs Agency")
    removed = client_a.post(reverse("watch:term_remove", args=[wl.pk, term.pk]), HTTP_HX_REQUEST="true")
    assert removed.status_code == 200 and removed.content == b""
    assert not WatchTerm.objects.filter(pk=term.pk).exists()
    assert client_a.get(reverse("watch:term_remove", args=[wl.pk, term.pk])).status_code == 405


def test_inbox_highlights_match_and_kind_and_audits(client_a, org_a, watched):
    response = client_a.get(reverse("watch:alert_list"))
    text = response.content.decode()
    assert (
        '<mark class="watch-hit watch-folded" title="Golden Star Models · obfuscated">g0lden st@r m0dels</mark>'
        " is hiring &lt;b&gt;now&lt;/b&gt;"
    ) in text
    assert "<b>now</b>" not in text
    assert '<span class="kind kind-folded">obfuscated</span>' in text
    alert = Alert.objects.get()
    event = AuditEvent.objects.filter(action="watch.alerts.view").latest("seq")
    assert event.detail["alerts"] == [alert.pk]
    assert event.organisation_id == org_a.pk


def test_inbox_filters_and_htmx_partial(client_a, org_a, watched):
    url = reverse("watch:alert_list")
    assert len(client_a.get(url, {"match_kind": "folded"}).context["page"]) == 1
    assert len(client_a.get(url, {"match_kind": "exact"}).context["page"]) == 0
    assert len(client_a.get(url, {"source_kind": "username"}).context["page"]) == 0
    assert len(client_a.get(url, {"watchlist": watched.pk}).context["page"]) == 1
    Alert.objects.update(status="dismissed")
    assert len(client_a.get(url).context["page"]) == 0  # open alerts by default
    assert len(client_a.get(url, {"status": "dismissed"}).context["page"]) == 1
    assert len(client_a.get(url, {"status": "all"}).context["page"]) == 1
    partial = client_a.get(url, {"status": "all"}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="alert-results">') and "<html" not in partial


def test_status_change_with_htmx_and_without(client_a, org_a, watched):
    alert = Alert.objects.get()
    url = reverse("watch:alert_status", args=[alert.pk])
    row = client_a.post(
        url, {"status": "escalated", "next": "/watch/alerts/"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert row.startswith(f'<tr id="alert-{alert.pk}"')
    assert 'alert-status-escalated">escalated<' in row
    assert Alert.objects.get().status == "escalated"
    event = AuditEvent.objects.filter(action="watch.alert.status").latest("seq")
    assert event.detail == {"old": "new", "new": "escalated"}
    plain = client_a.post(url, {"status": "seen", "next": "/watch/alerts/?status=all"})
    assert plain.status_code == 302 and plain["Location"] == "/watch/alerts/?status=all"
    evil = client_a.post(url, {"status": "seen", "next": "https://evil.example/"})
    assert evil["Location"] == reverse("watch:alert_list")
    assert client_a.post(url, {"status": "deleted"}).status_code == 400
    assert client_a.get(url).status_code == 405


def test_other_organisation_sees_nothing(client, django_user_model, org_a, org_b, watched):
    c = _client_for(client, django_user_model, org_b, "analyst")
    alert = Alert.objects.get()
    assert c.get(reverse("watch:watchlist_detail", args=[watched.pk])).status_code == 404
    assert c.post(reverse("watch:terms_add", args=[watched.pk]), {"terms": "x"}).status_code == 404
    term = watched.terms.first()
    assert c.post(reverse("watch:term_remove", args=[watched.pk, term.pk])).status_code == 404
    assert c.post(reverse("watch:alert_status", args=[alert.pk]), {"status": "dismissed"}).status_code == 404
    assert c.get(reverse("watch:alert_list")).context["page"].paginator.count == 0
    assert list(c.get(reverse("watch:watchlist_list")).context["lists"]) == []
    assert Alert.objects.get().status == "new"


def test_check_names_paste_and_upload(client_a, org_a, watched):
    url = reverse("watch:check_names")
    response = client_a.post(url, {"kind": "username", "names": "newbornsecks\r\nquiet_dave\r\n"})
    text = response.content.decode()
    assert "2 names checked" in text and "1 match" in text
    assert (
        '<mark class="watch-hit watch-phonetic" title="new born sex · phonetic">newbornsecks</mark>' in text
    )
    upload = SimpleUploadedFile(
        "names.txt", "\ufeffg0ldenstarm0dels\nnobody\n".encode(), content_type="text/plain"
    )
    response = client_a.post(url, {"kind": "channel", "names": "", "upload": upload})
    alerts = response.context["alerts"]
    assert [(a.subject, a.source_kind) for a in alerts] == [("g0ldenstarm0dels", "channel")]
    assert Alert.objects.filter(ad__isnull=True).count() == 2


def test_check_names_form_errors(client_a, watched):
    url = reverse("watch:check_names")
    assert (
        "Paste or upload at least one name."
        in client_a.post(url, {"kind": "username", "names": " \n "}).content.decode()
    )
    bad = SimpleUploadedFile("names.txt", b"\xff\xfe\x00bad", content_type="text/plain")
    assert "not UTF-8" in client_a.post(url, {"kind": "username", "upload": bad}).content.decode()
    assert (
        "Line 2 is longer than 300"
        in client_a.post(url, {"kind": "username", "names": "ok\n" + "a" * 301}).content.decode()
    )
    assert Alert.objects.filter(ad__isnull=True).count() == 0


def test_scan_existing_ads_button(client_a, org_a):
    wl = Watchlist.objects.create(organisation=org_a, name="Later")
    store(org_a, [item("s1", HIRING)])
    add_terms(wl, "Golden Star Models")
    response = client_a.post(reverse("watch:watchlist_scan", args=[wl.pk]), follow=True)
    assert "1 ad(s) scanned, 1 new alert(s)." in response.content.decode()
    assert Alert.objects.for_org(org_a).count() == 1


def test_snippet_cuts_context_escapes_and_distrusts_offsets():
    text = "x" * 100 + "<i>Golden</i>" + "y" * 100
    html = alert_snippet(text, 100, 113, "<i>Golden</i>", "exact", "t")
    assert html.startswith(
        "…" + "x" * 80 + '<mark class="watch-hit watch-exact" title="t">&lt;i&gt;Golden&lt;/i&gt;</mark>'
    )
    assert html.endswith("y" * 80 + "…")
    assert (
        alert_snippet("short", 0, 5, "other", "folded", "t")
        == '<mark class="watch-hit watch-folded" title="t">other</mark>'
    )
    assert 'class="watch-hit watch-other"' in alert_snippet("abc", 0, 1, "a", 'x" onclick="', "t")


@pytest.mark.parametrize(
    ("lang", "phrase"), [("en", "new alerts"), ("es", "alertas nuevas"), ("ru", "новые оповещения")]
)
def test_alert_counts_are_whole_translated_phrases(client_a, watched, settings, lang, phrase):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    html = client_a.get(reverse("watch:watchlist_detail", args=[watched.pk])).content.decode()
    assert phrase in html
