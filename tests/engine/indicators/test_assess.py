"""The scorer: firing rules, spans into the original text, the score, bands, determinism."""

from __future__ import annotations

import dataclasses
import time

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.indicators import (
    Assessment,
    assess_ad,
    assess_many,
    combine,
    detect_kind,
    load_catalogue,
)
from tipwatch.engine.indicators.signals import compute_signals


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def ad(body: str, title: str = "", **kw):
    return ad_from_dict({"id": kw.pop("id", "t1"), "title": title, "body": body, **kw})


def ids(a: Assessment) -> set[str]:
    return {f.id for f in a.indicators}


def test_combine_is_a_bounded_monotone_noisy_or():
    assert combine([]) == 0
    assert combine([25]) == 25
    assert combine([16, 16]) == 29  # not 32: no double counting
    assert combine([25] * 40) == 100
    assert combine([10, 10]) < combine([10, 10, 1])
    assert combine([3, 18, 7]) == combine([7, 3, 18])


def test_a_stated_age_under_18_fires_with_its_span_and_the_contract_shape(cat):
    text = "Sweet Lina, 17 years old, new in town. Incall only."
    a = assess_ad(ad(text, country="US"), kind="ad")
    fired = {f.id: f for f in a.indicators}
    f = fired["youth.stated_age_under_18"]
    assert f.field == "body" and text[f.start : f.end] == f.matched == "17 years old"
    assert f.weight == cat.indicator(f.id).weight and '"17 years old"' in f.explanation
    floor = cat.indicator("youth.stated_age_under_18").min_score
    assert a.score == max(combine(x.weight for x in a.indicators), floor)
    assert a.band == cat.band_for(a.score).name == "high"
    assert a.catalogue_version == cat.version and a.catalogue_fingerprint == cat.fingerprint
    d = a.to_dict()
    assert set(d) == {"id", "score", "band", "catalogue_version", "indicators"}
    assert set(d["indicators"][0]) == {
        "id",
        "start",
        "end",
        "field",
        "matched",
        "weight",
        "explanation",
        "name",
        "category",
    }


def test_obfuscated_phrase_matches_and_the_span_is_in_the_original_text(cat):
    phrase = cat.triggers(cat.indicator("youth.youth_language"), "en")[0]
    leet = phrase.replace("e", "3").replace("o", "0").replace("i", "1")
    body = f"Hello \u200bgentlemen. {leet.upper()} here, call me."
    a = assess_ad(ad(body), kind="ad")
    f = next(f for f in a.indicators if f.id == "youth.youth_language")
    assert body[f.start : f.end] == f.matched
    assert f.matched.lower() != phrase  # it was found through folding


def test_title_hits_index_the_title_and_nothing_spans_the_seam(cat):
    phrase = cat.triggers(cat.indicator("youth.youth_language"), "en")[0]
    a = assess_ad(ad("Call me tonight.", title=f"Gentlemen: {phrase}!"), kind="ad")
    f = next(f for f in a.indicators if f.id == "youth.youth_language")
    assert f.field == "title" and f"Gentlemen: {phrase}!"[f.start : f.end].lower() == phrase
    words = phrase.split()
    if len(words) >= 2:
        split = assess_ad(ad(" ".join(words[1:]) + " tonight", title="Hi " + words[0]), kind="ad")
        assert "youth.youth_language" not in ids(split) or all(
            f.field for f in split.indicators if f.id == "youth.youth_language"
        )


def test_all_of_needs_every_reference(cat):
    ind = cat.indicator("recruit.no_experience_high_pay_abroad")
    parts = [cat.reference_terms(ref, "en")[0] for ref in ind.all_of]
    full = assess_ad(ad(". ".join(parts) + "."), kind="job_offer")
    assert ind.id in ids(full)
    partial = assess_ad(ad(". ".join(parts[:-1]) + "."), kind="job_offer")
    assert ind.id not in ids(partial)


