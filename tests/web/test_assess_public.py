"""The public "Check a job offer" page: no login, nothing stored, nothing logged, CSRF, limits, languages."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tipwatch.engine.indicators import load_catalogue
from tipwatch.web.assess import public
from tipwatch.web.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

DECEPTIVE = (
    "Waitress in Italy, no experience, 3000 EUR/month, visa and tickets paid, "
    "send photos on WhatsApp, urgent departure"
)
ORDINARY = (
    "Green Leaf Bistro Ltd, 14 Market Street, Leeds LS1 6DT, is hiring a kitchen assistant. "
    "Part-time, 20 hours a week, 11.50 GBP per hour, paid monthly by bank transfer. "
    "Food hygiene certificate preferred. Send your CV to jobs@greenleafbistro.co.uk or call 0113 496 0123."
)
EXPECTED_SIGNS = {"recruit.visa_travel_paid", "recruit.send_photos", "recruit.urgent_departure"}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _post(client, text, lang=None, **extra):
    data = {"text": text}
    if lang:
        data["lang"] = lang
    return client.post(reverse("check_offer"), data, **extra)


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_get_needs_no_login_and_has_a_csrf_protected_form(client):
    response = client.get(reverse("check_offer"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html and 'maxlength="20000"' in html
    assert "Nothing you paste is stored" in html
    assert "no-store" in response["Cache-Control"]
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("check_offer"), {"text": DECEPTIVE}).status_code == 403


def test_deceptive_offer_shows_warning_signs_with_reasons_and_advice(client):
    response = _post(client, DECEPTIVE)
    assert response.status_code == 200
    result = response.context["result"]
    ids = {s.id for s in result.signs}
    assert EXPECTED_SIGNS <= ids
    catalogue = load_catalogue()
    for sign in result.signs:
        assert catalogue.indicator(sign.id).public
        assert sign.why and sign.advice and sign.name
    html = response.content.decode()
    assert 'data-warnings="' in html and 'data-warnings="0"' not in html
    assert '<mark class="ind"' in html
    assert "Keep your passport and ID with you" in html  # general safe-travel advice
    assert "Before you accept a job abroad" in html
    assert "National Human Trafficking Hotline" in html and "If a number does not work" in html
    assert "Nothing you pasted was stored" in html
    assert "tipline" not in html.lower().replace("tipwatch", "")  # no "send to the tipline" yet


def test_ordinary_offer_shows_no_warning(client):
    response = _post(client, ORDINARY)
    assert response.context["result"].signs == []
    html = response.content.decode()
    assert 'data-warnings="0"' in html and "No warning signs found" in html
    assert '<mark class="ind"' not in html


def test_the_page_stores_nothing_and_audits_nothing(client, org_a, world_a):
    before = _row_counts()
    audit_before = AuditEvent.objects.count()
    client.get(reverse("check_offer"))
    _post(client, DECEPTIVE)
    _post(client, ORDINARY, lang="es")
    _post(client, "x" * 20_001)
    assert _row_counts() == before
    assert AuditEvent.objects.count() == audit_before
    assert "sessionid" not in client.cookies


def test_the_text_never_reaches_the_logs(client, settings):
    marker = "Zanzibar-Quokka-7731 visa and tickets paid, urgent departure"
    records: list[str] = []

    class Grab(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))
            records.append(repr(record.__dict__))

    handler = Grab(level=logging.DEBUG)
    names = ["", "django", "django.request", "django.server", "django.security", "tipwatch"]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    settings.TIPWATCH_CHECK_RATE_LIMIT = 2
    try:
        _post(client, marker)
        _post(client, marker + " " + "y" * 20_000)  # too long
        _post(client, marker)
        assert _post(client, marker).status_code == 429  # rate-limited: Django logs a warning
        Client(enforce_csrf_checks=True).post(reverse("check_offer"), {"text": marker})  # 403, logged
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
    assert records, "the 429 and 403 responses are logged, so the handler saw something"
    leaked = [r for r in records if "Zanzibar" in r]
    assert not leaked, leaked[:1]


def test_text_limits(client):
    response = _post(client, "   ")
    assert "Paste the text of a job offer first." in response.content.decode()
    assert response.context["result"] is None
    response = _post(client, "a" * 20_001)
    assert "at most 20,000 characters" in response.content.decode()
    assert response.context["result"] is None
    assert _post(client, "a " * 10_000).context["result"] is not None  # exactly 20,000 is fine


def test_rate_limit_per_client(client, settings):
    settings.TIPWATCH_CHECK_RATE_LIMIT = 3
    assert [_post(client, ORDINARY).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = _post(client, ORDINARY)
    assert limited.context["result"] is None and "wait a few minutes" in limited.content.decode()
    other = _post(client, ORDINARY, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200
    assert client.get(reverse("check_offer")).status_code == 200  # reading the page is never limited


@pytest.mark.parametrize(
    ("lang", "title", "advice_word"),
    [
        ("es", "Comprueba una oferta de trabajo", "Tómate tu tiempo"),
        ("fr", "Vérifier une offre d'emploi", "Prenez votre temps"),
        ("ru", "Проверить вакансию", "Не спешите"),
        ("ro", "Verifică o ofertă de muncă", "Nu vă grăbiți"),
    ],
)
def test_languages_translate_ui_signs_and_advice(client, lang, title, advice_word):
    response = client.get(reverse("check_offer"), {"lang": lang})
    assert response["Content-Language"] == lang
    assert f"<h1>{title}</h1>" in response.content.decode()
    assert f'<html lang="{lang}">' in response.content.decode()
    result = _post(client, DECEPTIVE, lang=lang)
    html = result.content.decode()
    assert f"<h1>{title}</h1>" in html
    urgent = next(s for s in result.context["result"].signs if s.id == "recruit.urgent_departure")
    texts = public.warning_sign_texts()["recruit.urgent_departure"]
    assert urgent.name == texts["name"][lang] and urgent.why == texts["why"][lang]
    assert urgent.advice == load_catalogue().indicator("recruit.urgent_departure").advice[lang]
    assert advice_word in html


def test_unknown_lang_falls_back_and_language_cookie_is_honoured(client, settings):
    assert client.get(reverse("check_offer"), {"lang": "xx"})["Content-Language"] == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Vérifier une offre d'emploi" in client.get(reverse("check_offer")).content.decode()


def test_every_public_indicator_has_plain_texts_in_every_advice_language():
    catalogue = load_catalogue()
    texts = public.warning_sign_texts()
    public_ids = {i.id for i in catalogue.indicators if i.public}
    assert public_ids <= set(texts), f"missing in warning_signs.yaml: {sorted(public_ids - set(texts))}"
    assert set(texts) <= {i.id for i in catalogue.indicators}, "an entry names no catalogue indicator"
    for ind_id, entry in texts.items():
        for lang in catalogue.advice_languages:
            assert entry["name"].get(lang, "").strip(), f"{ind_id}: no name in {lang}"
            assert entry["why"].get(lang, "").strip(), f"{ind_id}: no reason in {lang}"


def test_hotlines_file_is_complete():
    first, rest, note = public.hotlines("ro")
    assert [b["code"] for b in first] == ["INT", "RO", "MD"]
    assert "verify" in note.lower()
    for block in first + rest:
        assert block["name"] and block["hotlines"]
        for h in block["hotlines"]:
            assert h["name"] and (h.get("phone") or h.get("url"))
            assert h["source"].startswith("https://")
    codes_en = [b["code"] for b in public.hotlines("en")[0]]
    assert codes_en[0] == "INT" and "US" in codes_en
    assert public.hotlines("pt")[0] == public.hotlines("en")[0]  # no list of its own: English's


def test_check_offer_marks_spans_and_escapes():
    result = public.check_offer("<b>Urgent departure!</b> visa and tickets paid", "en")
    assert "&lt;b&gt;" in result.html and "<b>" not in result.html
    assert '<mark class="ind"' in result.html
    assert all(s.id in public.warning_sign_texts() for s in result.signs)


def test_hostile_input_is_fast():
    import time

    for text in ("1 " * 10_000, "a" * 19_999 + "@", "@" * 20_000, "visa and tickets paid " * 900):
        start = time.perf_counter()
        public.check_offer(text[: public.MAX_CHARS], "en")
        assert time.perf_counter() - start < 2.0
