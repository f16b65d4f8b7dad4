"""Criminal operations of the synthetic world: who they are and what each of their ads says.

An operation (exploitation ring, recruitment scam, marriage agency) is created lazily when
its time window opens and dropped when it closes, so a world of a million ads keeps only
the operations active "now" in memory. Each one has its own random generator, seeded from
(world seed, kind, index), so its make-up does not depend on what else happened.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tipwatch.demo._data import LANGS, City, Template, data, pick, templates
from tipwatch.demo.checksums import btc_address, card_number, eth_address, iban, mask_card, trx_address
from tipwatch.demo.phones import Phone, PhoneBook
from tipwatch.demo.slots import Facts, Person

__all__ = ["Operation", "Schedule", "new_operation", "operation_ad", "user_name"]

_AGE_WEIGHTS = (6, 8, 9, 9, 8, 7, 6, 5, 4)  # ages 18..26
_IBAN_COUNTRIES = ("DE", "ES", "FR", "RO", "PT", "GB")


@dataclass(slots=True)
class Operation:
    id: str
    kind: str
    home: str
    countries: list[str]
    cities: list[City]
    workers: list[Person]
    worker_phone: list[int]
    worker_offset: list[int]
    phones: list[tuple[Phone, str | None]]
    templates: list[Template]
    start: float
    length: float
    obf_rate: float
    price_usd: float
    rng: random.Random
    email: tuple[str, str] | None = None
    handles: list[tuple[str, str]] = field(default_factory=list)
    pays: list[tuple[str, str, str]] = field(default_factory=list)
    dests: list[str] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)
    # the op's last few originals, which a translation may copy: (id, template, language,
    # facts, extra contact slots, the draws of its rendering: see slots.Recorder)
    recent: list[tuple[str, Template, str, Facts, list[str], dict]] = field(default_factory=list)
    ads: int = 0

    def summary(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "home": self.home,
            "countries": list(dict.fromkeys(c.country for c in self.cities)),
            "cities": [c.name for c in self.cities],
            "phones": [p.value for p, _ in self.phones],
            "workers": len(self.workers),
            "templates": [t.id for t in self.templates],
            "ads": self.ads,
        }


def user_name(rng: random.Random, base: str) -> str:
    """A made-up user name from a persona name: "lina_vip", "Mia.xo97", "alina2k" ..."""
    d = data()
    tr = d["translit"]
    base = "".join(tr.get(c, c) for c in base.lower())
    base = "".join(c for c in base if c.isascii() and c.isalnum()) or "girl"
    r = rng.random()
    suffix = pick(rng, d["names"]["handle_suffixes"])
    if r < 0.35:
        name = base + pick(rng, ("_", ".", "")) + suffix
    elif r < 0.7:
        name = base + pick(rng, ("_", ".", "")) + suffix + str(rng.randrange(10, 100))
    else:
        name = base + str(rng.randrange(100, 1000))
    return name.capitalize() if rng.random() < 0.15 else name


def _messenger(rng: random.Random, country: str) -> str | None:
    if country in ("US", "CA"):
        return rng.choices((None, "whatsapp", "telegram"), (7, 2, 1))[0]
    if country in ("RU", "UA"):
        return rng.choices((None, "telegram", "whatsapp", "viber"), (1, 4, 3, 2))[0]
    return rng.choices((None, "whatsapp", "telegram", "signal"), (3, 6, 2, 1))[0]


def _payment(rng: random.Random, kind: str, base: str, home: str) -> tuple[str, str, str]:
    if kind == "cashtag":
        u = user_name(rng, base).replace(".", "")
        return kind, "$" + u.lower(), u
    if kind == "paypal":
        u = user_name(rng, base).replace(".", "").replace("_", "")
        return kind, "paypal.me/" + u.lower(), u
    if kind == "venmo":
        u = user_name(rng, base).replace(".", "-").replace("_", "-")
        return kind, "@" + u.lower(), u
    if kind == "iban":
        value = iban(rng, home if home in _IBAN_COUNTRIES else pick(rng, _IBAN_COUNTRIES))
        written = " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if rng.random() < 0.6 else value
        return kind, value, written
    if kind == "card":
        number = card_number(rng)
        written = " ".join(number[i : i + 4] for i in range(0, 16, 4)) if rng.random() < 0.6 else number
        return kind, mask_card(number), written
    addr = {"btc": btc_address, "eth": eth_address, "trx": trx_address}[kind](rng)
    return kind, addr, addr


def _pay_kinds(home: str) -> tuple[str, ...]:
    if home in ("US", "CA", "MX"):
        return ("cashtag", "venmo", "paypal", "btc")
    if home in ("RU", "UA"):
        return ("card", "trx", "btc")
    if home == "BR":
        return ("paypal", "btc", "trx")
    return ("paypal", "iban", "btc", "eth")


def _mail(rng: random.Random, base: str, home: str) -> tuple[str, str]:
    d = data()["names"]["mail_domains"]
    local = user_name(rng, base).replace("_", ".")
    if rng.random() < 0.6:
        local += str(rng.randrange(10, 100))
    return local, pick(rng, d.get(home, d["default"]))


def _persona_lang(country: str) -> str:
    lang = data()["countries"][country]["lang"]
    return lang


def new_operation(kind: str, k: int, seed: int, book: PhoneBook, start: float, length: float) -> Operation:
    """Operation number ``k`` of ``kind``: its people, numbers, ids, templates and circuit."""
    rng = random.Random(f"{seed}:{kind}:{k}")
    d = data()
    profile = rng.choices(d["op_profiles"][kind], [p["weight"] for p in d["op_profiles"][kind]])[0]
    home = profile["home"]
    dests = list(profile["dests"])
    countries_data = d["countries"]
    if kind == "exploitation":
        first = dests[0] if rng.random() < 0.6 else pick(rng, dests)
        others = [c for c in dests if c != first]
        countries = [first] + rng.sample(others, min(len(others), pick(rng, (0, 0, 1, 2))))
        n_cities = rng.randint(3, 8)
    else:  # recruiters and agencies post where they live
        countries = [home]
        n_cities = rng.randint(1, 3)
    pool = [c for cc in countries for c in countries_data[cc]["cities"]]
    cities = rng.sample(pool, min(n_cities, len(pool)))
    names = d["names"]["personas"][_persona_lang(home if home != "PL" else countries[0])]
    if kind == "exploitation":
        n_workers = rng.randint(2, 6)
        ages = [rng.choices(range(18, 27), _AGE_WEIGHTS)[0] for _ in range(n_workers)]
    elif kind == "marriage":
        n_workers = rng.randint(3, 8)
        ages = [rng.randint(19, 34) for _ in range(n_workers)]
    else:
        n_workers, ages = 0, []
    chosen = rng.sample(names, min(n_workers, len(names)))
    workers = [Person(n, a, rng.randrange(6), rng.randrange(7)) for n, a in zip(chosen, ages, strict=False)]
    n_phones = rng.randint(1, 3) if kind == "exploitation" else rng.randint(1, 2)
    phones = []
    for _ in range(n_phones):
        pc = home if kind != "exploitation" or rng.random() < 0.6 else countries[0]
        messenger = _messenger(rng, pc)
        if kind == "recruitment" and messenger is None:
            messenger = pick(rng, ("whatsapp", "telegram", "viber"))
        phones.append((book.new(pc, "op"), messenger))
    fams = list(templates()[kind])
    op_templates = rng.sample(fams, rng.randint(2, min(5, len(fams))))
    brand = workers[0].name if workers else pick(rng, ("work", "jobs", "agency", "euro", "travel", "vacancy"))
    op = Operation(
        id=f"op-{kind}-{k}",  # the schedule renumbers operations across kinds
        kind=kind,
        home=home,
        countries=countries,
        cities=cities,
        workers=workers,
        worker_phone=[rng.randrange(n_phones) for _ in workers],
        worker_offset=[0 if rng.random() < 0.7 else rng.randrange(len(cities)) for _ in workers],
        phones=phones,
        templates=op_templates,
        start=start,
        length=length,
        obf_rate={"exploitation": rng.choices((0.0, 0.3, 0.6, 0.9), (30, 35, 20, 15))[0]}.get(kind, 0.1),
        price_usd=rng.uniform(120, 300) if kind == "exploitation" else rng.uniform(2500, 5000),
        rng=rng,
        dests=rng.sample(dests, min(len(dests), 2)),
        jobs=rng.sample(range(10), 3),
    )
    platforms = list(d["handle_platforms"][kind])
    if home in ("RU", "UA"):
        platforms += d["handle_platforms"]["ru_extra"]
    n_handles = pick(rng, (0, 1, 1, 2)) if kind == "exploitation" else 1
    for _ in range(n_handles):
        op.handles.append((pick(rng, platforms), user_name(rng, brand)))
    if kind != "exploitation" or rng.random() < 0.4:
        op.email = _mail(
            rng, brand if kind == "exploitation" else brand + pick(rng, ("job", "hr", "team")), home
        )
    kinds = _pay_kinds(home)
    n_pay = pick(rng, (0, 1, 1, 2)) if kind == "exploitation" else 1
    if kind == "recruitment" and home in ("RO", "ES", "PT"):
        kinds = ("iban",)
    for pk in rng.sample(kinds, min(n_pay, len(kinds))):
        op.pays.append(_payment(rng, pk, brand, home))
    return op


def operation_ad(op: Operation, i: int, ad_id: str) -> tuple[Facts, Template, str, str | None, list[str]]:
    """Facts, template, language, translated ad id and extra contact slots of the op's next ad.

    A translation (translated ad id not None) gets its original's facts and extra contact
    slots; the world renders it with the original's recorded choices (see slots.Replayer).
    """
    rng = op.rng
    op.ads += 1
    if op.recent and rng.random() < 0.22:
        orig_id, tpl, orig_lang, facts, extras = pick(rng, op.recent)[:5]
        local = data()["countries"][facts.country]["lang"]
        home_lang = data()["countries"][op.home]["lang"]
        choices = [x for x in dict.fromkeys((local, "en", home_lang, pick(rng, LANGS))) if x != orig_lang]
        lang = pick(rng, choices) if choices else ("en" if orig_lang != "en" else "es")
        return dataclasses.replace(facts), tpl, lang, orig_id, list(extras)
    tpl = pick(rng, op.templates)
    frac = min(max((i - op.start) / op.length, 0.0), 0.999)
    stage = int(frac * len(op.cities))
    countries_data = data()["countries"]
    if op.kind == "recruitment":
        w = []
        city = op.cities[stage]
    else:
        n = 2 if tpl.people == 2 and len(op.workers) > 1 else 1
        idx = rng.sample(range(len(op.workers)), n)
        w = [op.workers[j] for j in idx]
        city = (
            op.cities[(stage + op.worker_offset[idx[0]]) % len(op.cities)]
            if op.kind == "exploitation"
            else op.cities[stage]
        )
    country = city.country
    phones = list(op.phones)
    if op.kind != "recruitment" and w:
        first = op.worker_phone[op.workers.index(w[0])]
        phones.insert(0, phones.pop(first))
    facts = Facts(
        kind=op.kind,
        country=country,
        city=city,
        currency=countries_data[country]["currency"],
        voice=tpl.voice,
        persons=w,
        phones=phones,
        obf_rate=op.obf_rate,
        email=op.email,
        email_obf=0.3 if op.kind == "exploitation" else 0.1,
        handle=op.handles[0] if op.handles else None,
        pay=op.pays[0] if op.pays else None,
        dest=pick(rng, op.dests) if op.dests else "DE",
        job=pick(rng, op.jobs),
    )
    p = op.price_usd * (0.9 + 0.2 * rng.random())
    if op.kind == "exploitation":
        facts.prices = {
            "price": (p, "hour"),
            "price_hh": (p * 0.6, "half_hour"),
            "price_night": (p * 5, "night"),
            "deposit": (p * 0.3, "deposit"),
        }
    elif op.kind == "recruitment":  # salaries and fees in the destination's money
        facts.currency = countries_data[facts.dest]["currency"] if facts.dest in countries_data else "EUR"
        facts.prices = {"salary": (p, "month"), "deposit": (p * 0.06, "deposit")}
    else:
        facts.prices = {"price": (p * 0.03, None), "deposit": (p * 0.08, "deposit")}
    local = countries_data[country]["lang"]
    home_lang = countries_data[op.home]["lang"]
    r = rng.random()
    if op.kind == "marriage":
        lang = "en" if r < 0.5 else local if r < 0.9 else pick(rng, LANGS)
    else:
        lang = local if r < 0.75 else "en" if r < 0.9 else home_lang
    extras = []
    if op.kind == "exploitation":
        if len(phones) > 1 and rng.random() < 0.3:
            extras.append("phone2")
        if op.handles and rng.random() < 0.4:
            extras.append("handle")
        if op.email and rng.random() < 0.3:
            extras.append("email")
        if op.pays and rng.random() < 0.3:
            extras.append("pay")
    return facts, tpl, lang, None, extras


class Schedule:
    """Operations of one kind over the ad sequence: op k is active on [start_k, start_k + length_k).

    Starts are spaced ``n_ads / n_ops`` apart and every window is at least twice that long,
    so at least one operation is active at every ad index.
    """

    def __init__(
        self,
        kind: str,
        n_ops: int,
        n_ads: int,
        span_days: float,
        seed: int,
        book: PhoneBook,
        id_offset: int = 0,
        on_retire: Callable[[Operation], None] | None = None,
    ) -> None:
        self.kind = kind
        self.id_offset = id_offset
        self.n_ops = n_ops
        self.n_ads = n_ads
        self.spacing = n_ads / n_ops
        self.span_days = span_days
        self.seed = seed
        self.book = book
        self.on_retire = on_retire
        self.active: list[Operation] = []
        self.next_k = 0
        self._next_start = self._start(0)
        self._next_end = float("inf")

    def _start(self, k: int) -> float:
        u = random.Random(f"{self.seed}:{self.kind}:start:{k}").random()
        return (k - 1 + u) * self.spacing

    def at(self, i: int) -> list[Operation]:
        while self.next_k < self.n_ops and self._next_start <= i:
            k = self.next_k
            wr = random.Random(f"{self.seed}:{self.kind}:window:{k}")
            days = wr.uniform(14, 56) if self.kind == "exploitation" else wr.uniform(21, 90)
            length = max(days / self.span_days * self.n_ads, wr.uniform(2.1, 3.5) * self.spacing)
            op = new_operation(self.kind, k, self.seed, self.book, self._next_start, length)
            op.id = f"op-{self.id_offset + k + 1:03d}"
            self.active.append(op)
            self._next_end = min(self._next_end, op.start + op.length)
            self.next_k += 1
            self._next_start = self._start(self.next_k)
        if i >= self._next_end:  # some window closed: retire those operations
            active = self.active
            keep = [op for op in active if op.start + op.length > i] or [active[-1]]
            for op in active:
                if op not in keep and self.on_retire:
                    self.on_retire(op)
            self.active = keep
            self._next_end = (
                min(op.start + op.length for op in keep)
                if len(keep) > 1 or keep[0].start + keep[0].length > i
                else float("inf")
            )
        return self.active

    def close(self) -> None:
        if self.on_retire:
            for op in self.active:
                self.on_retire(op)
        self.active = []
