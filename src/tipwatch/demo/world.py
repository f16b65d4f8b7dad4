"""The synthetic world: a lazy, deterministic stream of (ad, truth) pairs.

    >>> from tipwatch.demo import generate
    >>> ad, truth = next(generate(seed=7, n_ads=1000))
    >>> sorted(truth)  # doctest: +NORMALIZE_WHITESPACE
    ['city', 'country', 'entities', 'id', 'kind', 'lang', 'operation', 'template', 'translation_of']

Mix of kinds: 40% exploitation (about one operation per 400 ads), 15% recruitment scams
(one operation per ~50 of their ads), 5% marriage agencies, 40% benign (jobs, independent
adult ads, classifieds). Memory stays flat: only the operations active at the current ad are
kept, and an ad's text is built once and handed over.

About 22% of an operation's ads are translations of one of its last four originals. A
translation is faithful (the original's wording choices, in another language: see
slots.Recorder); it is rendered after a throw-away rendering that draws from the world's
generator exactly as the unfaithful translations of earlier versions did, so every other ad
of a seed is byte-for-byte what it was.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache

from tipwatch.demo._data import Template, data, pick
from tipwatch.demo.benign import benign_ad
from tipwatch.demo.images import ad_images
from tipwatch.demo.images import identity as image_identity
from tipwatch.demo.operations import Operation, Schedule, operation_ad
from tipwatch.demo.phones import PhoneBook
from tipwatch.demo.render import render_ad
from tipwatch.demo.slots import Facts, Recorder, Renderer, Replayer

__all__ = ["KINDS", "SHARES", "World", "generate"]

KINDS = ("exploitation", "recruitment", "marriage", "benign_job", "benign_adult", "classified")
SHARES = (0.40, 0.15, 0.05, 0.14, 0.12, 0.14)
_CUM = tuple(sum(SHARES[: i + 1]) for i in range(len(SHARES)))
_OP_KINDS = frozenset(KINDS[:3])
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_CCTLD = {"co.uk": "GB", "com.br": "BR", "com.mx": "MX", "com.ua": "UA"}


def _site_country(domain: str) -> str | None:
    parts = domain.split(".")
    two = ".".join(parts[-2:])
    if two in _CCTLD:
        return _CCTLD[two]
    tld = parts[-1]
    return tld.upper() if len(tld) == 2 else None


@cache
def _sites() -> tuple[dict[tuple[str, str], tuple[str, ...]], dict[str, str | None]]:
    table: dict[tuple[str, str], list[str]] = {}
    for site in data()["sites"]:
        for kind in site["kinds"]:
            for c in site["countries"]:
                table.setdefault((kind, c), []).append(site["domain"])
    for site in data()["sites"]:  # any (kind, country) not listed falls back to a site of the kind
        for kind in site["kinds"]:
            table.setdefault((kind, "*"), []).append(site["domain"])
    cc = {s["domain"]: _site_country(s["domain"]) for s in data()["sites"]}
    return {k: tuple(v) for k, v in table.items()}, cc


@cache
def _translit_table() -> dict[int, str]:
    """Cyrillic -> Latin and accented Latin -> plain letters, for ASCII URL slugs."""
    table = {ord(k): v for k, v in data()["translit"].items()}
    for cp in range(0xC0, 0x250):
        plain = unicodedata.normalize("NFKD", chr(cp)).encode("ascii", "ignore").decode()
        table.setdefault(cp, plain.lower())
    return table


def _slug(title: str) -> str:
    s = title[:48].lower()
    if not s.isascii():
        s = s.translate(_translit_table()).encode("ascii", "ignore").decode()
    return _SLUG_JUNK.sub("-", s).strip("-") or "ad"


class World:
    """Iterate to get (ad, truth) pairs. ``on_retire`` sees each operation when it ends."""

    def __init__(
        self,
        seed: int,
        n_ads: int,
        *,
        start: str = "2026-09-01",
        on_retire: Callable[[Operation], None] | None = None,
        images: bool = False,
    ) -> None:
        if n_ads < 0:
            raise ValueError(f"generate(): n_ads must be >= 0, got {n_ads}")
        self.seed = seed
        self.n_ads = n_ads
        try:
            self.epoch = datetime.fromisoformat(start).replace(tzinfo=UTC).timestamp()
        except ValueError as exc:
            raise ValueError(
                f"generate(): start={start!r} is not an ISO date; use e.g. '2026-09-01'"
            ) from exc
        self.span_days = min(365.0, max(42.0, n_ads / 300))
        n = max(n_ads, 1)
        self.n_ops = {
            "exploitation": max(3, round(n * 0.40 / 160)),
            "recruitment": max(2, round(n * 0.15 / 50)),
            "marriage": max(1, round(n * 0.05 / 40)),
        }
        self.on_retire = on_retire
        self.images = images

    def __iter__(self) -> Iterator[tuple[dict, dict]]:
        seed, n = self.seed, self.n_ads
        rng = random.Random(seed)
        book = PhoneBook()
        renderer = Renderer(rng)
        recorder = Recorder(rng)
        offset = 0
        schedules = {}
        for kind in ("exploitation", "recruitment", "marriage"):
            schedules[kind] = Schedule(
                kind, self.n_ops[kind], max(n, 1), self.span_days, seed, book, offset, self.on_retire
            )
            offset += self.n_ops[kind]
        sites, site_cc = _sites()
        step = self.span_days * 86400 / max(n, 1)
        epoch = self.epoch
        url_mult = 7919 + 2 * (seed % 1000)
        last_day, day_str = -1, ""
        with_images = self.images
        for i in range(n):
            ad_id = f"ad-{i + 1:07d}"
            r = rng.random()
            k = 0
            while r >= _CUM[k] and k < 5:
                k += 1
            kind = KINDS[k]
            t = epoch + (i + rng.random()) * step
            op = None
            translation_of = None
            extras: list[str] = []
            if kind in _OP_KINDS:
                op = pick(rng, schedules[kind].at(i))
                facts, tpl, lang, translation_of, extras = operation_ad(op, i, ad_id)
            else:
                facts, tpl, lang = benign_ad(kind, rng, book, t)
            country = facts.country
            site = pick(rng, sites.get((kind, country)) or sites[(kind, "*")])
            has_country = rng.random() < 0.7
            has_city = rng.random() < 0.6
            hint = country if has_country else site_cc[site]
            facts.national = hint == country
            tape = None
            if op is not None and translation_of is None:  # a translation may copy it later
                tape = recorder.begin()
                renderer.use(recorder)
            renderer.start(facts, lang)
            # a translation first draws (and drops) a fresh rendering as it always did, so the
            # world's stream, and so every other ad, stays what it was
            title, body, ents = render_ad(
                renderer, tpl, lang, [] if translation_of else _pieces(renderer, extras)
            )
            renderer.use(rng)
            if translation_of is not None:
                title, body, ents = _faithful(
                    renderer, op, translation_of, facts, tpl, lang, extras, seed, ad_id
                )
            city = facts.city
            ad = {
                "id": ad_id,
                "title": title,
                "body": body,
                "url": f"https://{site}/{city.slug}/{_slug(title)}-{(i * url_mult + seed) % 9000000 + 1000000}",
            }
            if has_country:
                ad["country"] = country
            if has_city:
                ad["city"] = city.name
            day, secs = divmod(int(t), 86400)
            if day != last_day:  # strftime once per day, the clock by hand
                last_day, day_str = day, time.strftime("%Y-%m-%dT", time.gmtime(day * 86400))
            ad["posted_at"] = f"{day_str}{secs // 3600:02d}:{secs % 3600 // 60:02d}:00Z"
            ad["site"] = site
            truth = {
                "id": ad_id,
                "kind": kind,
                "operation": op.id if op else None,
                "template": tpl.id,
                "translation_of": translation_of,
                "lang": lang,
                "city": city.name,
                "country": country,
                "entities": ents,
            }
            if with_images:  # own generator per ad: the text stream above is unchanged
                names = ad_images(seed, i, ad_id, op.id if op else None)
                if names:
                    ad["images"] = [f"images/{name}.jpg" for name in names]
                truth["images"] = [image_identity(name) for name in names]
            if op is not None and translation_of is None:
                op.recent.append((ad_id, tpl, lang, facts, extras, tape))
                if len(op.recent) > 4:
                    del op.recent[0]
            yield ad, truth
        for s in schedules.values():
            s.close()


def _pieces(renderer: Renderer, extras: list[str]) -> list[tuple]:
    """The extra contact pieces of an ad, each drawn on its own channel."""
    pieces = []
    mark = renderer.mark
    for n, x in enumerate(extras):
        if mark is not None:
            mark(("x", n))
        if x == "phone2":
            pieces.append(renderer.phone_piece(*renderer.f.phones[1]))
        elif x == "handle":
            pieces.append(renderer.handle_piece())
        elif x == "email":
            pieces.append(renderer.email_piece())
        else:
            pieces.append(renderer.pay_piece())
    return pieces


def _faithful(
    renderer: Renderer,
    op: Operation,
    orig_id: str,
    facts: Facts,
    tpl: Template,
    lang: str,
    extras: list[str],
    seed: int,
    ad_id: str,
) -> tuple[str, str, list[dict]]:
    """Render a translation as a translator would: the original's choices in ``lang``.

    The original's draws are replayed channel by channel (see slots.Replayer); draws the
    original never made come from a generator of this ad's own, so nothing else moves.
    """
    entry = next(e for e in op.recent if e[0] == orig_id)
    # the number is copied as the original wrote it, but in national form only where this ad
    # tells its region too (else a reader could not dial it)
    facts.national = facts.national and entry[3].national
    world_rng = renderer.rng
    renderer.use(Replayer(entry[5], f"{seed}:translation:{ad_id}"))
    renderer.start(facts, lang)
    out = render_ad(renderer, tpl, lang, _pieces(renderer, extras))
    renderer.use(world_rng)
    return out


def generate(
    seed: int, n_ads: int, *, start: str = "2026-09-01", images: bool = False
) -> Iterator[tuple[dict, dict]]:
    """Yield ``n_ads`` synthetic (ad, truth) pairs, lazily; the same seed gives the same pairs.

    ``ad`` follows the extract input contract (id, title, body, url, country?, city?,
    posted_at, site); ``truth`` names the kind, operation, template, translation source,
    language, city, country and every planted entity with its exact span.

    With ``images`` an ad may also carry ``"images": ["images/<name>.jpg", ...]`` (render a
    name with :func:`tipwatch.demo.images.image_bytes`) and its truth ``"images"``: the photo
    identity of each file (copies of one photo share it). Everything else is unchanged.
    """
    return iter(World(seed, n_ads, start=start, images=images))
