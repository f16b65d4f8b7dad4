"""End to end: an analyst watches an agency's name, an obfuscated ad raises an alert, a pasted username
matches a sound-alike term; the profile pages draw their charts."""

from __future__ import annotations

import pytest

from tipwatch.web.accounts.models import Membership, Organisation
from tipwatch.web.ads.models import Ad, Entity
from tipwatch.web.watch import services
from tipwatch.web.watch.models import Alert
from tipwatch.web.watch.services import scan_ads
from web.factories import PHONE, item, store, world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e password that is long enough"


@pytest.fixture
def analyst_org(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    services.clear_cache()
    org = Organisation.objects.create(name="Watch Unit", slug="watch-unit", country="US", default_region="US")
    user = django_user_model.objects.create_user("watch-analyst", password=PASSWORD)
    Membership.objects.create(user=user, organisation=org, role="analyst")
    return org


def _sign_in(page, base: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", "watch-analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_watchlist_alert_and_names_check(live_server, page, analyst_org):
    base = live_server.url
    errors = _watch_errors(page)
    _sign_in(page, base, "/watch/")

    page.fill("#new-watchlist input[name=name]", "Suspect agencies")
    page.click("#new-watchlist button[type=submit]")
    page.wait_for_url("**/watch/lists/*/")
    page.fill("#add-terms textarea[name=terms]", "Golden Star Models")
    page.click("#add-terms button[type=submit]")
    page.wait_for_selector("table.terms td.entity-value")
    assert page.locator("table.terms td.entity-value").all_inner_texts() == ["Golden Star Models"]

    # An ad is ingested and scanned, as the ingest pipeline does after each batch.
    store(analyst_org, [item("e1", "g0lden st@r m0dels is hiring", title="Jobs abroad")])
    assert scan_ads(analyst_org, Ad.objects.for_org(analyst_org)) == 1

    page.goto(f"{base}/watch/alerts/")
    mark = page.locator("tr.alert-row mark.watch-hit").first
    assert mark.inner_text() == "g0lden st@r m0dels"
    assert mark.get_attribute("title") == "Golden Star Models · obfuscated"
    assert page.locator("tr.alert-row .kind").first.inner_text() == "obfuscated"

    # Escalate with htmx: the row is swapped in place.
    alert = Alert.objects.get()
    page.click(f"#alert-{alert.pk} button[value=escalated]")
    page.wait_for_selector(f"#alert-{alert.pk} .alert-status-escalated")
    assert page.url == f"{base}/watch/alerts/"
    assert Alert.objects.get().status == "escalated"

    # Ad-hoc check of usernames against a sound-alike term.
    page.goto(f"{base}/watch/")
    page.click("text=Suspect agencies")
    page.fill("#add-terms textarea[name=terms]", "new born sex")
    page.click("#add-terms button[type=submit]")
    page.wait_for_selector("text=1 term(s) added")
    page.goto(f"{base}/watch/check/")
    page.select_option("#check-names select[name=kind]", "username")
    page.fill("#check-names textarea[name=names]", "quiet_dave\nnewbornsecks\n")
    page.click("#check-names button[type=submit]")
    hit = page.locator("#check-results mark.watch-hit")
    assert hit.count() == 1
    assert hit.inner_text() == "newbornsecks"
    assert hit.get_attribute("title") == "new born sex · phonetic"
    assert page.locator("#check-results .kind").inner_text() == "phonetic"
    assert errors == []


def test_profiles_draw_their_charts(live_server, page, analyst_org):
    base = live_server.url
    errors = _watch_errors(page)
    world(analyst_org)
    phone = Entity.objects.for_org(analyst_org).get(value=PHONE)
    _sign_in(page, base, f"/profiles/entity/{phone.pk}/")
    assert PHONE in page.locator("h1").inner_text()
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.querySelector('canvas[data-stacked=\"chart-cities\"]'))"
        " && Chart.getChart(document.querySelector('canvas[data-chart=\"chart-weekly\"]'))"
    )
    stacked = page.evaluate(
        "Chart.getChart(document.querySelector('canvas[data-stacked=\"chart-cities\"]')).data.datasets.map(d => d.label)"
    )
    assert stacked == ["Chicago", "Boston"]
    page.click("table.sites a >> nth=0")
    page.wait_for_url("**/profiles/sites/*/")
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=\"chart-weekly\"]'))"
    )
    assert page.locator("table.contacts tbody tr").count() >= 1
    assert errors == []
