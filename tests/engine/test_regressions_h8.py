"""Regression tests for the lead's evaluation findings (prices, ages, emails, phones, payments)
and for the speed-ups that must not change results (language id, normalisation)."""

from __future__ import annotations

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.extract.ages import find_ages
from tipwatch.engine.extract.emails import find_emails
from tipwatch.engine.extract.payments import find_payments
from tipwatch.engine.extract.prices import find_prices
from tipwatch.engine.text import normalise


def found(body: str, kind: str, country: str | None = None) -> list[str]:
    ad = ad_from_dict({"id": "r", "body": body, **({"country": country} if country else {})})
    return [e.value for e in extract_ad(ad).entities if e.type == kind]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("950 EUR/mese", "IT", ("950", "EUR", "month")),
        ("280 roses/hour", None, ("280", "USD", "hour")),
        ("250 USD/hour", "US", ("250", "USD", "hour")),
        ("1800 CAD/night", "CA", ("1800", "CAD", "night")),
        ("16500 reais/mês", "BR", ("16500", "BRL", "month")),
        ("3000 руб/полчаса", "RU", ("3000", "RUB", "half_hour")),
        ("400 GBP/night", "GB", ("400", "GBP", "night")),
        ("400 GBP/half hour", "GB", ("400", "GBP", "half_hour")),
        ("$300/h", "CA", ("300", "CAD", "hour")),
        ("$300/h", "MX", ("300", "MXN", "hour")),
    ],
)
def test_currency_slash_unit(text, region, expected):
    assert [(v, a["currency"], a["unit"]) for _s, _e, v, a in find_prices(text, region)] == [expected]


def test_rouble_word_in_latin_text_is_not_folded_to_digits():
    # "руб" among Latin words used to fold to "py6" (TR39 look-alikes) and the price was lost
    assert normalise("Only full service, 21500 руб/h").text == "Only full service, 21500 руб/h"
    assert found("Only full service, 21500 руб/h. 6500 руб deposit", "price", "RU") == ["21500", "6500"]
    assert normalise("hot ѕех tonight in town").text == "hot sex tonight in town"  # still folded


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Liza, age 33: ready to move", "33"),
        ("Independent Ruby, age 36 - Edmonton", "36"),
        ("Hi, I'm 31", "31"),
        ("ich bin 43", "43"),
        ("Nikki (21 Jahre alt) und", "21"),
        ("Candy, douăzeci și unu de ani, blondă", "21"),
        ("Candy douăzeci și cinci de ani 💎", "25"),
        ("Kayla douăzeci de ani, doar", "20"),
        ("Candy, einundzwanzig Jahre.", "21"),
        ("Nastya sechsundzwanzig Jahre", "26"),
        ("Martina, ventiquattro anni, a Roma", "24"),
    ],
)
def test_age_misses(text, value):
    assert [v for _s, _e, v in find_ages(text)] == [value]


@pytest.mark.parametrize("text", ["I'm 34-24-36", "available 24/7", "open 19:00", "age 20 / 5'6"])
def test_age_guards_still_hold(text):
    assert list(find_ages(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "650 la noche. No tengo prisa",
        "100 EUR la hora. tel 600 000 000",
        "euro la noche. No",
        "140 la demi-heure. Je suis",
        "12345 la gmail dot com",
        "jane la site.ro",
    ],
)
def test_common_word_as_at_needs_strong_evidence(text):
    assert list(find_emails(text)) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("jane la gmail dot com", "jane@gmail.com"),
        ("maria la yahoo punct com", "maria@yahoo.com"),
        ("jane at site [.] com", "jane@site.com"),
        ("jane at gmail.com", "jane@gmail.com"),
    ],
)
def test_at_words_with_evidence_still_read(text, value):
    assert [v for _s, _e, v, _o in find_emails(text)] == [value]


