"""End to end: sign in, search a phone as people write it, follow it across cities, open an ad."""

from __future__ import annotations

import pytest

from tipwatch.web.accounts.models import Membership, Organisation
from tipwatch.web.ads.models import Entity
from web.factories import PHONE, world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e password that is long enough"


@pytest.fixture
def analyst_world(django_user_model, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org = Organisation.objects.create(name="E2E Unit", slug="e2e-unit", country="US", default_region="US")
    user = django_user_model.objects.create_user("e2e-analyst", password=PASSWORD)
    Membership.objects.create(user=user, organisation=org, role="analyst")
    world(org)
    return org


def test_analyst_searches_phone_and_follows_it(live_server, page, analyst_world):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "e2e-analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Dashboard"

    page.fill("#q", "(929) 555-0147")
    page.press("#q", "Enter")
    phone = Entity.objects.get(value=PHONE)
    page.wait_for_url(f"{live_server.url}/entities/{phone.pk}/")
    assert PHONE in page.locator("h1").inner_text()
    cities = page.locator("table.cities tbody tr td:first-child").all_inner_texts()
    assert {"Boston", "Chicago"} <= set(cities)
    assert page.locator("table.ads tbody tr").count() == 3
    # The timeline chart was drawn by the vendored Chart.js.
    page.wait_for_function("window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))")

    page.locator("table.ads tbody tr a").first.click()
    page.wait_for_url("**/ads/*/")
    mark = page.locator("mark.ent-phone").first
    assert mark.is_visible()
    assert mark.get_attribute("title") == f"phone {PHONE}"
    assert page.locator("table.entities tbody tr").count() >= 1
    assert errors == []


def test_ads_list_filters_with_htmx(live_server, page, analyst_world):
    page.goto(f"{live_server.url}/accounts/login/?next=/ads/")
    page.fill("#id_username", "e2e-analyst")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/ads/")
    assert page.locator("table.ads tbody tr").count() == 4
    page.select_option("select[name=city]", "Chicago")
    # htmx swaps the table in place and pushes the filter into the address bar.
    page.wait_for_url("**/ads/?*city=Chicago*")
    page.wait_for_function("document.querySelectorAll('table.ads tbody tr').length === 2")
    assert page.locator("h1").inner_text() == "Ads"
