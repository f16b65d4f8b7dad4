"""TermMatcher: the public contract, the kinds of hits, the allowlist, robustness."""

from __future__ import annotations

import time

import pytest

import tipwatch.engine.termmatch as tm
from tipwatch.engine.termmatch import KINDS, Match, TermMatcher
from tipwatch.engine.termmatch._gate import has_camel
from tipwatch.engine.termmatch._matcher import _CAMEL
from tipwatch.engine.termmatch._scan import MAX_MATCHES

from .conftest import benign_lines, corpus_pairs


def hits(m: TermMatcher, text: str) -> list[tuple[str, str, str]]:
    return [(h.term, h.matched, h.kind) for h in m.find(text)]


def test_public_api_is_small_sorted_and_complete():
    assert tm.__all__ == sorted(tm.__all__)
    assert {"TermMatcher", "Match", "fold", "Folded"} <= set(tm.__all__)
    assert KINDS == ("exact", "folded", "phonetic", "fuzzy")


@pytest.mark.parametrize(
    ("text", "term", "matched", "kind"),
    [
        ("new born secks", "sex", "secks", "phonetic"),
        ("raype abduct", "rape", "raype", "phonetic"),
        ("hot s3x tonight", "sex", "s3x", "folded"),
        ("3sc0rt service", "escort", "3sc0rt", "folded"),
        ("s.e.x party", "sex", "s.e.x", "folded"),
        ("S E X party", "sex", "S E X", "folded"),
        ("seeexxxy girls", "sexy", "seeexxxy", "folded"),
        ("Sex", "sex", "Sex", "exact"),
        ("so hot ѕех now", "sex", "ѕех", "folded"),  # Cyrillic look-alikes in a Latin text
        ("s\u200be\u200bx", "sex", "s\u200be\u200bx", "folded"),
        ("seks", "sex", "seks", "phonetic"),  # Polish / Slovene
        ("escorts here", "escort", "escorts", "fuzzy"),
        ("newbornsecks", "sex", "secks", "phonetic"),
        ("newbornsecks", "newborn", "newborn", "exact"),
        ("raype_abduct", "rape", "raype", "phonetic"),
        ("hot_s3x_girl", "sex", "s3x", "folded"),
        ("#NewbornSecks", "sex", "Secks", "phonetic"),
        ("new-born babies", "newborn", "new-born", "folded"),
        ("Golden-Star Model$", "Golden Star Models", "Golden-Star Model$", "folded"),
        ("GoldenStarModels.com", "Golden Star Models", "GoldenStarModels", "folded"),
        ("прoститутка и интим", "проститутка", "прoститутка", "folded"),
        ("интиим", "интим", "интиим", "folded"),
        ("Niña", "niña", "Niña", "exact"),
        ("nina", "niña", "nina", "folded"),
    ],
)
def test_obfuscated_forms_match_with_spans_into_the_original(text, term, matched, kind):
    m = TermMatcher(
        ["sex", "sexy", "rape", "escort", "newborn", "Golden Star Models", "проститутка", "интим", "niña"]
    )
    found = m.find(text)
    assert (term, matched, kind) in [(h.term, h.matched, h.kind) for h in found]
    for h in found:
        assert text[h.start : h.end] == h.matched


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United",
        "Essex and Middlesex",
        "Sussex coast",
        "a brass sextant",
        "string sextet",
        "Anne Sexton",
        "data analysis",
        "senior analyst",
        "licensed therapist",
        "grape harvest",
        "new drapes",
        "scrape it",
        "cocktail bar",
        "assassin",
        "classic cars",
        "bass guitar",
        "bus pass",
        "Dickens",
        "Penistone",
        "Cockermouth",
        "sechs Zimmer",
        "na sexta-feira",
        "o sexto andar",
        "company seeks staff",
        "30 secs rest",
        "six socks",
        "rap night",
        "oilseed rape fields",
        "fromage râpé",
        "sexual health clinic",
        "#Middlesex",
        "EsssexLife",
        "jessicasmith",
    ],
)
def test_benign_words_do_not_hit(text):
    m = TermMatcher(["sex", "rape", "anal", "ass", "cock", "dick", "penis", "cunt", "tit"])
    assert m.find(text) == []