def test_applies_to_and_public_only(cat):
    phrase = cat.triggers(cat.indicator("recruit.passport_held_by_employer"), "en")[0]
    body = f"Work abroad. {phrase}. New girl every week."
    as_job = assess_ad(ad(body), kind="job_offer")
    as_ad = assess_ad(ad(body), kind="ad")
    assert "recruit.passport_held_by_employer" in ids(as_job)
    assert "recruit.passport_held_by_employer" not in ids(as_ad)
    public = assess_ad(ad(body), kind="job_offer", public_only=True)
    assert public.indicators and all(f.public for f in public.indicators)
    assert all(cat.indicator(i).public for i in ids(public))


def test_store_signals_fire_at_the_catalogue_thresholds_without_a_span():
    base = ad("Call 0412 345 678", country="AU")
    below = assess_ad(base, signals={"contact_cities": 2, "contact_ads": 9, "contact_names": 2}, kind="ad")
    assert not {i for i in ids(below) if i.startswith("network.")}
    over = assess_ad(
        base,
        signals={"contact_cities": 3, "contact_ads": 10, "contact_names": 3, "template_contacts": 2},
        kind="ad",
    )
    net = [f for f in over.indicators if f.id.startswith("network.")]
    assert {f.id for f in net} == {
        "network.contact_reused_across_cities",
        "network.contact_reused_across_ads",
        "network.contact_reused_across_names",
        "network.template_reused",
    }
    assert all(f.field is None and f.start is None and f.matched is None for f in net)
    assert over.score > below.score


def test_computed_signals_from_extraction():
    a = ad("Two girls: Ana 19 years old and Mia 24 years old. WhatsApp +1 929 272 7898", country="US")
    sig = compute_signals(a, extract_ad(a), kind="ad")
    assert {"stated_age_18_to_22", "several_people", "messenger_only_contact"} <= set(sig)
    job = ad("Waitress wanted in Italy, 3000 EUR per month. Write on WhatsApp +39 347 123 4567")
    assert "no_company_identity" in compute_signals(job, extract_ad(job), kind="job_offer")
    company = ad(
        "Brightcrest Logistics Ltd is hiring a driver at 12 Station Road. Email hr@brightcrest.co.uk"
    )
    assert "no_company_identity" not in compute_signals(company, extract_ad(company), kind="job_offer")
    rent = ad("Room to let, $1,100 a month, deposit $1100. Call 207 459 5414", country="US")
    assert "price_deposit_upfront" not in compute_signals(rent, extract_ad(rent), kind="ad")


def test_kind_detection_uses_vocabulary_and_entities():
    job = ad("Farm workers needed abroad, no experience, high salary 3000 EUR per month, visa arranged")
    escort = ad("New girl in town, 21 years old, 200 per hour, incall and outcall", country="US")
    assert assess_ad(job).kind == "job_offer"
    assert assess_ad(escort).kind == "ad"
    assert detect_kind({}) == "ad"
    with pytest.raises(ValueError, match="kind must be"):
        assess_ad(escort, kind="classified")


def test_deterministic_and_batch_equals_single(cat):
    from tipwatch.demo import generate

    ads = [ad_from_dict(a) for a, _ in generate(3, 120)]
    one = [assess_ad(a).to_dict() for a in ads]
    many = [r.to_dict() for r in assess_many((a, None, None) for a in ads)]
    assert one == many == [assess_ad(a).to_dict() for a in ads]
    for a, r in zip(ads, many, strict=True):
        for f in r["indicators"]:
            if f["field"] is not None:
                assert getattr(a, f["field"])[f["start"] : f["end"]] == f["matched"]


def test_changing_the_catalogue_rescores(cat):
    a = ad("Sweet Lina, 17 years old. Incall.", country="US")
    before = assess_ad(a, kind="ad")
    heavier = [
        dataclasses.replace(i, weight=5, min_score=None) if i.id == "youth.stated_age_under_18" else i
        for i in cat.indicators
    ]
    changed = dataclasses.replace(cat, indicators=heavier, version="9.9.9")
    after = assess_ad(a, kind="ad", catalogue=changed)
    assert changed.fingerprint != cat.fingerprint
    assert after.catalogue_version == "9.9.9" and after.catalogue_fingerprint == changed.fingerprint
    assert after.score < before.score


