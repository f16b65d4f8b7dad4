"""Slot renderers: turn an ad's facts into text in one language, with entity spans.

A slot returns either plain text or a *piece* ``(text, [(start, end, type, value, obfuscated,
attrs)])`` whose spans are relative to ``text``; :mod:`tipwatch.demo.render` places them.
Facts (ages, amounts, numbers, user names) are language-free, so a translation of an ad
re-renders the same facts in another language. A translation is also *faithful*: it makes the
same wording choices as its original (title, sentence order, greeting, emoji, hours, how the
number and prices are written, extra contacts). The original's random draws are written down
per *channel* (one per slot or choice of the template, see :class:`Recorder`) and the
translation reads them back (:class:`Replayer`), so a slot written in another place of the
sentence, as languages do, still gets its own draws.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tipwatch.demo._data import City, data, pick
from tipwatch.demo.obfuscate import obfuscate_email, obfuscate_phone
from tipwatch.demo.phones import Phone

__all__ = ["QUIET_SLOTS", "SLOT_NAMES", "Facts", "Person", "Recorder", "Renderer", "Replayer"]

# rough USD -> currency rates, only to make amounts look local
_RATES = {
    "USD": 1,
    "CAD": 1.3,
    "GBP": 0.8,
    "EUR": 0.9,
    "RUB": 90,
    "UAH": 40,
    "RON": 4.5,
    "BRL": 5,
    "MXN": 18,
    "PLN": 4,
}
_THOUSANDS = {
    "USD": ",",
    "CAD": ",",
    "MXN": ",",
    "GBP": ",",
    "EUR": ".",
    "BRL": ".",
    "RON": ".",
    "RUB": " ",
    "UAH": " ",
    "PLN": " ",
}
_IMPERIAL = frozenset({"US", "GB", "CA"})
_EUPHEMISM_KINDS = frozenset({"exploitation", "benign_adult"})


@dataclass(slots=True)
class Person:
    name: str
    age: int
    hair: int
    look: int  # index into heights / measurements / weights


@dataclass(slots=True)
class Facts:
    """Everything language-free about one ad; the builders in world/operations fill it."""

    kind: str
    country: str  # where the ad is posted
    city: City
    currency: str
    voice: str = "first"
    persons: list[Person] = field(default_factory=list)
    phones: list[tuple[Phone, str | None]] = field(default_factory=list)  # (number, messenger)
    national: bool = False  # may phones of ``country`` be written in national format?
    obf_rate: float = 0.0
    email: tuple[str, str] | None = None  # (local part as written, domain)
    email_obf: float = 0.0
    handle: tuple[str, str] | None = None  # (platform, user name as written)
    pay: tuple[str, str, str] | None = None  # (kind, value, as written)
    prices: dict[str, tuple[float, str | None]] = field(default_factory=dict)  # slot -> (USD, unit)
    contact: str = "phone"
    dest: str = "DE"
    job: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # company, address, postcode, year, ...


@cache
def _lex() -> dict[str, Any]:
    return data()


def _nice(amount: float) -> int:
    if amount < 100:
        step = 5
    elif amount < 1000:
        step = 10 if amount < 300 else 50
    elif amount < 10000:
        step = 100
    else:
        step = 500
    return max(step, int(round(amount / step)) * step)


@cache
def _weights(imperial: bool) -> tuple[str, ...]:
    return tuple(w for w in _lex()["weight"] if ("lb" in w) == imperial)


@cache
def _age_forms(lang: str, first: bool) -> tuple[str, ...]:
    spec = _lex()["ages"][lang]
    return tuple(spec["any"] + spec["first"]) if first else tuple(spec["any"])


def _ru_years(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


Tape = dict[Any, list]  # channel -> the draws made there: floats (random) and (k, bits) pairs


class Recorder(random.Random):
    """Hands out the world generator's draws unchanged and writes each one down under the
    channel last named with :meth:`mark`; the world's stream is exactly what it would be
    without the recorder (the same calls reach it, in the same order)."""

    def __init__(self, base: random.Random) -> None:
        super().__init__(0)
        self._random = base.random
        self._bits = base.getrandbits
        self.tape: Tape = {}
        self._key: Any = None
        self._cur: list | None = None

    def begin(self) -> Tape:
        """Start a new tape (one per ad) and return it."""
        self.tape = {}
        self._key, self._cur = None, None
        return self.tape

    def mark(self, key: Any) -> None:
        self._key, self._cur = key, None

    def _channel(self) -> list:
        cur = self._cur = self.tape.setdefault(self._key, [])
        return cur

    def random(self) -> float:
        v = self._random()
        (self._cur if self._cur is not None else self._channel()).append(v)
        return v

    def getrandbits(self, k: int) -> int:
        v = self._bits(k)
        (self._cur if self._cur is not None else self._channel()).append((k, v))
        return v


class Replayer(random.Random):
    """Plays a :class:`Recorder` tape back: in each channel, the draws of the original in
    order; a draw of another kind, or past the end of the channel (the other language has
    more to choose there), comes from this generator's own stream, seeded by ``seed``."""

    def __init__(self, tape: Tape, seed: str) -> None:
        super().__init__(seed)
        self._tape = tape
        self._pos: dict[Any, int] = {}
        self._key: Any = None
        self._cur: list = tape.get(None, [])
        self._i = 0

    def mark(self, key: Any) -> None:
        self._pos[self._key] = self._i
        self._key = key
        self._cur = self._tape.get(key, [])
        self._i = self._pos.get(key, 0)

    def random(self) -> float:
        cur, i = self._cur, self._i
        if i < len(cur) and cur[i].__class__ is float:
            self._i = i + 1
            return cur[i]
        self._i = len(cur)  # out of step with the original: the rest of the channel is new
        return super().random()

    def getrandbits(self, k: int) -> int:
        cur, i = self._cur, self._i
        if i < len(cur) and cur[i].__class__ is tuple and cur[i][0] == k:
            self._i = i + 1
            return cur[i][1]
        self._i = len(cur)
        return super().getrandbits(k)


