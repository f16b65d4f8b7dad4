"""Small builders for web tests: organisations, users, synthetic ads with their entities.

Phone numbers are made up (555-01xx exchanges, valid to phonenumbers); nothing is real.
"""

from __future__ import annotations

from tipwatch.engine.extract import ExtractResult
from tipwatch.engine.types import Ad, Entity
from tipwatch.web.accounts.models import Membership, Organisation
from tipwatch.web.ads.store import start_run, store_batch

PASSWORD = "correct horse battery staple"


def make_org(name: str, region: str = "US") -> Organisation:
    slug = name.lower().replace(" ", "-")
    return Organisation.objects.create(name=name, slug=slug, country=region, default_region=region)


def make_user(django_user_model, org, role: str = "analyst", username: str | None = None, **extra):
    username = username or f"{role}-{org.slug}"
    user = django_user_model.objects.create_user(username=username, password=PASSWORD, **extra)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def item(
    ad_id: str,
    body: str,
    *,
    entities: list[tuple] = (),
    title: str = "",
    city: str | None = None,
    country: str | None = "US",
    posted_at: str | None = None,
    url: str | None = None,
    lang: str | None = "en",
):
    """(engine Ad, ExtractResult). ``entities`` are ``(type, value, raw[, obfuscated[, field]])``;
    spans are found with ``str.find`` in the named field."""
    ad = Ad(
        id=ad_id, title=title, body=body, city=city, country=country, posted_at=posted_at, url=url, lang=lang
    )
    ents = []
    for spec in entities:
        type_, value, raw = spec[:3]
        obfuscated = spec[3] if len(spec) > 3 else False
        field = spec[4] if len(spec) > 4 else "body"
        text = title if field == "title" else body
        start = text.find(raw)
        assert start >= 0, f"{raw!r} not in the {field}"
        ents.append(Entity(type_, value, raw, start, start + len(raw), obfuscated, field, {}))
    return ad, ExtractResult(id=ad_id, language=lang, region=country, entities=ents)


def store(org, items, source_name: str = "test-source"):
    run = start_run(org, source_name, "jsonl")
    counts = store_batch(org, items, source=run.source, run=run)
    return run, counts


PHONE = "+19295550147"
PHONE_RAW = "(929) 555-0147"
PHONE2 = "+13125550182"


def world(org):
    """Three ads sharing one phone across two cities, one with an email, one unrelated ad."""
    items = [
        item(
            "a1",
            f"New in town, sweet girl. Call {PHONE_RAW} anytime <b>24/7</b>",
            title="Sweet new girl",
            city="Boston",
            posted_at="2026-03-01T10:00:00+00:00",
            url="https://www.example-ads.test/boston/1",
            entities=[("phone", PHONE, PHONE_RAW)],
        ),
        item(
            "a2",
            "Visiting this week. Text 929.555.0147 or mail Lola.Test@Example.org",
            title="Visiting",
            city="Chicago",
            posted_at="2026-03-08T10:00:00+00:00",
            url="https://example-ads.test/chicago/2",
            entities=[
                ("phone", PHONE, "929.555.0147", True),
                ("email", "lola.test@example.org", "Lola.Test@Example.org"),
            ],
        ),
        item(
            "a3",
            f"Back again! {PHONE_RAW} incall only",
            city="Chicago",
            posted_at="2026-03-20T10:00:00+00:00",
            url="https://example-ads.test/chicago/3",
            entities=[("phone", PHONE, PHONE_RAW)],
        ),
        item(
            "a4",
            "Warehouse job abroad, free visa and flights, call 312 555 0182",
            title="Job offer",
            city="Denver",
            posted_at="2026-02-10T10:00:00+00:00",
            url="https://jobs.example.test/4",
            entities=[("phone", PHONE2, "312 555 0182")],
        ),
    ]
    return store(org, items)