def test_price_after_la_is_not_an_email():
    assert found("Tarifa: 700 euro la noche. No respondo a números ocultos", "email", "ES") == []
    assert "700" in found("Tarifa: 700 euro la noche. No respondo a números ocultos", "price", "ES")


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Ref. nr 2023-000123-4567 for your application", None),
        ("Ref. nr 2023-000123-4567 for your application", "US"),
        ("see 2023-000123-4567 please", None),
        ("invoice 2023 000123", "US"),
        ("IBAN DE89 3704 0044 0532 0130 00", "DE"),
        ("IBAN DE89 3704 0044 0532 0130 00", None),
        ("open 10:00 - 23:00. 220…", "GB"),
        ("daily 18:00 - 23:00.. 22055512345", "RU"),
    ],
)
def test_ids_are_not_phones(text, country):
    assert found(text, "phone", country) == []


@pytest.mark.parametrize(
    ("text", "country", "value"),
    [
        ("ВОСЕМЬ ДЕВЯТЬ4ТРИ'37ВОСЕМЬ-ВОСЕМЬЧЕТЫРЕ-5ШЕСТЬ", "RU", "+79433788456"),
        ("+7 99НОЛЬ 765'СЕМЬ7-20", "RU", "+79907657720"),
        ("call 929-272-7898 now", None, "+19292727898"),
    ],
)
def test_glued_cyrillic_number_words(text, country, value):
    assert found(text, "phone", country) == [value]


def test_mixed_script_word_folds_to_latin():
    # the Cyrillic О inside a Latin word is folded, so the Italian number words read
    assert normalise("+49 UNОCINQUE 9SEI").text == "+49 UNOCINQUE 9SEI"
    # digits glued to a word of the text's own script stay as written
    assert normalise("ДЕВЯТЬ 37ВОСЕМЬ").text == "ДЕВЯТЬ 37ВОСЕМЬ"


@pytest.mark.parametrize("text", ["call +4915093982119 now", "call + 4915093982119", "tel 004915093982119"])
def test_luhn_valid_phone_is_not_a_card(text):
    assert [p for p in find_payments(text) if p[2] == "card"] == []


def test_plus_phone_is_a_phone_not_a_payment():
    ad = ad_from_dict({"id": "r", "body": "WhatsApp +4915093982119"})
    assert [(e.type, e.value) for e in extract_ad(ad).entities] == [("phone", "+4915093982119")]


def test_real_card_still_found():
    assert [p[3] for p in find_payments("card 4111 1111 1111 1111")] == ["411111******1111"]


def test_vectorised_language_model_agrees_with_py3langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from tipwatch.demo import generate
    from tipwatch.engine.extract.language import LANGUAGES, _model

    ident = LanguageIdentifier.from_model_file(MODEL_FILE)
    ident.set_languages(list(LANGUAGES))
    model = _model()
    texts = [f"{a.get('title') or ''} {a['body']}"[:200] for a, _t in generate(5, 300)]
    texts += ["ПРИВЕТ ВСЕМ КАК ДЕЛА У ВАС", "Dit is een advertentie voor een baan in Amsterdam"]
    assert [model.classify(t) for t in texts] == [ident.classify(t)[0] for t in texts]


def test_known_model_depth_matches_the_measured_one(monkeypatch):
    import tipwatch.engine.extract.language as language

    shortcut = language._model().depth
    monkeypatch.setattr(language, "_KNOWN_MODEL", (0, 0))
    assert language._Model().depth == shortcut


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Привіт, я нова в місті, дзвони мені будь ласка", "uk"),
        ("Приветы, я новенькая в городе, звоните мне сегодня", "ru"),
        ("Γεια σας, είμαι καινούργια στην πόλη, τηλεφωνήστε μου", "el"),
    ],
)
def test_script_shortcut(text, lang):
    from tipwatch.engine.extract.language import _by_script, detect_language

    assert _by_script(text) == lang
    assert detect_language(text) == lang
