"""Recall of natural phrasing in every language, and precision on honest ads.

The sentences are written for these tests (not taken from the demo generator): they use the
word orders, inflections and synonyms that real offers use, so a phrase list that only knows
one wording fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.indicators import assess_ad, assess_many

RECRUITMENT = [
    # (language, text, indicators that must fire)
    (
        "en",
        "Warehouse staff for Holland. Travel and visa paid, free room and board.",
        {"recruit.visa_travel_paid", "recruit.housing_provided"},
    ),
    (
        "en",
        "Hotel maid wanted. Passport copy by email, we keep your passport during the season.",
        {"recruit.passport_copy_upfront", "recruit.passport_held_by_employer"},
    ),
    (
        "es",
        "Recogida de fresa: vuelo pagado, alojamiento gratuito, no hace falta idioma.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "es",
        "Te adelantamos el billete y se descuenta del primer sueldo. Pocas plazas.",
        {"recruit.costs_deducted_from_wages", "recruit.urgent_departure"},
    ),
    (
        "fr",
        "Cueilleurs recherchés, logés et nourris, voyage pris en charge, débutantes acceptées.",
        {"recruit.housing_provided", "recruit.visa_travel_paid", "recruit.no_skills_needed"},
    ),
    (
        "fr",
        "Copie de votre passeport exigée, frais d'agence de 200 euros.",
        {"recruit.passport_copy_upfront", "recruit.upfront_fee"},
    ),
    (
        "ru",
        "Работа на складе в Чехии. Дорога за счет работодателя, жилье предоставляем, язык не нужен.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "ru",
        "Визу оформляем, паспорт хранится у нас до конца контракта.",
        {"recruit.documents_arranged", "recruit.passport_held_by_employer"},
    ),
    (
        "ro",
        "Căutăm culegători, transport și cazare asigurate, nu e nevoie de experiență.",
        {"recruit.visa_travel_paid", "recruit.no_skills_needed"},
    ),
    (
        "ro",
        "Păstrăm noi pașaportul, salariul la sfârșitul sezonului.",
        {"recruit.passport_held_by_employer", "recruit.wages_paid_later"},
    ),
    (
        "pt",
        "Vagas na construção: passagens pagas, hospedagem grátis, não precisa de idioma.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "pt",
        "Cópia do passaporte e taxa de cadastro antes da viagem.",
        {"recruit.passport_copy_upfront", "recruit.upfront_fee"},
    ),
    (
        "de",
        "Erntehelfer gesucht: Flug bezahlt, Kost und Logis frei, keine Erfahrung notwendig.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "de",
        "Wir verwahren deinen Pass, Vertrag wird vor Ort unterschrieben.",
        {"recruit.passport_held_by_employer", "recruit.contract_on_arrival"},
    ),
    (
        "it",
        "Raccolta pomodori: viaggio pagato, alloggio gratis, anche senza esperienza.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "it",
        "Copia del passaporto e quota d'iscrizione, posti limitati.",
        {"recruit.passport_copy_upfront", "recruit.upfront_fee", "recruit.urgent_departure"},
    ),
    (
        "pl",
        "Praca w Norwegii: przelot opłacony, darmowy nocleg, nie trzeba doświadczenia.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "pl",
        "Przechowujemy paszport, pierwsza wypłata po trzech miesiącach.",
        {"recruit.passport_held_by_employer", "recruit.wages_paid_later"},
    ),
    (
        "uk",
        "Робота в Чехії: дорога оплачена, житло надаємо, мова не потрібна.",
        {"recruit.visa_travel_paid", "recruit.housing_provided", "recruit.no_skills_needed"},
    ),
    (
        "uk",
        "Паспорт зберігається у нас, контракт підпишете на місці.",
        {"recruit.passport_held_by_employer", "recruit.contract_on_arrival"},
    ),
]

MARRIAGE = [
    (
        "en",
        "Meet beautiful Ukrainian women! Our brides dream of a western husband. Pay per letter.",
        {"marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "en",
        "International marriage agency: visa and marriage arranged, romance tours every season.",
        {"marriage.promise_abroad", "marriage.agency_brokered"},
    ),
    (
        "es",
        "Agencia matrimonial: cientos de novias rusas te esperan, cuota de presentación.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "fr",
        "Agence matrimoniale : rencontrez de belles femmes russes, paiement par lettre.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "ru",
        "Брачное агентство: наши невесты ждут, оплата за контакты.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "ro",
        "Agenție matrimonială: sute de mirese, taxă de prezentare.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "pt",
        "Agência de casamento: noivas russas, pagamento por carta.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "de",
        "Heiratsvermittlung: Lernen Sie eine unserer Bräute kennen, Gebühr für Kontaktdaten.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "it",
        "Agenzia matrimoniale: spose ucraine, pagamento per lettera.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "pl",
        "Biuro matrymonialne: poznaj piękne Ukrainki, opłata za kontakt.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
    (
        "uk",
        "Шлюбна агенція: українські наречені, оплата за контакти.",
        {"marriage.agency_brokered", "marriage.bride_catalogue", "marriage.bride_price"},
    ),
]

HONEST = [
    "Bakery in Leeds is hiring a shop assistant, full time, £11.50 an hour, apply at our shop on Park Road.",
    "Se busca camarero con experiencia para restaurante en Valencia, contrato indefinido, 1.300 € al mes.",
    "Nous recrutons un cuisinier à Lyon, CDI, 35 heures par semaine, envoyez votre CV.",
    "Требуется продавец в магазин, график 5/2, официальное трудоустройство, Казань.",
    "Angajăm ospătar în Cluj, contract de muncă, salariu 3.500 lei net.",
    "Contratamos recepcionista em Lisboa, contrato de trabalho, salário 900 € por mês.",
    "Wir suchen eine Verkäuferin in Teilzeit in Köln, 14 € pro Stunde, Bewerbung per E-Mail.",
    "Cercasi commessa part-time a Torino, contratto regolare, colloqui in negozio.",
    "Zatrudnimy kelnerkę w Krakowie, umowa o pracę, 30 zł za godzinę.",
    "Шукаємо продавчиню в магазин у Львові, офіційне працевлаштування.",
    "Room for rent near the station, bills included, deposit one month, no pets.",
    "Vendo seggiolino auto per bambino, ottime condizioni, ritiro a Milano.",
    "Vends siège bébé, très bon état, 40 euros.",
    "Carrinho de bebê à venda, pouco usado.",
    "2014 Opel Astra, minor scratches, new tyres, 4,500 EUR.",
    "Independent masseuse, adults only, no one under 18, by appointment.",
]


def _ad(text: str):
    return ad_from_dict({"id": "p", "body": text})


@pytest.mark.parametrize(
    ("lang", "text", "expected"), RECRUITMENT, ids=[f"{r[0]}-{i}" for i, r in enumerate(RECRUITMENT)]
)
def test_recruitment_phrasing_fires_in_every_language(lang, text, expected):
    a = assess_ad(_ad(text), kind="job_offer")
    fired = {f.id for f in a.indicators}
    assert expected <= fired, (lang, sorted(expected - fired))


@pytest.mark.parametrize(
    ("lang", "text", "expected"), MARRIAGE, ids=[f"{r[0]}-{i}" for i, r in enumerate(MARRIAGE)]
)
def test_marriage_agency_phrasing_fires_in_every_language(lang, text, expected):
    a = assess_ad(_ad(text))
    fired = {f.id for f in a.indicators}
    assert expected <= fired, (lang, sorted(expected - fired))


def test_the_tests_cover_all_ten_languages():
    assert {r[0] for r in RECRUITMENT} == {r[0] for r in MARRIAGE} | {"en"}
    assert len({r[0] for r in RECRUITMENT}) == 10


@pytest.mark.parametrize("text", HONEST)
def test_honest_job_offers_and_classifieds_stay_low(text):
    a = assess_ad(_ad(text))
    assert a.band == "low", [(f.id, f.matched) for f in a.indicators]
    assert not [f.id for f in a.indicators if f.id.startswith(("marriage.", "adoption.", "youth.minor"))]


def test_the_termmatch_benign_corpus_stays_low_with_the_whole_catalogue():
    # The obfuscation matcher's benign corpus (Scunthorpe, Essex, sextant, jobs, rentals, sales in
    # ten languages): the catalogue's phrases, variants included, must not lift any of it.
    data = Path(__file__).resolve().parents[1] / "termmatch" / "data"
    lines = [line for line in (data / "benign.txt").read_text("utf-8").splitlines() if line]
    assert len(lines) >= 1000
    results = assess_many(
        (ad_from_dict({"id": str(i), "body": line}), None, None) for i, line in enumerate(lines)
    )
    lifted = [(line, r.score) for line, r in zip(lines, results, strict=True) if r.band != "low"]
    assert lifted == []
