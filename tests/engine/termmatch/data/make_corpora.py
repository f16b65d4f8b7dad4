"""Regenerate pairs.jsonl and benign.txt (deterministic; synthetic text only).

    .venv/bin/python tests/engine/termmatch/data/make_corpora.py

pairs.jsonl: every term of terms.tsv through a set of obfuscations (leetspeak, spacing, repeats,
homoglyphs, zero-width characters, typos, usernames, case and accents) inside a sentence of its
language, plus the hand-written pairs of hand_pairs.tsv (phonetic misspellings, handles).
benign.txt: ordinary ads and sentences from templates in eight languages, plus
hand_benign.txt (place names and words that contain or sound like sensitive terms).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent

SENTENCES = {
    "en": [
        "Looking for {x} tonight, call me",
        "New profile: {x} available 24/7",
        "room name: {x}",
        "Hot {x} in town, text now",
        "contact {x} on telegram",
        "{x}",
    ],
    "es": [
        "Busco {x} esta noche, llámame",
        "Nuevo anuncio: {x} disponible 24 horas",
        "sala: {x}",
        "{x} en Madrid, escribe por whatsapp",
    ],
    "fr": ["Nouvelle annonce : {x} disponible ce soir", "Contactez {x} par SMS", "salon : {x}"],
    "ru": ["Новое объявление: {x}, звоните", "Ищу {x} сегодня вечером", "канал: {x}"],
    "ro": ["Anunț nou: {x}, sunați acum", "Caut {x} în București", "cameră: {x}"],
    "pt": ["Anúncio novo: {x}, chama no zap", "Procuro {x} hoje à noite", "sala: {x}"],
    "de": ["Neue Anzeige: {x}, jetzt anrufen", "Suche {x} heute Abend", "Kanal: {x}"],
    "it": ["Nuovo annuncio: {x}, chiama ora", "Cerco {x} stasera", "stanza: {x}"],
}

LEET = {"e": "3", "o": "0", "a": "4", "i": "1", "s": "5", "t": "7"}
TO_CYR = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х"}
TO_LAT = {v: k for k, v in TO_CYR.items()}


def _latin(s: str) -> bool:
    return all(not c.isalpha() or ord(c) < 0x250 for c in s)


def _strip(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def leet(term: str) -> str | None:
    if not _latin(term):
        return None
    out, done = [], 0
    for c in term:
        if c.lower() in LEET and done < 2 and out and out[-1].isalpha():
            out.append(LEET[c.lower()])
            done += 1
        else:
            out.append(c)
    return "".join(out) if done else None


def spaced(term: str, k: int) -> str | None:
    if " " in term or not term.isalpha() or len(term) > 10:
        return None
    return ".- _"[k % 4].join(term)


def repeats(term: str) -> str | None:
    words = term.split()
    w = words[0]
    vowels = [i for i, c in enumerate(w) if c.lower() in "aeiouаеиоуы"]
    if not vowels:
        return None
    i = vowels[0]
    words[0] = w[:i] + w[i] * 3 + w[i + 1 :] + w[-1] * 2
    return " ".join(words)


def homoglyph(term: str) -> str | None:
    table = TO_CYR if _latin(term) else TO_LAT
    out, done = [], 0
    for c in term:
        if c in table and done < 2:
            out.append(table[c])
            done += 1
        else:
            out.append(c)
    return "".join(out) if done else None


def zero_width(term: str) -> str:
    return "".join(c + ("\u200b" if i % 2 else "\u200d") for i, c in enumerate(term[:-1])) + term[-1]


def typo(term: str) -> str | None:
    words = term.lstrip("@").replace("_", " ").split()
    # the longest word once repeated letters are squeezed (matching compares squeezed words)
    best = max(range(len(words)), key=lambda i: len(re.sub(r"(.)\1+", r"\1", words[i].lower())))
    w = words[best]
    if len(re.sub(r"(.)\1+", r"\1", w.lower())) < 5 or not w.isalpha():
        return None
    mid = len(w) // 2
    if len(re.sub(r"(.)\1+", r"\1", w.lower())) == 5:  # substitute: a deletion would leave four letters
        c = w[mid]
        words[best] = w[:mid] + ("b" if c != "b" else "d") + w[mid + 1 :]
    else:
        words[best] = w[:mid] + w[mid + 1 :]
    return " ".join(words)


def username(term: str, k: int) -> str:
    words = term.lstrip("@").replace("_", " ").split()
    if k % 3 == 0:
        return "hot" + "".join(words).lower() + "99"
    if k % 3 == 1:
        return "#" + "".join(words).lower()
    return "".join(w[:1].upper() + w[1:] for w in words)


def case_accents(term: str) -> str:
    s = _strip(term)
    return s.upper() if s != term else "".join(c.upper() if i % 2 else c for i, c in enumerate(term))


def make_pairs() -> list[dict[str, str]]:
    terms = [
        line.split("\t")
        for line in (HERE / "terms.tsv").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    pairs = []
    for k, (term, lang) in enumerate(terms):
        variants = [
            leet(term),
            spaced(term, k),
            repeats(term),
            homoglyph(term),
            zero_width(term),
            typo(term),
            username(term, k),
            case_accents(term),
        ]
        templates = SENTENCES[lang]
        for j, v in enumerate(variants):
            if v is None:
                continue
            tpl = templates[(k + j) % len(templates)]
            pairs.append({"term": term, "text": tpl.format(x=v), "lang": lang})
    for line in (HERE / "hand_pairs.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            term, text, lang = line.split("\t")
            pairs.append({"term": term, "text": text, "lang": lang})
    return pairs


BENIGN = {
    "en": (
        [
            "{job} wanted in {place}, full time, {price} per month",
            "Selling {item} in {place}, {price}, collection only",
            "{place} council is hiring a {job}; apply by Friday",
            "Used {item} for sale near {place}, good condition",
            "Our {job} team in {place} needs an assistant",
            "Room to let in {place}, {price} a week, bills included",
            "Weekend market in {place}: {item}, fruit and flowers",
            "Experienced {job} seeks work around {place}",
        ],
        {
            "job": [
                "therapist",
                "analyst",
                "waiter",
                "cocktail bartender",
                "nurse",
                "data analyst",
                "sexton",
                "bass player",
                "classics teacher",
                "driver",
                "carpenter",
                "passenger assistant",
            ],
            "place": [
                "Scunthorpe",
                "Essex",
                "Middlesex",
                "Sussex",
                "Penistone",
                "Cockermouth",
                "Wessex",
                "Clitheroe",
                "Leeds",
                "Bristol",
                "Manchester",
                "Dickens Road",
            ],
            "item": [
                "a brass sextant",
                "grape vines",
                "a sofa",
                "a bicycle",
                "Dickens novels",
                "cocktail glasses",
                "a bass guitar",
                "an assassin board game",
                "a sextet score",
                "grapefruit trees",
            ],
            "price": ["£450", "£1,200", "£25", "£90", "£6"],
        },
    ),
    "es": (
        [
            "Se busca {job} en {place}, jornada completa, {price} al mes",
            "Vendo {item} en {place}, {price}",
            "Oferta de empleo: {job} para {place}, incorporación inmediata",
            "Alquilo piso en {place}, {price} al mes",
            "Clases de {item} los {day} en {place}",
            "Se necesita {job} con experiencia en {place}",
        ],
        {
            "job": [
                "camarero",
                "cocinero",
                "analista de datos",
                "terapeuta",
                "conductor",
                "dependienta",
                "recepcionista",
            ],
            "place": ["Madrid", "Sevilla", "Valencia", "Bilbao", "Málaga", "Zaragoza"],
            "item": ["guitarra", "una bicicleta", "un sofá", "inglés", "matemáticas", "sexto de primaria"],
            "day": ["lunes", "martes", "viernes", "sábados"],
            "price": ["900 €", "1.200 €", "50 €", "15 €"],
        },
    ),
    "fr": (
        [
            "Recherche {job} à {place}, temps plein, {price} par mois",
            "Vends {item} à {place}, {price}",
            "Offre d'emploi : {job} pour un restaurant de {place}",
            "Appartement à louer à {place}, {price} par mois",
            "Cours de {item} le {day} à {place}",
        ],
        {
            "job": [
                "serveur",
                "cuisinier",
                "analyste",
                "thérapeute",
                "chauffeur",
                "vendeuse",
                "réceptionniste",
            ],
            "place": ["Paris", "Lyon", "Marseille", "Lille", "Nantes", "Bordeaux"],
            "item": [
                "piano",
                "un vélo",
                "un canapé",
                "fromage râpé maison",
                "sextant ancien",
                "mathématiques",
            ],
            "day": ["lundi", "mardi", "vendredi", "samedi"],
            "price": ["1 500 €", "700 €", "40 €", "12 €"],
        },
    ),
    "ru": (
        [
            "Требуется {job} в {place}, полный день, {price} в месяц",
            "Продаю {item} в {place}, {price}",
            "Вакансия: {job}, {place}, опыт работы от года",
            "Сдаю квартиру в {place}, {price} в месяц",
            "Уроки: {item}, {place}, по выходным",
        ],
        {
            "job": ["официант", "повар", "аналитик", "водитель", "продавец", "бухгалтер", "курьер"],
            "place": ["Москве", "Казани", "Самаре", "Новосибирске", "Твери", "Омске"],
            "item": ["велосипед", "диван", "гитару", "математика", "английский язык", "шесть стульев"],
            "price": ["45 000 руб.", "30 000 руб.", "5 000 руб.", "800 руб."],
        },
    ),
    "ro": (
        [
            "Angajăm {job} în {place}, normă întreagă, {price} pe lună",
            "Vând {item} în {place}, {price}",
            "Ofertă de muncă: {job}, {place}, program flexibil",
            "Închiriez apartament în {place}, {price} pe lună",
        ],
        {
            "job": ["ospătar", "bucătar", "analist", "șofer", "vânzătoare", "contabil", "recepționer"],
            "place": ["Cluj", "Iași", "Timișoara", "Brașov", "Constanța", "Sibiu"],
            "item": ["bicicletă", "canapea", "chitară", "mașină de spălat", "șase scaune"],
            "price": ["3.000 lei", "2.500 lei", "400 lei", "150 lei"],
        },
    ),
    "pt": (
        [
            "Procura-se {job} em {place}, tempo integral, {price} por mês",
            "Vendo {item} em {place}, {price}",
            "Vaga de emprego: {job} em {place}, início na {day}",
            "Aluga-se apartamento em {place}, {price} por mês",
        ],
        {
            "job": [
                "garçom",
                "cozinheiro",
                "analista",
                "terapeuta",
                "motorista",
                "vendedora",
                "recepcionista",
            ],
            "place": ["Lisboa", "Porto", "São Paulo", "Recife", "Curitiba", "Coimbra"],
            "item": ["bicicleta", "sofá", "violão", "máquina de lavar", "sexta edição do livro"],
            "day": ["segunda-feira", "sexta-feira", "terça-feira"],
            "price": ["R$ 2.000", "900 €", "R$ 150", "40 €"],
        },
    ),
    "de": (
        [
            "Wir suchen {job} in {place}, Vollzeit, {price} im Monat",
            "Verkaufe {item} in {place}, {price}",
            "Stellenangebot: {job} in {place}, ab sofort",
            "Wohnung in {place} zu vermieten, {price} warm",
        ],
        {
            "job": ["Kellner", "Koch", "Analyst", "Therapeutin", "Fahrer", "Verkäuferin", "Buchhalter"],
            "place": ["Berlin", "Hamburg", "Köln", "Leipzig", "Essen", "Dresden"],
            "item": ["ein Fahrrad", "sechs Stühle", "ein Sofa", "eine Gitarre", "Sechserpack Wasser"],
            "price": ["2.400 €", "850 €", "60 €", "15 €"],
        },
    ),
    "it": (
        [
            "Cercasi {job} a {place}, tempo pieno, {price} al mese",
            "Vendo {item} a {place}, {price}",
            "Offerta di lavoro: {job}, {place}, contratto a tempo indeterminato",
            "Affittasi appartamento a {place}, {price} al mese",
        ],
        {
            "job": ["cameriere", "cuoco", "analista", "terapista", "autista", "commessa", "receptionist"],
            "place": ["Roma", "Milano", "Napoli", "Torino", "Bologna", "Firenze"],
            "item": ["una bicicletta", "un divano", "una chitarra", "sei sedie", "un sestante antico"],
            "price": ["1.400 €", "700 €", "80 €", "20 €"],
        },
    ),
}


def make_benign() -> list[str]:
    rng = random.Random(20261122)
    lines: list[str] = []
    seen: set[str] = set()
    for _lang, (templates, slots) in BENIGN.items():
        made = 0
        while made < 140:
            tpl = rng.choice(templates)
            line = tpl.format(**{k: rng.choice(v) for k, v in slots.items()})
            if line not in seen:
                seen.add(line)
                lines.append(line)
                made += 1
    for line in (HERE / "hand_benign.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#") and line not in seen:
            seen.add(line)
            lines.append(line)
    return lines


def main() -> None:
    with (HERE / "pairs.jsonl").open("w", encoding="utf-8") as fp:
        for p in make_pairs():
            fp.write(json.dumps(p, ensure_ascii=False) + "\n")
    (HERE / "benign.txt").write_text("\n".join(make_benign()) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