def test_keys_come_back_and_plain_terms_are_their_own_key():
    m = TermMatcher([("EuroJobs Agency", "watch-17"), "sex"])
    found = m.find("eur0jobs agency and s3x")
    assert [(h.term, h.key) for h in found] == [("EuroJobs Agency", "watch-17"), ("sex", "sex")]
    assert isinstance(found[0], Match) and found[0].to_dict()["kind"] == "folded"


def test_order_is_by_start_then_term_and_deterministic():
    m = TermMatcher(["sexy", "sex", "girls", "sexy girls"])
    text = "girls: seeexxxy girls and s3x"
    first = m.find(text)
    assert [(h.start, h.term) for h in first] == sorted((h.start, h.term) for h in first)
    assert first == m.find(text) == TermMatcher(["sexy girls", "girls", "sex", "sexy"]).find(text)


def test_find_many_equals_find_and_the_gate_never_hides_a_hit(matcher):
    texts = [p["text"] for p in corpus_pairs()] + benign_lines()[:300] + ["", " ", "x"]
    many = matcher.find_many(texts)
    assert many == [matcher.find(t) for t in texts]
    # the full scan is the reference: the batch gate may only skip texts without hits
    assert many == [matcher._find_slow(t) for t in texts]


def test_the_gate_never_hides_a_hit_in_mixed_batches(matcher):
    # the gate's fast paths: batches normalise does not change (one test for all), tokens as
    # UTF-8 bytes lower-cased byte by byte, plain words, ASCII tokens folded together
    pairs = [p["text"] for p in corpus_pairs()]
    extra = [
        "ÉSCORT Ñiña señora, Ştiinţă DÉJÀ vu!",
        "ΟΔΟΣ ΣΕΞ and İSTANBUL girls",
        "call\x1eme s\x1ee\x1ex",
        "tab\tsecks &amp; s&eacute;x",
        "S E X,  double  spaces\n\nnew lines",
        "example983.com/ad/704148 @h0tgirls_1 1l1|! 3sc0rt$",
        "Wow! Team, hours. Secks? Sexxy; PROSTITUTE: done",
        "прoститутка and cekc in a Cyrillic text",
    ]
    texts = [x for pair in zip(pairs, benign_lines()[: len(pairs)], strict=False) for x in pair]
    for k, x in enumerate(extra):
        texts.insert(k * 41 % len(texts), x)
    many = matcher.find_many(texts)
    assert many == [matcher._find_slow(t) for t in texts]
    assert any(many[texts.index(x)] for x in extra)


@pytest.mark.parametrize(
    "text",
    ["", "a", "aB", "AB ab", "newBorn", "ÉcoleNormale", "éB", "a\u00e9B", "x yZ", "A b C", "ab\ud800Cd"],
)
def test_camel_case_test_agrees_with_the_regex(text):
    assert has_camel(text) == bool(_CAMEL.search(text))


def test_terms_without_letters_are_found_in_batches():
    # a watchlist with a phone number: tokens without letters are learnt too, and the separator
    # between the texts of a batch is no token of its own
    m = TermMatcher(["07700 900123", "0044 7700", "sex"])
    texts = ["call 07700 900123 now", "nothing here 12 34", "s3x 0044 7700!", "x", "", "07700900123"] * 9
    many = m.find_many(texts)
    assert many == [m._find_slow(t) for t in texts]
    assert [h.matched for h in many[0]] == ["07700 900123"] and len(many[2]) == 2


def test_whole_words_off_finds_substrings_but_the_allowlist_still_applies():
    m = TermMatcher(["sex"], whole_words=False)
    assert hits(m, "sexual") == [("sex", "sex", "exact")]
    assert m.find("Essex") == []
    assert TermMatcher(["sex"]).find("sexual health") == []


