"""The speed-ups of the s1 pass keep behaviour: batched language id and extraction, the batched
pipeline, the phone scanner's early group test, the windowed end-anchored phone filters, the
price extractor's symbol test, and the gazetteer's fold cache."""

from __future__ import annotations

import random
import re
import time

import pytest

from tipwatch.demo import generate
from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import _gazetteer, extract_ad, extract_ads, phones, prices
from tipwatch.engine.extract._data import fold
from tipwatch.engine.extract._phone_lexicon import phone_lexicon
from tipwatch.engine.extract._phone_scan import scan
from tipwatch.engine.extract.context import build_context, build_contexts
from tipwatch.engine.extract.language import (
    _ENOUGH_LETTERS_RE,
    MIN_LETTERS,
    _model,
    detect_language,
    detect_languages,
)
from tipwatch.engine.pipeline import extract_line, extract_lines


@pytest.fixture(scope="module")
def demo_ads():
    return [ad for ad, _truth in generate(5, 400)]


def _one_by_one(texts):
    from tipwatch.engine.extract import language

    language._CACHE.clear()  # each answer computed afresh, not read back from the batch
    return [detect_language(t) for t in texts]


LANG_TEXTS = [
    "",
    "short",
    "Hola, soy nueva en la ciudad, llámame para más información",
    "Hi gentlemen, I am Jane, new in town. Available for incall and outcall, call me.",
    "ПРИВЕТ ВСЕМ КАК ДЕЛА У ВАС СЕГОДНЯ ВЕЧЕРОМ",
    "Привіт, я нова в місті, дзвони мені будь ласка",
    "Здравейте, аз съм нова в града, обадете се",
    "Γεια σας, είμαι καινούργια στην πόλη, τηλεφωνήστε μου",
    "Bonjour, je suis nouvelle en ville, appelez-moi ce soir",
    "Hola, soy nueva en la ciudad, llámame para más información",  # a repeat in the same batch
    "12345 678 90 +1 ... !!!",
    "x" * 5000,
]


def test_batched_language_matches_one_at_a_time():
    from tipwatch.engine.extract import language

    language._CACHE.clear()
    batch = detect_languages(LANG_TEXTS)
    assert batch == _one_by_one(LANG_TEXTS)
    assert batch[0] is None and batch[1] is None and batch[2] == "es" and batch[9] == "es"


def test_model_batch_scores_like_single_texts(demo_ads):
    model = _model()
    texts = [f"{a.get('title') or ''} {a['body']}"[:200] for a in demo_ads[:200]]
    texts += ["SHOUTED TEXT READS LIKE LOWER CASE TEXT", "ÿ\udcff lone surrogate", "a"]
    assert model.classify_many(texts) == [model.classify_many([t])[0] for t in texts]
    assert model.classify_many(texts[:3]) == [model.classify(t) for t in texts[:3]]


@pytest.mark.parametrize(
    ("text", "enough"),
    [
        ("a" * (MIN_LETTERS - 1), False),
        ("a" * MIN_LETTERS, True),
        ("1 a " * (MIN_LETTERS - 1) + "1", False),
        ("1 a " * MIN_LETTERS, True),
        ("é_" * MIN_LETTERS, True),  # accented letters count, "_" does not
        ("_9" * 100, False),
    ],
)
def test_enough_letters_counts_like_the_letter_runs(text, enough):
    letters = sum(map(len, re.findall(r"[^\W\d_]+", text)))
    assert (letters >= MIN_LETTERS) is enough
    assert (_ENOUGH_LETTERS_RE.match(text) is not None) is enough


def test_build_contexts_match_build_context(demo_ads):
    ads = [ad_from_dict(a) for a in demo_ads[:150]]
    for region in (None, "GB"):
        batch = build_contexts(ads, fallback_region=region)
        for ad, ctx in zip(ads, batch, strict=True):
            one = build_context(ad, fallback_region=region)
            assert (ctx.region, ctx.language) == (one.region, one.language)
            assert [f.text for f in ctx.fields] == [f.text for f in one.fields]