@pytest.mark.parametrize(
    "text",
    ["1 " * 500_000, "a" * 10**6 + "@", "@" * 10**6, "12 " + "street " * 140_000, "via 1 " * 160_000],
)
def test_signals_on_hostile_text_are_fast(text):
    a = ad_from_dict({"id": "h", "body": text})
    empty = extract_ad(a, only=[])
    t = time.perf_counter()
    compute_signals(a, empty, kind="job_offer")
    assert time.perf_counter() - t < 1.0


# -- the child-protection floor (min_score) ---------------------------------------------------


def test_the_floor_indicators_are_the_clearly_child_ones_at_the_high_bands_minimum(cat):
    high = next(b for b in cat.bands if b.name == "high")
    floors = {i.id: i.min_score for i in cat.indicators if i.min_score is not None}
    assert floors == {"youth.stated_age_under_18": high.min, "youth.minor_terms": high.min}


@pytest.mark.parametrize(
    "text",
    [
        "New girl, 17 years old",
        "Neue, 17 Jahre alt, nur heute",
        "Underage girl available tonight",
        "Девушка, мне нет 18, пиши",
        "Ragazza minorenne disponibile",
    ],
)
def test_a_child_always_reaches_the_high_band_and_the_explanation_says_why(cat, text):
    a = assess_ad(ad(text), kind="ad")
    floored = [f for f in a.indicators if cat.indicator(f.id).min_score is not None]
    assert floored, ids(a)
    assert combine(f.weight for f in a.indicators) < 60  # the weights alone would leave it in review
    assert a.score == 60 and a.band == "high"
    assert any("always" in f.explanation and "high band for review" in f.explanation for f in floored)


def test_stated_age_explanation_names_the_policy(cat):
    a = assess_ad(ad("New girl, 17 years old"), kind="ad")
    f = next(f for f in a.indicators if f.id == "youth.stated_age_under_18")
    assert "a stated age under 18 always goes to the high band for review" in f.explanation


def test_the_floor_is_a_max_so_a_higher_noisy_or_score_stands(cat):
    text = "Sweet Lina, 17 years old, 100% real photos, new girl, no condom, my girls, deposit first. Incall only 24/7"
    a = assess_ad(ad(text), kind="ad")
    assert "youth.stated_age_under_18" in ids(a)
    assert a.score == combine(f.weight for f in a.indicators) > 60


def test_without_the_floor_the_score_is_the_noisy_or(cat):
    plain = [dataclasses.replace(i, min_score=None) for i in cat.indicators]
    bare = dataclasses.replace(cat, indicators=plain, version="9.9.9")
    a = assess_ad(ad("New girl, 17 years old"), kind="ad", catalogue=bare)
    assert a.score == combine(f.weight for f in a.indicators) < 60 and a.band == "review"


@pytest.mark.parametrize(
    "text",
    [
        "Adults only. No one under 18. Discreet and independent, 150 per hour.",
        "Interdit aux moins de 18 ans. Massage relaxant, sur rendez-vous.",
        "Vietato ai minorenni. Accompagnatrice indipendente, solo su appuntamento.",
        "2015 Ford Focus for sale, minor scratches on the bumper, full service history.",
        "Vendo carrinho de bebê, preço menor que na loja.",
        "Mochila para niños en edad escolar, muy buen estado.",
        "Рюкзак для детей школьного возраста, почти новый.",
    ],
)
def test_disclaimers_and_everyday_words_do_not_trigger_the_floor(text):
    a = assess_ad(ad(text))
    assert a.band != "high", [(f.id, f.matched) for f in a.indicators]
    assert "youth.minor_terms" not in ids(a)