def test_extra_allowlist_and_terms_that_contain_an_allowlisted_word():
    assert TermMatcher(["sex"], allowlist=["hotsex"]).find("hotsex") == []
    assert TermMatcher(["sex"]).find("hotsex") != []
    # an analyst watching "Essex Girls" must see it, allowlist or not
    assert [h.term for h in TermMatcher(["Essex Girls"]).find("essex girls agency")] == ["Essex Girls"]
    assert [h.term for h in TermMatcher(["rap"]).find("rap night")] == ["rap"]


def test_switches_turn_off_phonetic_and_fuzzy():
    assert hits(TermMatcher(["sex"], phonetic=False), "secks") == []
    assert hits(TermMatcher(["escort"], max_edits=0), "escorts here") == []
    two = TermMatcher(["prostitute"], max_edits=2, phonetic=False)
    assert hits(two, "prostytoote") == [("prostitute", "prostytoote", "fuzzy")]
    assert hits(TermMatcher(["prostitute"], phonetic=False), "prostytoote") == []


def test_short_terms_squeezed_shorter_need_their_double_letters():
    m = TermMatcher(["ass", "anna"])
    assert m.find("as soon as possible, ana") == []
    assert [h.matched for h in m.find("nice a$$ and annna")] == ["a$$", "annna"]


def test_fuzzy_needs_five_letters():
    m = TermMatcher(["puta", "escort"], phonetic=False)
    assert m.find("pata") == []
    assert hits(m, "escorx") == [("escort", "escorx", "fuzzy")]


def test_bad_arguments_are_reported_with_the_place():
    with pytest.raises(ValueError, match="term #2"):
        TermMatcher(["sex", "!!!"])
    with pytest.raises(TypeError, match="term #1"):
        TermMatcher([42])
    with pytest.raises(ValueError, match="max_edits"):
        TermMatcher(["sex"], max_edits=-1)
    with pytest.raises(TypeError, match="text #2"):
        TermMatcher(["sex"]).find_many(["ok", None])


def test_no_terms_no_hits():
    assert TermMatcher([]).find("s3x") == []
    assert len(TermMatcher(["a b", "c"])) == 2


def test_long_texts_are_matched_in_pieces_without_losing_or_inventing_hits():
    m = TermMatcher(["rape", "golden star models"])
    text = ("oilseed rape " * 7000) + "golden star models " + ("filler words " * 7000) + "r4pe"
    found = m.find(text)
    assert [(h.term, h.matched) for h in found] == [
        ("golden star models", "golden star models"),
        ("rape", "r4pe"),
    ]
    for h in found:
        assert text[h.start : h.end] == h.matched


def test_a_flood_of_hits_stops_at_the_cap():
    m = TermMatcher(["sex"])
    found = m.find("s3x " * 50000)
    assert len(found) == MAX_MATCHES
    assert found[0].start == 0


HOSTILE = [
    "1 " * 500000,
    "a" * 10**6 + "@",
    "@" * 10**6,
    "s3x!1|@$ " * 100000,
    "a1@ " * 250000,
    "s e x " * 100000,
    "s.e.x." * 150000,
    "sex" * 300000,
    "NewbornSecks" * 80000,
    "s\u200be\u200bx " * 100000,
    "9" * 10**6,
    "s" + "e" * 10**6 + "x",
    "прoститутка " * 80000,
    "&amp;" * 200000,
    "_" * 10**6,
    "a_" * 500000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_megabyte_inputs_finish_quickly(matcher, text):
    t0 = time.perf_counter()
    matcher.find(text)
    assert time.perf_counter() - t0 < 1.0


def test_docstring_examples_run():
    import doctest

    from tipwatch.engine.termmatch import _fold, _matcher

    for mod in (tm, _fold, _matcher):
        failed, attempted = doctest.testmod(mod)
        assert failed == 0 and attempted > 0, mod.__name__
