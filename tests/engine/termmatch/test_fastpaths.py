"""The speed-ups of the term matcher each give exactly what the plain way gives.

Every fast path (half index for fuzzy look-ups, array squeeze, leet regex that starts with the
symbol, batch decoding, batch camelCase test, canonical digit runs, numbers skipped) is checked
against the slow formulation it replaces, on random and hand-picked input.
"""

from __future__ import annotations

import random
import re
import time

import pytest
from rapidfuzz.distance import Levenshtein

from tipwatch.engine.termmatch import TermMatcher
from tipwatch.engine.termmatch._batch import lower_bytes, lower_token, lower_tokens
from tipwatch.engine.termmatch._fold import _LC, _LEET_RUN, _SQUEEZE_DEL, SPACED, has_spaced
from tipwatch.engine.termmatch._fold import _squeeze_text as squeeze_text
from tipwatch.engine.termmatch._fold import _squeezed_at as squeezed_at
from tipwatch.engine.termmatch._fuzzy import MIN_FUZZY_LEN, FuzzyIndex
from tipwatch.engine.termmatch._gate import _FREE_DIGITS, any_camel, canonical, has_camel

# the leet regex as it was written before it was made to start with the symbol
_OLD_LEET = re.compile(rf"(?<=[^\W\d_])[{_LC}]{{1,8}}(?![0-9])|(?<![0-9])[{_LC}]{{1,8}}(?=[^\W\d_])")
_ALPHABET = "aabeeklorsx 1035!|$@+.-_7Ñéñß²½Ⅻ\u0301и"


def _random_strings(n: int, seed: int, alphabet: str = _ALPHABET, size: int = 80) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, size))) for _ in range(n)]


# --- fuzzy: the half index finds what brute force finds --------------------------------------


def _brute(words: list[str], word: str) -> list[str]:
    near = {w for w in words if w != word and Levenshtein.distance(word, w) <= 1}
    squeezed = {
        w for w in words for i in range(1, len(w) - 1) if w[i - 1] == w[i + 1] and w[:i] + w[i + 2 :] == word
    }
    return sorted(near | squeezed)


def test_fuzzy_half_index_equals_brute_force():
    rng = random.Random(3)
    letters = "abelnorst"
    words = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(300)})
    index = FuzzyIndex(1)
    for w in words:
        index.add(w, w)
    probes = [*words]
    for w in words[:150]:  # every kind of one-edit neighbour, and some two-edit ones
        i = rng.randrange(len(w))
        probes += [w[:i] + w[i + 1 :], w[:i] + "x" + w[i:], w[:i] + "x" + w[i + 1 :], w[::-1], w + "zz"]
    probes += ["".join(rng.choice(letters) for _ in range(rng.randint(3, 11))) for _ in range(500)]
    for p in probes:
        expected = [] if len(p) < MIN_FUZZY_LEN - 1 else _brute(words, p)
        assert index.lookup(p) == expected, p
    assert index.lookup_many(probes) == {p: r for p in probes if (r := index.lookup(p))}
    two = FuzzyIndex(2)
    for w in words[:50]:
        two.add(w, w)
    assert two.lookup_many(probes[:300]) == {p: r for p in probes[:300] if (r := two.lookup(p))}


def test_fuzzy_finds_edits_at_either_end_and_in_the_middle():
    index = FuzzyIndex(1)
    index.add("prostitute", "p")
    for typo in ["rostitute", "xprostitute", "prostitutex", "prostitut", "prostiXute", "prostxtute"]:
        assert index.lookup(typo) == ["p"], typo
    assert index.lookup("prostute") == ["p"]  # one deletion, then squeezed
    assert index.lookup("prxstitxte") == []


# --- squeeze: numpy positions equal the regex ------------------------------------------------


def test_letter_class_of_the_array_squeeze_equals_the_regex_class():
    letter = re.compile(r"[^\W\d_]")
    for cp in range(0x110000):
        c = chr(cp)
        assert bool(letter.fullmatch(c)) == (c.isalnum() and not c.isdecimal()), hex(cp)


@pytest.mark.parametrize("seed", range(4))
def test_array_squeeze_equals_the_regex(seed):
    for t in _random_strings(300, seed, "aab  ee11__²²½½ÑÑéé\u0301\u0301ии..", size=200):
        assert squeezed_at(t) == [m.start() for m in _SQUEEZE_DEL.finditer(t)], t
        assert squeeze_text(t) == _SQUEEZE_DEL.sub("", t), t
    lone = "aa\ud800\ud800bb  " * 5  # lone surrogates pass through the array too
    assert squeeze_text(lone) == _SQUEEZE_DEL.sub("", lone)


# --- leet: the regex that starts with the symbol finds the same runs -------------------------


