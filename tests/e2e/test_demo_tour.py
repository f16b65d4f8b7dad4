"""The README tour on the real demo world: log in as the demo analyst with the printed password,
search a demo phone written the way people write it, and see its ads across cities."""

from __future__ import annotations

import phonenumbers
import pytest
from django.db.models import Count

from tipwatch.web.ads.models import Ad, Entity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_analyst_finds_a_phone_across_cities(live_server, page, demo):
    # the phone shared by the most ads in the most cities: an operation on the move
    phone = (
        Entity.objects.filter(type="phone")
        .annotate(n_cities=Count("mentions__ad__city", distinct=True))
        .order_by("-n_cities", "-ad_count")
        .first()
    )
    cities = set(Ad.objects.filter(mentions__entity=phone).exclude(city="").values_list("city", flat=True))
    assert len(cities) >= 2
    written = phonenumbers.format_number(
        phonenumbers.parse(phone.value), phonenumbers.PhoneNumberFormat.NATIONAL
    )

    analyst = demo["analyst"]
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", analyst["username"])
    page.fill("#id_password", analyst["password"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # search as written nationally, e.g. "(929) 272-7898" or "8 (916) 123-45-67"; the search
    # falls back to the organisation's default region, so use the international form for others
    query = (
        written
        if phone.value.startswith("+1")
        else phonenumbers.format_number(
            phonenumbers.parse(phone.value), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    )
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_url(f"{live_server.url}/entities/{phone.pk}/")
    shown = set(page.locator("table.cities tbody tr td:first-child").all_inner_texts())
    assert len(shown & cities) >= 2
    assert page.locator("table.ads tbody tr").count() >= 2
