"""Folding: what each step does, the offset map, and that the fast paths agree with it."""

from __future__ import annotations

import pytest

from tipwatch.engine.termmatch import fold
from tipwatch.engine.termmatch._batch import (
    SEP_BYTES,
    ascii_token_words,
    lower_bytes,
    lower_texts,
    lower_token,
    plain_tokens,
    token_words,
)
from tipwatch.engine.termmatch._fold import SPACED, fold_plain

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
    # the matcher leaves accents to token_words: the tokens cover the text either way
    for strip in (True, False):
        _, lowered = lower_texts(texts, strip_latin=strip)
        for text, low in zip(texts, lowered, strict=True):
            readings: set[str] = set()
            for tok in low.split():
                readings |= token_words(tok)
            for variant in (fold(text), fold(text, alt=True)):
                missing = set(variant.text.split()) - readings
                assert not missing or SPACED.search(low), (text, missing)


def test_plain_tokens_fold_as_token_words_does():
    toks = [
        "team,",
        "hours.",
        "Wow!",
        "seeexxy",
        "taxi",
        "taxi,",
        "s3x",
        "a",
        "a.",
        "example1.com",
        "niño",
        "",
    ]
    lowered = [t.lower() for t in toks if t]
    plain, words, others = plain_tokens(lowered)
    assert plain and others
    assert sorted(plain + others) == list(range(len(lowered)))
    for i, word in zip(plain, words, strict=True):
        assert token_words(lowered[i]) == {word}, lowered[i]
    # Cyrillic look-alikes, leetspeak: the full path
    assert {"taxi", "s3x"} <= {lowered[i] for i in others}
    for line in benign_lines()[:300]:
        line_tokens = lower_texts([line])[1][0].split()
        plain, words, _ = plain_tokens(line_tokens)
        for i, word in zip(plain, words, strict=True):
            assert token_words(line_tokens[i]) == {word}, line_tokens[i]


def test_lower_bytes_gives_the_tokens_of_lower_texts():
    texts = [p["text"] for p in corpus_pairs()] + benign_lines()
    texts += ["ΟΔΟΣ Σ ΣΑΣ", "İstanbul İZMİR", "a &amp; b", "x\x1ey", "tab\there", "  two  spaces "]
    for start in range(0, len(texts), 37):
        batch = texts[start : start + 37]
        normalised, low = lower_bytes(batch)
        _, lowered = lower_texts(batch, strip_latin=False)
        pieces = low.split(SEP_BYTES)
        assert len(pieces) == len(batch) == len(normalised)
        for piece, want in zip(pieces, lowered, strict=True):
            got = [lower_token(t.decode("utf-8", "surrogatepass")) for t in piece.split()]
            assert got == want.split(), want


def test_ascii_token_words_equal_token_words_one_by_one():
    toks = {
        tok
        for line in benign_lines() + [p["text"] for p in corpus_pairs()]
        for tok in lower_texts([line])[1][0].split()
        if tok.isascii()
    }
    toks |= {"s3x!", "h0t|", "1l1", "example983.com/ad/704148", "@fenfen_lolin24", "3xo", "s.e.x", "a", "c++"}
    toks |= {"$$", "4ss", "!", "wow!", "a-b-c", "x__y", "--", "co0ol", "k1ss,", "ta.xi", "|<", "8008", "7h3m"}
    ordered = sorted(toks)
    assert ascii_token_words(ordered) == [token_words(t) for t in ordered]
    assert ascii_token_words([]) == []