class Renderer:
    """Renders slots for the current ad; one instance per world, re-pointed at each ad.

    ``rng`` draws every choice; ``mark`` is ``None``, or the ``mark`` of a
    :class:`Recorder` / :class:`Replayer` standing in as ``rng`` (see :meth:`use`).
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.mark: Any = None
        self.f: Facts | None = None
        self.lang = "en"
        d = _lex()
        self._d = d
        self._tr = d["translit"]

    def start(self, facts: Facts, lang: str) -> None:
        self.f = facts
        self.lang = lang

    def use(self, rng: random.Random) -> None:
        """Draw from ``rng`` from now on; a Recorder or Replayer also gets the channel marks."""
        self.rng = rng
        self.mark = getattr(rng, "mark", None)

    # ---- helpers -------------------------------------------------------------------------
    def name_in(self, name: str) -> str:
        if self.lang == "ru" or name.isascii() or not ("\u0400" <= name[0] <= "\u04ff"):
            return name
        return "".join(self._tr.get(c.lower(), c) for c in name).capitalize()

    def money(self, usd: float, unit: str | None) -> tuple[str, str, dict]:
        """(text, value, attrs) of an amount in the ad's currency with its unit."""
        rng = self.rng
        cur = self.f.currency
        value = _nice(usd * _RATES[cur])  # facts carry the per-ad variation, so translations agree
        digits = str(value)
        if value >= 1000 and rng.random() < 0.4:
            digits = f"{value:,}".replace(",", _THOUSANDS[cur])
        forms = self._d["money"][cur]
        form = pick(rng, forms)
        euph = form.endswith("roses")
        if euph and (self.f.kind not in _EUPHEMISM_KINDS or unit not in ("hour", "half_hour", "night")):
            form, euph = forms[0], False
        text = form.replace("{a}", digits)
        if unit == "deposit":
            text = pick(rng, self._d["units"]["deposit"][self.lang]).replace("{p}", text)
        elif unit is not None:
            suffix = pick(rng, self._d["units"][unit][self.lang])
            if suffix[0].isalpha() and not text[-1].isdigit() and text[-1] not in "$€£₽₴":
                suffix = " " + suffix
            text += suffix
        attrs = {"currency": cur, "unit": unit}
        if euph:
            attrs["euphemism"] = True
        return text, str(value), attrs

    def phone_piece(self, phone: Phone, messenger: str | None, platform_before: str | None = None):
        rng = self.rng
        f = self.f
        national = f.national and phone.country == f.country
        written = phone.written(rng, national=national)
        obf = rng.random() < f.obf_rate
        raw = obfuscate_phone(written, self.lang, rng, phone.prefix.cc) if obf else written
        platform = platform_before
        cue = ""
        if platform is None:
            r = rng.random()
            if messenger and r < 0.7:
                cue = pick(rng, self._d["messenger_cues"][messenger]) + " "
                platform = messenger
            elif r < 0.35:
                cue = pick(rng, self._d["phone_cues"][self.lang]) + " "
        attrs = {"country": phone.country}
        if platform:
            attrs["platform"] = platform
        return cue + raw, [(len(cue), len(cue) + len(raw), "phone", phone.value, obf, attrs)]

    def email_piece(self):
        local, domain = self.f.email
        rng = self.rng
        if rng.random() < self.f.email_obf:
            raw = obfuscate_email(local, domain, self.lang, rng)
            obf = True
        else:
            raw = f"{local}@{domain}"
            obf = False
        return raw, [(0, len(raw), "email", f"{local}@{domain}".lower(), obf, {})]

    def handle_piece(self):
        platform, user = self.f.handle
        before, rawtpl = pick(self.rng, self._d["handles"][platform])
        raw = rawtpl.replace("{u}", user)
        s = len(before)
        return before + raw, [(s, s + len(raw), "handle", user.lower(), False, {"platform": platform})]

    def pay_piece(self):
        kind, value, written = self.f.pay
        before, rawtpl = pick(self.rng, self._d["payments"][kind])
        raw = rawtpl.replace("{u}", written).replace("{x}", written)
        s = len(before)
        return before + raw, [(s, s + len(raw), "payment", value, False, {"kind": kind})]

    def age_piece(self, person: Person):
        rng = self.rng
        n = person.age
        lang = self.lang
        forms = _age_forms(lang, self.f.voice == "first")
        form = pick(rng, forms)
        if "{w}" in form:
            if not 18 <= n <= 26:
                form = forms[0]
            else:
                form = form.replace("{w}", self._d["age_words"][lang][n - 18])
        if "{y}" in form:
            form = form.replace("{y}", _ru_years(n) if lang == "ru" else ("ani" if n < 20 else "de ani"))
        raw = form.replace("{n}", str(n))
        return raw, [(0, len(raw), "age", str(n), False, {})]

    def price_piece(self, slot: str):
        usd, unit = self.f.prices[slot]
        text, value, attrs = self.money(usd, unit)
        return text, [(0, len(text), "price", value, False, attrs)]

    # ---- slots ---------------------------------------------------------------------------
    def s_name(self, _p=None):
        return self.name_in(self.f.persons[0].name)

    def s_name2(self, _p=None):
        ps = self.f.persons
        return self.name_in(ps[1 if len(ps) > 1 else 0].name)

    def s_age(self, _p=None):
        return self.age_piece(self.f.persons[0])

    def s_age2(self, _p=None):
        ps = self.f.persons
        return self.age_piece(ps[1 if len(ps) > 1 else 0])

    def s_phone(self, platform_before=None):
        phone, messenger = self.f.phones[0]
        return self.phone_piece(phone, messenger, platform_before)

    def s_email(self, _p=None):
        return self.email_piece()

    def s_handle(self, _p=None):
        return self.handle_piece()

    def s_pay(self, _p=None):
        return self.pay_piece()

    def s_contact(self, _p=None):
        c = self.f.contact
        if c == "email":
            return self.email_piece()
        if c == "handle":
            return self.handle_piece()
        return self.s_phone()

    def s_city(self, _p=None):
        return self.f.city.local

    def s_new(self, _p=None):
        return pick(self.rng, self._d["new"][self.lang]).replace("{city}", self.f.city.local)

    def s_hair(self, _p=None):
        hairs = self._d["hair"][self.lang]
        return hairs[self.f.persons[0].hair % len(hairs)]

    def s_emoji(self, _p=None):
        return pick(self.rng, self._d["emoji"])

    def s_youth(self, _p=None):
        return pick(self.rng, self._d["youth"][self.lang])

    def s_hours(self, _p=None):
        return pick(self.rng, self._d["hours"])

    def s_height(self, _p=None):
        h = self._d["height"]
        look = self.f.persons[0].look if self.f.persons else 0
        imperial = self.f.country in _IMPERIAL and self.lang == "en"
        seq = h["imperial"] if imperial else h["metric"]
        return seq[look % len(seq)]

    def s_measure(self, _p=None):
        seq = self._d["measure"]
        return seq[(self.f.persons[0].look if self.f.persons else 0) % len(seq)]

    def s_weight(self, _p=None):
        imperial = self.f.country in _IMPERIAL and self.lang == "en"
        seq = _weights(imperial)
        return seq[(self.f.persons[0].look if self.f.persons else 0) % len(seq)]

    def s_dest(self, _p=None):
        return self._d["dest"][self.f.dest][self.lang]

    def s_job(self, _p=None):
        jobs = self._d["job"][self.lang]
        return jobs[self.f.job % len(jobs)]

    def s_local_job(self, _p=None):
        jobs = self._d["local_job"][self.lang]
        return jobs[self.f.job % len(jobs)]

    def s_item(self, _p=None):
        items = self._d["item"][self.lang]
        return items[self.f.job % len(items)]

    def s_car(self, _p=None):
        cars = self._d["car"]
        return cars[self.f.job % len(cars)]

    def s_hours_shift(self, _p=None):
        return pick(self.rng, self._d["shift"][self.lang])

    def _extra(self, key):
        return self.f.extra[key]

    def s_company(self, _p=None):
        return self._extra("company")

    def s_address(self, _p=None):
        return self._extra("address")

    def s_postcode(self, _p=None):
        return self._extra("postcode")

    def s_year(self, _p=None):
        return self._extra("year")

    def s_ref(self, _p=None):
        return self._extra("ref")

    def s_date(self, _p=None):
        return self._extra("date")

    def s_time(self, _p=None):
        return self._extra("time")

    def s_km(self, _p=None):
        return self._extra("km")

    def s_size(self, _p=None):
        return self._extra("size")

    def s_sqm(self, _p=None):
        return self._extra("sqm")


def _price_slot(slot: str):
    def fn(self, _p=None):
        return self.price_piece(slot)

    fn.__name__ = "s_" + slot
    return fn


_PRICE_SLOTS = ("price", "price_hh", "price_night", "price_month", "deposit", "salary", "salary_hour")
for _s in _PRICE_SLOTS:
    setattr(Renderer, "s_" + _s, _price_slot(_s))

SLOTS: dict[str, Any] = {k[2:]: v for k, v in vars(Renderer).items() if k.startswith("s_")}
SLOT_NAMES = frozenset(SLOTS)
# slots that draw nothing (their text is a fact): no channel mark needed when recording
QUIET_SLOTS = frozenset(
    "name name2 city hair height measure weight dest job local_job item car company address postcode "
    "year ref date time km size sqm".split()
)