def test_extract_ads_matches_extract_ad(demo_ads):
    ads = [ad_from_dict(a) for a in demo_ads]
    for kwargs in ({}, {"region": "US"}, {"only": ["phone", "price"]}):
        batch = [r.to_dict() for r in extract_ads(ads, **kwargs)]
        assert batch == [extract_ad(ad, **kwargs).to_dict() for ad in ads]
    assert extract_ads([]) == []


def test_batched_pipeline_keeps_order_blank_and_bad_lines(demo_ads):
    import orjson

    lines = [orjson.dumps(a) + b"\n" for a in demo_ads[:150]]
    lines[3] = b"\n"  # blank: no output
    lines[10] = b"{not json\n"
    lines[70] = b'{"id": "x", "country": "ZZZ", "body": "hi"}\n'
    lines[71] = b"[1, 2]\n"
    lines.append(b'{"id": "last", "body": "call 0412 345 678", "country": "AU"}')
    expected = [
        orjson.dumps(r) for i, line in enumerate(lines, 1) if (r := extract_line(line, i)) is not None
    ]
    got = list(extract_lines(lines))
    assert got == expected
    assert len(got) == len(lines) - 1
    assert b'"error"' in got[9] and b'"line":11' in got[9]
    assert b"+61412345678" in got[-1]


def test_pipeline_one_line_at_a_time_still_streams():
    fed = []

    def lines():
        for i in range(3):
            fed.append(i)
            yield b'{"id": "%d", "body": "call 0412 345 678", "country": "AU"}' % i

    out = extract_lines(lines())
    first = next(out)
    assert b'"id":"0"' in first
    assert fed == [0, 1, 2]  # the batch was read (it is shorter than BATCH), then results come


def _runs(text):
    return [[(a.start, a.end, a.kind) for a in run.atoms] for run in scan(text, phone_lexicon())]


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("call 929 272 7898 now", [[(5, 8, "digits"), (9, 12, "digits"), (13, 17, "digits")]]),
        ("in 2000 we had 12 rooms 4 u", []),  # lone short groups are dropped without a run
        ("1234567", [[(0, 7, "digits")]]),
        ("123456", []),
        ("1 2 3 4 5 6 7", [[(k, k + 1, "digits") for k in range(0, 13, 2)]]),
        ("for80 2sixseven", []),  # six digits only
        ("txt me for80 2sixseven one9zerofor", [[(7, 12, "mixed"), (13, 22, "mixed"), (23, 34, "mixed")]]),
        (
            "12 34\n56 78 90 12",
            [[(6, 8, "digits"), (9, 11, "digits"), (12, 14, "digits"), (15, 17, "digits")]],
        ),
    ],
)
def test_scan_groups_exact_spans(text, runs):
    assert _runs(text) == runs


