"""Folding: what each step does, the offset map, and that the fast paths agree with it."""

from __future__ import annotations

import pytest

from tipwatch.engine.termmatch import fold
from tipwatch.engine.termmatch._fold import SPACED, fold_plain, lower_texts, token_words

from .conftest import benign_lines, corpus_pairs


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("s3x", "sex"),
        ("3sc0rt", "escort"),
        ("$ex", "sex"),
        ("s@x", "sax"),
        ("S.E.X", "sex"),
        ("s e x", "sex"),
        ("s-e-x", "sex"),
        ("s_e_x", "sex"),
        ("seeexxxy", "sexy"),
        ("niña", "nina"),
        ("Ștefan Țară", "stefan tara"),
        ("s\u200be\u200dx", "sex"),
        ("hot ѕех now", "hot sex now"),  # Cyrillic look-alikes in a Latin text
        ("прoститутка", "проститутка"),  # a Latin o inside a Cyrillic word
        ("Ищу ceкс", "ищу секс"),  # a word of look-alikes in a Cyrillic text
        ("интим", "интим"),
        ("проституууутка", "проститутка"),
        ("Straße", "strase"),
        ("ΣΟΦΙΑΣ", "σοφιασ"),
    ],
)
def test_fold_steps(text, folded):
    assert fold(text).text.strip() == folded


@pytest.mark.parametrize(
    "text",
    ["call 555 0123", "$200 or 150$", "24/7", "+44 7700 900123", "room 101", "c++ wow! @handle"],
)
def test_digit_runs_and_lone_symbols_stay(text):
    folded = fold(text).text
    for digits in ("555", "0123", "200", "150", "24", "7", "44", "7700", "900123", "101"):
        if digits in text:
            assert digits in folded
    assert "handle" in fold("@handle").text and "ahandle" not in fold("@handle").text
    assert fold("wow!").text.strip() == "wow"


def test_ambiguous_leet_has_a_second_reading():
    assert fold("g1rl").text == "girl"
    assert fold("ki11").text == "ki"  # "kiii", squeezed
    assert fold("ki11", alt=True).text == "kil"
    assert fold("l0l1ta").text == "lolita"
    assert fold("wi1d", alt=True).text == "wild"


@pytest.mark.parametrize(
    "text",
    [
        "Hot S.E.X &amp; 3sc0rt  now",
        "seeexxxy  g1rls\u200b in Madrid",
        "Niña bonita, ΣΟΦΙΑ",
        "прoститутка   интим",
        "İstanbul ınfo Straße",
        "new born secks\nraype_abduct",
        "4️⃣ s e x y ① ",
    ],
)
def test_offsets_map_every_character_back(text):
    f = fold(text)
    assert len(f.offsets) == len(f.text) + 1 and f.offsets[-1] == len(text)
    assert len(f.ends) == len(f.text)
    for i, c in enumerate(f.text):
        s, e = f.span(i, i + 1)
        assert 0 <= s < e <= len(text)
        piece = text[s:e]
        if len(piece) == 1 and piece.isascii() and piece.isalpha() and c.isascii():
            assert piece.lower() == c
        if c == " ":
            assert not fold_plain(piece).strip()


def test_span_of_an_obfuscated_word_is_the_whole_original():
    text = "so hot S.E.X tonight"
    f = fold(text)
    i = f.text.index("sex")
    s, e = f.span(i, i + 3)
    assert text[s:e] == "S.E.X"
    text = "seeexxxy"
    f = fold(text)
    assert f.span(0, len(f.text)) == (0, len(text))


def test_fold_without_offsets_equals_fold_with_offsets():
    texts = [p["text"] for p in corpus_pairs()] + benign_lines()[:400]
    for text in texts:
        assert fold_plain(text) == fold(text).text
        assert fold_plain(text, alt=True) == fold(text, alt=True).text


def test_token_words_cover_every_word_of_the_folded_text():
    # the gate of TermMatcher relies on this: a folded word not among the token readings can
    # only come from letters spaced out across tokens, which the gate checks with SPACED
    texts = [p["text"] for p in corpus_pairs()] + benign_lines()
    _, lowered = lower_texts(texts)
    for text, low in zip(texts, lowered, strict=True):
        readings: set[str] = set()
        for tok in low.split():
            readings |= token_words(tok)
        for variant in (fold(text), fold(text, alt=True)):
            missing = set(variant.text.split()) - readings
            assert not missing or SPACED.search(low), (text, missing)
