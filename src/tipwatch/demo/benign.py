"""Benign ads: ordinary job offers, independent adult ads and classifieds (the precision traps).

Each benign poster is a fresh person or company with its own number (the ``private`` and
``landline`` phone pools never repeat a number), so nothing links them to each other.
"""

from __future__ import annotations

import random
import time
from functools import cache

from tipwatch.demo._data import data, pick, templates
from tipwatch.demo.operations import user_name
from tipwatch.demo.phones import PhoneBook
from tipwatch.demo.slots import Facts, Person

__all__ = ["benign_ad"]

_UPPER = "ABCDEFGHJKLMNPRSTUVWXYZ"
_US_DATE = frozenset({"US"})
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randrange(10**n)).zfill(n)


def _postcode(rng: random.Random, country: str) -> str:
    if country == "GB":
        return f"{pick(rng, _UPPER)}{pick(rng, _UPPER)}{rng.randint(1, 20)} {rng.randint(1, 9)}{pick(rng, _UPPER)}{pick(rng, _UPPER)}"
    if country == "CA":
        u = _UPPER
        return f"{pick(rng, u)}{rng.randint(1, 9)}{pick(rng, u)} {rng.randint(1, 9)}{pick(rng, u)}{rng.randint(1, 9)}"
    if country == "PT":
        return f"{rng.randint(1000, 9999)}-{_digits(rng, 3)}"
    if country == "BR":
        return f"{_digits(rng, 5)}-{_digits(rng, 3)}"
    if country in ("RU", "RO"):
        return _digits(rng, 6)
    return _digits(rng, 5)


def _date(rng: random.Random, epoch: float, lang: str, country: str) -> str:
    t = time.gmtime(epoch + rng.randint(2, 25) * 86400)
    r = rng.random()
    if r < 0.15:
        return time.strftime("%Y-%m-%d", t)
    if lang == "en" and country in _US_DATE:
        return time.strftime("%m/%d/%Y", t) if r < 0.7 else f"{_MONTHS_EN[t.tm_mon - 1]} {t.tm_mday}"
    if lang in ("de", "ru", "ro"):
        return time.strftime("%d.%m.%Y", t)
    return time.strftime("%d/%m/%Y", t)


def _time(rng: random.Random, lang: str) -> str:
    h = rng.randint(8, 19)
    m = pick(rng, (0, 0, 15, 30, 45))
    if lang == "en" and rng.random() < 0.5:
        minutes = f":{m:02d}" if m else ""
        return f"{(h - 1) % 12 + 1}{minutes}{'am' if h < 12 else 'pm'}"
    return f"{h}:{m:02d}"


def _ref(rng: random.Random) -> str:
    n = str(rng.randrange(10**7, 10**8))
    return pick(rng, (n, "#" + n, "ID " + n, "ref " + n, f"REF-{rng.randint(2024, 2026)}-{_digits(rng, 4)}"))


@cache
def _country_weights() -> tuple[tuple[str, ...], tuple[float, ...]]:
    countries = data()["countries"]
    codes = tuple(c for c in countries if countries[c]["weight"])
    cum, total = [], 0.0
    for c in codes:
        total += countries[c]["weight"]
        cum.append(total)
    return codes, tuple(cum)


def benign_ad(kind: str, rng: random.Random, book: PhoneBook, epoch: float):
    """(facts, template, lang) of one benign ad of ``kind``."""
    d = data()
    countries = d["countries"]
    codes, cum = _country_weights()
    country = rng.choices(codes, cum_weights=cum)[0]
    cinfo = countries[country]
    lang = cinfo["lang"]
    city = pick(rng, cinfo["cities"])
    tpl = pick(rng, templates()[kind])
    facts = Facts(kind=kind, country=country, city=city, currency=cinfo["currency"], voice="first")
    facts.job = rng.randrange(12)
    mails = d["names"]["mail_domains"]
    ex = facts.extra
    used = tpl.slots
    if "date" in used:
        ex["date"] = _date(rng, epoch, lang, country)
    if "time" in used:
        ex["time"] = _time(rng, lang)
    if "postcode" in used:
        ex["postcode"] = _postcode(rng, country)
    if "ref" in used:
        ex["ref"] = _ref(rng)
    if kind == "benign_job":
        cw = d["names"]["company_words"]
        a, b, trade = pick(rng, cw["first"]), pick(rng, cw["second"]), pick(rng, cw["trade"])
        ex["company"] = f"{a}{b} {trade}"
        domain = f"{a}{b}-{trade}".lower() + "." + d["names"]["company_tlds"][country]
        facts.email = (pick(rng, ("jobs", "hr", "careers", "info", "recruiting", "office")), domain)
        facts.phones = [(book.new(country, "landline"), None)]
        street = pick(rng, d["names"]["streets"][lang])
        n = rng.randint(1, 250)
        ex["address"] = f"{n} {street}" if lang == "en" else f"{street} {n}"
        ex["year"] = str(rng.randint(1985, 2019))
        facts.prices = {
            "salary": (rng.uniform(1800, 4500), "month"),
            "salary_hour": (rng.uniform(12, 25), "hour"),
        }
    elif kind == "benign_adult":
        name = pick(rng, d["names"]["personas"][lang])
        facts.persons = [Person(name, rng.randint(21, 45), rng.randrange(6), rng.randrange(7))]
        facts.phones = [(book.new(country, "private"), "whatsapp" if rng.random() < 0.2 else None)]
        facts.obf_rate = 0.03
        r = rng.random()
        if r < 0.15:
            facts.contact = "email"
            facts.email = (
                user_name(rng, name).replace("_", "."),
                pick(rng, mails.get(country, mails["default"])),
            )
        elif r < 0.3:
            facts.contact = "handle"
            facts.handle = (pick(rng, d["handle_platforms"]["benign_adult"]), user_name(rng, name))
        p = rng.uniform(150, 450)
        facts.prices = {"price": (p, "hour"), "price_night": (p * 5, "night")}
    else:
        facts.phones = [(book.new(country, "private"), "whatsapp" if rng.random() < 0.15 else None)]
        if rng.random() < 0.4:
            facts.contact = "email"
            seller = pick(rng, d["names"]["people"][lang])
            facts.email = (
                user_name(rng, seller).replace("_", "."),
                pick(rng, mails.get(country, mails["default"])),
            )
        if "year" in used:
            ex["year"] = str(2008 + int(rng.random() * 17))
        if "km" in used:
            km = (20 + int(rng.random() * 230)) * 1000
            if country == "US":
                ex["km"] = f"{km:,} miles"
            else:
                sep = pick(rng, (".", " ", ""))
                ex["km"] = f"{km:,}".replace(",", sep) + (" км" if lang == "ru" else " km")
        if "size" in used:
            ex["size"] = f"{60 + 10 * int(rng.random() * 16)}x{40 + 10 * int(rng.random() * 8)} cm"
        if "sqm" in used:
            ex["sqm"] = f"{9 + int(rng.random() * 17)} " + (
                "sq m" if lang == "en" and rng.random() < 0.5 else "m²"
            )
        if tpl.id == "tpl-0502":
            facts.prices = {"price": (rng.uniform(2000, 20000), None)}
        elif tpl.id == "tpl-0503":
            rent = rng.uniform(400, 1200)
            facts.prices = {"price_month": (rent, "month"), "deposit": (rent, "deposit")}
        else:
            facts.prices = {"price": (rng.uniform(20, 900), None)}
    return facts, tpl, lang