HOSTILE = {
    "spaced_ones": "1 " * 500_000,
    "letters_at": "a" * 10**6 + "@",
    "ats": "@" * 10**6,
    "words": "one " * 250_000,
    "mixture": ("9 2 9 272 7898 for80 $ 200/hr @jane " * 30_000)[: 10**6],
    "letters_digits": "a1" * 500_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_finish_fast(name):
    text = HOSTILE[name]
    t0 = time.process_time()
    _ENOUGH_LETTERS_RE.match(text)
    detect_languages([text, text[:1000]])
    scan(text.lower(), phone_lexicon())
    _gazetteer.Tokens(text)
    assert time.process_time() - t0 < 2.0  # about 0.3 s on a quiet core


def test_whole_extraction_of_a_hostile_ad_is_bounded():
    ad = ad_from_dict({"id": "h", "body": HOSTILE["mixture"], "country": "US"})
    t0 = time.process_time()
    extract_ads([ad])
    assert time.process_time() - t0 < 20.0  # every extractor bounds its own work per field


def test_windowed_end_anchored_phone_filters_agree_with_full_search():
    rng = random.Random(7)
    words = (
        "id ref ref. reference order code código код postcode post code iban nr invoice rechnung commande "
        "tarjeta anúncio listing # nº № n° usd eur gbp rub lei $ € £ ₽ ₹ a b x 9"
    ).split(" ")
    seps = ["", " ", "  ", ":", ": ", "\n", "-- ", ". "]
    for _ in range(20_000):
        before = "".join(rng.choice(words) + rng.choice(seps) for _ in range(rng.randint(0, 10)))[-48:]
        n = len(before)
        assert bool(phones._CURRENCY_BEFORE.search(before)) == bool(
            phones._CURRENCY_BEFORE.search(before, max(0, n - 6))
        ), before
        assert bool(phones._ID_BEFORE.search(before)) == bool(
            phones._ID_BEFORE.search(before, max(0, n - 16))
        ), before


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("only $200/hr", [(5, 12, "200", "USD")]),
        ("R$ 300 por hora", [(0, 15, "300", "BRL")]),
        ("US$ 80 qv", [(0, 9, "80", "USD")]),
        ("EUR 150 per hour", [(0, 16, "150", "EUR")]),
        ("Price: 150 EUR", [(7, 14, "150", "EUR")]),
        ("X 150 per hour", [(2, 14, "150", None)]),  # "X" is no currency code
        ("ZŁ200 za godzinę", []),
        ("100 zł", [(0, 6, "100", "PLN")]),
        ("Цена 5000₽ в час", [(5, 16, "5000", "RUB")]),
        ("room 12, (250 roses)", [(10, 19, "250", "USD")]),
    ],
)
def test_currency_before_the_amount(text, found):
    got = [(s, e, v, a["currency"]) for s, e, v, a in prices.find_prices(text, None)]
    assert got == found


def test_fold_cache_is_fold_and_bounded(monkeypatch):
    words = ["são", "москве", "paris", "łódź", "İstanbul".lower(), "straße"]
    assert [_gazetteer._FOLDED[w] for w in words] == [w if w.isascii() else fold(w) for w in words]
    cache = _gazetteer._FoldCache()
    for k in range(100_005):
        cache[f"é{k}"]
    assert len(cache) <= 100_000
    toks = _gazetteer.Tokens("Nouvelle à São Paulo, près de Łódź")
    assert toks.words == ["nouvelle", "a", "sao", "paulo", "pres", "de", "łodz"]  # ł has no decomposition


def _old_suffix_hits(low, lex):
    # the loop _suffix_hits replaced: one str.find scan of the text per suffix word
    out = []
    for suffix in lex["suffix_words"]:
        pos = low.find(suffix)
        while pos != -1:
            end = pos + len(suffix)
            if pos and low[pos - 1].isspace() and (end >= len(low) or not low[end].isalnum()):
                out.append((suffix, pos))
            pos = low.find(suffix, pos + 1)
    return out


SUFFIX_TEXTS = [
    "I am twenty two years old, new in town",
    "tengo veintidós años de edad y soy nueva",
    "ich bin zweiundzwanzig jahre alt\nund neu",
    "мне двадцать два года, звони\tмне лет",
    "douăzeci de ani. trans latin lat lata yo y/o y.o. 22yo",
    " ani\u00a0ani\u2003ani  anos de idade ans révolus years-old",
    "",
    "years",
    " years",
]


@pytest.mark.parametrize("text", SUFFIX_TEXTS)
def test_suffix_hits_match_a_find_per_suffix(text):
    from tipwatch.engine.extract.ages import _lex, _suffix_hits

    low = text.lower()
    assert _suffix_hits(low, _lex()) == _old_suffix_hits(low, _lex())


def test_suffix_hits_random_texts():
    from tipwatch.engine.extract.ages import _lex, _suffix_hits

    rng = random.Random(3)
    pieces = [*_lex()["suffix_words"], "x", "9", " ", "  ", "\n", ",", "-", "é", "ani9", "yoga"]
    for _ in range(3000):
        low = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert _suffix_hits(low, _lex()) == _old_suffix_hits(low, _lex()), low


def test_word_ages_on_hostile_suffix_floods_are_bounded():
    from tipwatch.engine.extract.ages import find_ages

    for text in (" ani" * 250_000, " twenty years" * 80_000, "years " * 170_000):
        t0 = time.process_time()
        list(find_ages(text))
        assert time.process_time() - t0 < 3.0
