"""In-file network signals: contact reuse across ads, cities and names; template reuse."""

from __future__ import annotations

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.indicators import assess_many
from tipwatch.engine.indicators.network import ContactNetwork, template_key, with_network

TEMPLATE = "Hi gentlemen, I am {name}, {age} years old, sweet and discreet, visiting for a short time only, call {phone}"


def make(i: int, city: str, phone: str, name: str = "Ana", age: int = 24):
    body = TEMPLATE.format(name=name, age=age, phone=phone)
    return ad_from_dict({"id": f"a{i}", "body": body, "city": city, "country": "US"})


def build(ads):
    net = ContactNetwork()
    exs = [extract_ad(a) for a in ads]
    for a, ex in zip(ads, exs, strict=True):
        net.add(a, ex)
    return net, exs


def test_contact_spread_is_counted_per_contact_and_maxed_per_ad():
    ads = [
        make(0, "Denver", "929 272 7898", age=21),
        make(1, "Austin", "929 272 7898", age=23),
        make(2, "Boston", "929 272 7898", age=25),
        make(3, "Boston", "646 555 0199", age=30),
    ]
    net, exs = build(ads)
    s0 = net.signals(ads[0], exs[0])
    assert s0["contact_ads"] == 3 and s0["contact_cities"] == 3 and s0["contact_names"] == 3
    s3 = net.signals(ads[3], exs[3])
    assert s3["contact_ads"] == 1 and s3["contact_cities"] == 1


def test_the_same_ad_twice_counts_its_contact_once_per_ad():
    a = ad_from_dict({"id": "x", "body": "call 929 272 7898 or text 929 272 7898", "country": "US"})
    net, exs = build([a])
    assert net.signals(a, exs[0])["contact_ads"] == 1


def test_ads_without_contacts_get_zeros():
    a = ad_from_dict({"id": "x", "body": "nothing to see here at all"})
    net, exs = build([a])
    assert net.signals(a, exs[0]) == {
        "contact_ads": 0,
        "contact_cities": 0,
        "contact_names": 0,
        "template_contacts": 0,
    }


def test_template_key_ignores_names_numbers_and_contacts_but_not_words():
    a, b = (
        make(0, "Denver", "929 272 7898", name="Ana", age=21),
        make(1, "Austin", "646 555 0199", name="Mia"),
    )
    assert template_key(a, extract_ad(a)) == template_key(b, extract_ad(b)) is not None
    other = ad_from_dict(
        {"id": "o", "body": "A completely different text about renting a bright room near the station"}
    )
    assert template_key(other, extract_ad(other)) != template_key(a, extract_ad(a))
    short = ad_from_dict({"id": "s", "body": "call me 929 272 7898"})
    assert template_key(short, extract_ad(short)) is None


def test_template_reuse_counts_distinct_contacts():
    ads = [
        make(0, "Denver", "929 272 7898"),
        make(1, "Austin", "646 555 0199"),
        make(2, "Austin", "929 272 7898"),
    ]
    net, exs = build(ads)
    assert net.signals(ads[0], exs[0])["template_contacts"] == 2


def test_with_network_gives_the_store_facts_to_the_scorer_in_order():
    ads = [make(i, city, "929 272 7898") for i, city in enumerate(["Denver", "Austin", "Boston", "Miami"])]
    triples = list(with_network(lambda: iter(ads)))
    assert [t[0].id for t in triples] == [a.id for a in ads]
    assert triples[0][2]["contact_cities"] == 4
    again = list(with_network(lambda: iter(ads), keep=False))
    assert [t[2] for t in again] == [t[2] for t in triples]
    results = list(assess_many(triples, kind="ad"))
    assert all("network.contact_reused_across_cities" in {f.id for f in r.indicators} for r in results)
