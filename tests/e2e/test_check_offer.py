"""End to end: the public "Check a job offer" page in a real browser, signed out."""

from __future__ import annotations

import pytest
from django.apps import apps

from tipwatch.web.audit.models import AuditEvent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DECEPTIVE = (
    "Waitress in Italy, no experience, 3000 EUR/month, visa and tickets paid, "
    "send photos on WhatsApp, urgent departure"
)
ORDINARY = (
    "Green Leaf Bistro Ltd, 14 Market Street, Leeds LS1 6DT, is hiring a kitchen assistant. "
    "Part-time, 20 hours a week, 11.50 GBP per hour, paid monthly by bank transfer. "
    "Food hygiene certificate preferred. Send your CV to jobs@greenleafbistro.co.uk or call 0113 496 0123."
)


def _watch(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def _check(page, text: str) -> None:
    page.fill("#id_text", text)
    page.click(".check-form button[type=submit]")
    page.wait_for_selector("#result")


def test_deceptive_offer_is_flagged_with_explanations(live_server, page):
    errors = _watch(page)
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    page.goto(f"{live_server.url}/check/")
    assert "/accounts/login/" not in page.url
    assert page.locator("h1").inner_text() == "Check a job offer"
    _check(page, DECEPTIVE)
    result = page.locator("#result")
    assert int(result.get_attribute("data-warnings")) >= 3
    signs = page.locator("li.sign")
    ids = {signs.nth(i).get_attribute("data-indicator") for i in range(signs.count())}
    assert {"recruit.visa_travel_paid", "recruit.send_photos", "recruit.urgent_departure"} <= ids
    urgent = page.locator('li.sign[data-indicator="recruit.urgent_departure"]')
    assert "leave very soon" in urgent.locator(".why").inner_text()
    assert "Take your time" in urgent.locator(".advice").inner_text()
    assert urgent.locator(".matched mark.ind").inner_text().lower() == "urgent departure"
    marks = page.locator(".offer-text mark.ind")
    assert marks.count() >= 3 and marks.first.is_visible()
    assert "visa and tickets paid" in page.locator(".offer-text").inner_text()
    assert page.locator(".advice-general li").count() >= 5
    assert page.locator(".hotlines .hotline-country").count() >= 2
    assert "Nothing you pasted was stored" in result.inner_text()
    # No "send to the tipline" control yet: the only forms are the check form and the language one.
    assert page.locator("form").count() == 2
    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == counts
    assert AuditEvent.objects.count() == 0
    assert errors == []


def test_ordinary_offer_shows_no_warning(live_server, page):
    errors = _watch(page)
    page.goto(f"{live_server.url}/check/")
    _check(page, ORDINARY)
    assert page.locator("#result").get_attribute("data-warnings") == "0"
    assert page.locator("#result h2").inner_text() == "No warning signs found"
    assert page.locator("li.sign").count() == 0
    assert page.locator(".offer-text mark").count() == 0
    assert errors == []


def test_switching_to_spanish_shows_spanish_ui_and_advice(live_server, page):
    errors = _watch(page)
    page.goto(f"{live_server.url}/check/")
    page.click('nav.langs a[hreflang="es"]')
    page.wait_for_url("**/check/?lang=es")
    assert page.locator("h1").inner_text() == "Comprueba una oferta de trabajo"
    assert page.locator("html").get_attribute("lang") == "es"
    _check(page, DECEPTIVE)
    assert page.locator("h1").inner_text() == "Comprueba una oferta de trabajo"
    assert "señales de alarma" in page.locator("#result h2").inner_text()
    urgent = page.locator('li.sign[data-indicator="recruit.urgent_departure"]')
    assert urgent.locator("h3").inner_text() == "Prisa por salir"
    assert "Tómate tu tiempo" in urgent.locator(".advice").inner_text()
    assert "Antes de aceptar un trabajo en el extranjero" in page.locator(".advice-general h2").inner_text()
    assert page.locator('.hotline-country[data-country="ES"]').is_visible()
    # The footer's language switcher works too, and the choice sticks (cookie).
    page.select_option("#language", "ro")
    page.click("footer form.lang button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/check/")
    assert page.locator("h1").inner_text() == "Verifică o ofertă de muncă"
    assert errors == []