@pytest.mark.parametrize("seed", range(4))
def test_leet_regex_finds_what_the_look_behind_regex_found(seed):
    for t in _random_strings(400, seed):
        assert [m.span() for m in _LEET_RUN.finditer(t)] == [m.span() for m in _OLD_LEET.finditer(t)], t


# --- spaced-out letters: the hint never hides a match -----------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_has_spaced_equals_the_spaced_regex(seed):
    texts = _random_strings(600, seed, "ab x.-_ *~/,:\u00b7\u2022é1", size=30)
    texts += ["s.e.x", "s e x", "a b", "x s-e-x y", "s..e..x", "s . e . x", "ab c d", "s_e_x", "é·s·x"]
    for t in texts:
        assert has_spaced(t) == (SPACED.search(t) is not None), t


# --- batch decoding and camelCase --------------------------------------------------------------


def test_lower_tokens_equal_lower_token_one_by_one():
    texts = ["Ünïcode İstanbul ΣΟΦΟΣ ΟΔΟΣ straße", "ABC déf GHİ", "plain ascii words", "ǅemal ΣΑΣ"]
    _, low = lower_bytes(texts)
    tokens = [t for t in low.replace(b"\x1e", b" ").split(b" ") if t]
    assert lower_tokens(tokens) == [lower_token(t.decode("utf-8", "surrogatepass")) for t in tokens]
    assert lower_tokens([]) == []


@pytest.mark.parametrize("seed", range(3))
def test_any_camel_on_a_batch_equals_has_camel_text_by_text(seed):
    texts = _random_strings(200, seed, "aZ é\u00c9x\x1e", size=6)
    texts = [t.replace("\x1e", "") for t in texts]
    for k in range(0, len(texts), 7):
        batch = texts[k : k + 7]
        raw = "\x1e".join(batch).encode("utf-8", "surrogatepass")
        assert any_camel(raw) == any(has_camel(t) for t in batch), batch


# --- canonical digit runs and numbers: the gate still hides no hit ------------------------------


def test_free_digit_runs_touch_no_letter_and_no_leet_symbol():
    assert _FREE_DIGITS.sub("000", "example123.com/ad/4567") == "example123.com/ad/000"
    assert _FREE_DIGITS.sub("000", "(555)-0123") == "(000)-000"
    for kept in ["a1234", "1234a", "$1234", "1234!", "12", "x|123", "@123", "+123", "1234é", "é1234"]:
        assert _FREE_DIGITS.sub("000", kept) == kept, kept
    assert canonical("ad/4567", digit_forms=True, letterless_words=False) == "ad/000"
    assert canonical("ad/4567", digit_forms=True, letterless_words=True) == "ad/4567"
    assert canonical("ad4567/10", digit_forms=False, letterless_words=False) == "ad9/10"
    assert canonical("no digits", digit_forms=True, letterless_words=False) == "no digits"


def test_urls_and_numbers_with_digit_terms_lose_no_hit():
    # terms with digits switch the digit runs beside letters off the canonical form: the runs
    # between marks are all alike ("000"), the others are learnt as they are
    m = TermMatcher(["@mino_ra60", "kaxel19", "sex", "vinlo 2024"])
    texts = [
        "see example123.com/ad/4567 today",
        "see example123.com/ad/8910 or mino_ra60.com/ad/77",
        "kaxel19/ad/123 and kaxel19.com",
        "call 07700 900123, 1999 eur. s3x/ad/555",
        "vinlo 2024!",
        "1234 5678 9012",
        "go to x.com/kaxel19/000",
    ] * 7
    many = m.find_many(texts)
    assert many == [m._find_slow(t) for t in texts]
    assert [h.term for h in many[1]] == ["@mino_ra60"]
    assert [h.term for h in many[2]] == ["kaxel19", "kaxel19"]
    assert [h.term for h in many[4]] == ["vinlo 2024"]


def test_number_tokens_are_learnt_as_nothing_unless_a_term_word_is_a_number():
    m = TermMatcher(["sex"])
    m.find_many(["call 07700 900123 or 1999"])
    assert m._gate.get(b"900123") == 0  # known, and nothing to the gate
    with_number = TermMatcher(["room 101"])
    assert [h.matched for h in with_number.find("see room 101 now")] == ["room 101"]


# --- hostile input stays linear --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1" * 10**6 + "a",
        "a1" * 500_000,
        "$" * 10**6 + "a",
        "/" + "1" * 10**6 + "/",
        "aa" * 500_000,
        "a " * 500_000,
        " a." * 333_333,
        "a.b " * 250_000,
    ],
)
def test_new_fast_paths_are_linear_on_hostile_input(text):
    t0 = time.process_time()
    _LEET_RUN.findall(text)
    _FREE_DIGITS.sub("000", text)
    squeeze_text(text)
    has_spaced(text)
    any_camel(text.encode())
    assert time.process_time() - t0 < 1.0
