"""Number words lexicon (data/lexicons/numbers.yaml) and words_to_int."""

from __future__ import annotations

import pytest

from tipwatch.engine.text.numwords import LANGUAGES, number_lexicon, number_words, words_to_int

DIGITS = {
    "en": "zero one two three four five six seven eight nine",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
    "ru": "ноль один два три четыре пять шесть семь восемь девять",
    "ro": "zero unu doi trei patru cinci șase șapte opt nouă",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
    "pl": "zero jeden dwa trzy cztery pięć sześć siedem osiem dziewięć",
    "uk": "нуль один два три чотири п'ять шість сім вісім дев'ять",
}


def test_at_least_the_required_languages_are_present():
    assert set(DIGITS) <= set(LANGUAGES)


@pytest.mark.parametrize("lang", sorted(DIGITS))
def test_each_language_spells_the_ten_digits(lang):
    words = number_words(lang)
    assert [words[w] for w in DIGITS[lang].split()] == list(range(10))


@pytest.mark.parametrize("lang", sorted(DIGITS))
def test_each_language_has_teens_and_tens(lang):
    values = set(number_words(lang).values())
    assert set(range(10, 20)) <= values
    assert {20, 30, 40, 50, 60, 70, 80, 90} <= values


def test_variants_without_diacritics_and_phone_spellings():
    words = number_words()
    assert words["tres"] == words["três"] == 3
    assert words["sase"] == words["șase"] == words["şase"] == 6
    assert words["zero"] == words["zéro"] == 0
    assert words["for"] == words["fore"] == 4
    assert words["to"] == words["too"] == 2
    assert words["oh"] == words["o"] == 0  # English "o" wins over Romanian "o" (= one)
    assert words["nein"] == 9
    assert words["dix sept"] == words["dix-sept"] == 17


def test_keys_are_lower_case_and_values_integers():
    for lang in LANGUAGES:
        for word, value in number_lexicon()[lang]["words"].items():
            assert word == word.lower()
            assert isinstance(value, int) and 0 <= value <= 1000


def test_ambiguous_words_are_number_words_of_their_language():
    for lang in LANGUAGES:
        section = number_lexicon()[lang]
        assert set(section["ambiguous"]) <= set(section["words"])
    assert {"to", "too", "for"} <= set(number_lexicon()["en"]["ambiguous"])


def test_unknown_language_is_empty():
    assert number_words("xx") == {}


@pytest.mark.parametrize(
    ("tokens", "value"),
    [
        (["twenty", "one"], 21),
        (["twenty-one"], 21),
        (["veintiuno"], 21),
        (["treinta", "y", "dos"], 32),
        (["двадцать", "один"], 21),
        (["douăzeci", "și", "unu"], 21),
        (["douazeci", "si", "unu"], 21),
        (["vingt", "et", "un"], 21),
        (["quatre-vingt-dix"], 90),
        (["soixante-dix-huit"], 78),
        (["quatre", "vingt", "douze"], 92),
        (["dix", "sept"], 17),
        (["vinte", "e", "um"], 21),
        (["einundzwanzig"], 21),
        (["dieciocho"], 18),
        (["Nineteen"], 19),
        (["one", "hundred", "five"], 105),
        (["two", "thousand", "twenty", "four"], 2024),
        (["21"], 21),
    ],
)
def test_words_to_int_reads_numbers(tokens, value):
    assert words_to_int(tokens) == value


@pytest.mark.parametrize(
    "tokens",
    [[], ["one", "two"], ["twenty", "twenty"], ["and"], ["twenty", "and"], ["hello"], ["five", "sixty"]],
)
def test_words_to_int_rejects_what_is_not_one_number(tokens):
    assert words_to_int(tokens) is None
