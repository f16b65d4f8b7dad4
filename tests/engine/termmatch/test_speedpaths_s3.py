"""The speed-ups of round 3 each give exactly what the general way gives.

Fold with offsets of a text normalise leaves alone (identity map), the folded text split into
words, numbers learnt without a call, the byte-array camelCase and double-space tests, the batch
of canonical memo keys, plain tokens sorted on the bytes, one-edit candidates checked by one
rapidfuzz call, the phonetic guards computed once per term word, the keyed stretches of the
phonetic windows, the gate's translate: each is checked against the formulation it replaces, on
random and hand-picked input.
"""

from __future__ import annotations

import random
import re

import pytest
from rapidfuzz.distance import Levenshtein

from tipwatch.engine.termmatch import TermMatcher, _matcher, _phonetic
from tipwatch.engine.termmatch._batch import (
    _DOUBLE_SPACE,
    _NEWLINE_PAIR,
    _double_white,
    joined_bytes,
    joined_raw,
    lower_bytes,
    lower_tokens,
    plain_bytes,
    plain_tokens,
)
from tipwatch.engine.termmatch._fold import SEP, Folded, _is_plain, fold_read
from tipwatch.engine.termmatch._fuzzy import MIN_FUZZY_LEN, FuzzyIndex
from tipwatch.engine.termmatch._gate import _CAMEL_BYTES, _CAMEL_PAIR, any_camel, canonical, canonical_many
from tipwatch.engine.termmatch._gate import GATE_BYTES as _GATE_BYTES
from tipwatch.engine.termmatch._scan import _WORDS, _split_words
from tipwatch.engine.text import normalise

_ALPHABET = "aabeeklorsx 1035!|$@+.-_7Ñéñß²½\u0301иİ\n  "


def _random_strings(n: int, seed: int, alphabet: str = _ALPHABET, size: int = 80) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, size))) for _ in range(n)]


# --- fold with offsets: the identity map of a plain text ----------------------------------------


def _fold_read_general(text: str, alt: bool) -> tuple[Folded, bool]:
    """fold_read forced down the general path: normalise's map, then every step keeping it."""
    return fold_read(text, alt=alt, plain=False)


_HAND = [
    "",
    "x",
    "eee",
    "Hot S.E.X 3sc0rt",
    "s.e.x  hot",
    "S E X y",
    "caaall meee at 555 0123",
    "l1ke th1s!! and |ike",
    "Ünïcode İstanbul ΣΟΦΟΣ straße niño",
    "прoститутка cekc",
    "a&amp;b x\u200by",
    "tab\there",
    " lead and trail ",
    "new\nline\n\nbreaks \n x",
    "café, déjà vu... señora!",
]


@pytest.mark.parametrize("seed", range(3))
def test_plain_fold_read_equals_the_general_fold(seed):
    texts = _HAND + _random_strings(400, seed, size=120)
    texts += _random_strings(400, seed, "aabeeklorsx 1035!|$@+.-_7ÑéñßİŞ", size=120)  # mostly plain
    plain = 0
    for text in texts:
        plain += SEP not in text and _is_plain(text)
        for alt in (False, True):
            assert fold_read(text, alt=alt) == _fold_read_general(text, alt), (text, alt)
    assert plain > 300  # the fast path was taken


def test_normalise_map_of_a_plain_text_is_the_identity():
    chars = [chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x1E00, 0x1F00))]
    rng = random.Random(5)
    texts = [f"x{c}x y{c}{c}" for c in chars] + [
        "".join(rng.choice(chars) for _ in range(40)) for _ in range(2000)
    ]
    for text in texts:
        if SEP not in text and _is_plain(text):
            n = normalise(text)
            assert n.text == text
            assert list(n.offsets) == list(range(len(text) + 1)), text
            assert n.ends is None or list(n.ends) == list(range(1, len(text) + 1)), text


# --- words of a folded text ----------------------------------------------------------------------


def test_split_words_equals_the_word_regex():
    texts = ["", " ", "  ", "a", " a", "a ", "ab cd ef", " ab cd ", "x  y", "a b  c   d "]
    texts += _random_strings(500, 1, "ab é ", size=30)
    for t in texts:
        spans = [m.span() for m in _WORDS.finditer(t)]
        assert _split_words(t) == (
            [t[a:b] for a, b in spans],
            [a for a, _ in spans],
            [b for _, b in spans],
        ), t


# --- numbers learnt without a call ---------------------------------------------------------------


def test_numbers_relate_to_nothing_and_have_no_windows():
    m = TermMatcher(["sex", "escort", "golden star", "x123x", "@anna_77"])
    numbers = ["0", "123", "4567", "000", "٣٤", "²"]
    m._learn([w for w in numbers if w.isdecimal()])
    m._learn_windows([w for w in numbers if w.isdecimal()])
    assert all(m._memo[w] == () and m._wmemo[w] == () for w in numbers if w.isdecimal())
    text = "Call 07700 900123 or 555-0123, price 1999 eur, s3x 4567 escort123 and 2x"
    assert m.find(text) == TermMatcher(["sex", "escort", "golden star", "x123x", "@anna_77"]).find(text)


# --- byte arrays: camelCase and double white space -----------------------------------------------


def test_camel_arrays_equal_the_literal_search():
    rng = random.Random(3)
    alphabet = "aAzZ@[`{ é\x1e\n1"
    for size in (0, 1, 2, 5, 50, 2047, 2048, 2049, 3000):
        for _ in range(40):
            raw = "".join(rng.choice(alphabet) for _ in range(size)).encode()
            assert any_camel(raw) == (_CAMEL_PAIR.search(raw.translate(_CAMEL_BYTES)) is not None)
            assert any_camel(raw) == (re.search(b"[a-z][A-Z]", raw) is not None)
    big = b"lower case only, " * 200
    assert not any_camel(big) and any_camel(big + b"camelCase") and any_camel(b"aB" + big)


def test_double_white_arrays_equal_the_regexes():
    rng = random.Random(4)
    for size in (0, 1, 2, 100, 2047, 2048, 4000):
        for _ in range(60):
            b = "".join(
                rng.choice("ab é\x1e" + " " * rng.randint(0, 1) + "\n" * rng.randint(0, 1))
                for _ in range(size)
            )
            b = b.encode()
            expected = _DOUBLE_SPACE.search(b) is not None or _NEWLINE_PAIR.search(b) is not None
            assert _double_white(b) == expected
    one = b"word " * 1000
    assert not _double_white(one)
    for pair in (b"  ", b"\n\n", b" \n", b"\n "):
        assert _double_white(one + pair + one) and _double_white(pair + one) and _double_white(one + pair)


# --- the gate's translate ------------------------------------------------------------------------


def test_gate_translate_equals_lower_and_replaces():
    raw = "ABC déf GHİ\nZz@[`{\x1eX Y\x1e\n".encode()
    assert raw.translate(_GATE_BYTES) == raw.lower().replace(b"\x1e", b" ").replace(b"\n", b" ")
    every = bytes(range(256))
    assert every.translate(_GATE_BYTES) == every.lower().replace(b"\x1e", b" ").replace(b"\n", b" ")


def test_joined_raw_is_joined_bytes_without_lower_case():
    for texts in (["Plain Text", "two"], ["a  b", "tab\there", "x&amp;y"], ["", "İ", "\x1e"]):
        normalised, raw, _ = joined_raw(texts)
        assert joined_bytes(texts) == (normalised, raw, raw.lower())


@pytest.mark.parametrize("seed", range(3))
def test_a_plain_batch_holds_plain_texts_only(seed):
    # what fold_read is told of the texts of a plain batch must be what it would find itself
    texts = _random_strings(600, seed, "abbb é\n&\t\x1e² ", size=12)
    rng = random.Random(seed)
    seen = 0
    for _ in range(300):
        batch = rng.sample(texts, rng.randint(1, 5))
        normalised, _, plain = joined_raw(batch)
        if plain:
            seen += 1
            assert normalised == batch
            assert all(SEP not in x and _is_plain(x) for x in batch), batch
    assert seen > 3


def test_gate_finds_the_text_of_a_token_at_text_edges():
    m = TermMatcher(["sex", "golden star"])
    texts = ["sex", "", "x sex", "sex y", " sex ", "golden", "star", "nothing here", "s.e.x", "", "SEX"]
    assert m.find_many(texts) == [m.find(t) for t in texts]
    assert [bool(r) for r in m.find_many(texts)] == [True, False, True, True, True] + [False] * 3 + [
        True,
        False,
        True,
    ]


# --- canonical memo keys, a batch at once --------------------------------------------------------


@pytest.mark.parametrize("flags", [(False, False), (True, False), (True, True), (False, True)])
def test_canonical_many_equals_canonical_one_by_one(flags):
    tokens = [
        "example123.com/ad/4567",
        "123",
        "1234567890123456789012345678901234567890123",
        "a1b22c333d4444",
        "/12345/",
        "s3x",
        "x9999",
        "9999x",
        "12.345.678",
        "$300",
        "@anna_1999",
        "é123",
        "123é",
        "",
        "no digits",
    ]
    tokens += [t.replace(" ", "") for t in _random_strings(500, 7, "a1370./_@$é-", size=20)]
    assert canonical_many(tokens, *flags) == [canonical(t, *flags) for t in tokens]
    assert canonical_many([], *flags) == []


# --- plain tokens sorted on the bytes ------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_plain_bytes_equals_plain_tokens(seed):
    texts = _random_strings(300, seed, "abceopxyz,.;:?!1é İ-", size=40)
    texts += ["team, hours. ace pope cekc a. x! ab12 café, ... ,a İstanbul"]
    _, low = lower_bytes(texts)
    tokens = {t for t in low.replace(b"\x1e", b" ").replace(b"\n", b" ").split(b" ") if t}
    plain, words, rest = plain_bytes(tokens)
    raw = list(tokens)
    text = lower_tokens(raw)
    expected_plain, expected_words, others = plain_tokens(text)
    expected = {raw[i]: w for i, w in zip(expected_plain, expected_words, strict=True)}
    # a token whose lower case turns ASCII ("İ" to "i") is plain to plain_tokens only: the other
    # path folds it to the same word
    turned = {raw[i] for i in expected_plain if not raw[i].isascii()}
    assert dict(zip(plain, words, strict=True)) == {k: v for k, v in expected.items() if k not in turned}
    assert rest == {raw[i] for i in others} | turned
    assert set(plain).isdisjoint(rest) and set(plain) | rest == tokens


# --- fuzzy: one rapidfuzz call for the candidates ------------------------------------------------


def test_one_edit_candidates_equal_one_levenshtein_call_each():
    rng = random.Random(9)
    letters = "abelnorst"
    words = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(5, 9))) for _ in range(400)})
    index = FuzzyIndex(1)
    for w in words:
        index.add(w, (w, 1))
    probes = [w[:i] + c + w[i + 1 :] for w in words[:200] for i, c in ((1, "x"), (2, ""), (0, "a"))]
    probes += ["".join(rng.choice(letters) for _ in range(rng.randint(3, 11))) for _ in range(500)]
    for p in probes:
        near = {w for w in words if w != p and Levenshtein.distance(p, w) <= 1}
        squeezed = {
            w for w in words for i in range(1, len(w) - 1) if w[i - 1] == w[i + 1] and w[:i] + w[i + 2 :] == p
        }
        expected = [] if len(p) < MIN_FUZZY_LEN - 1 else [(w, 1) for w in sorted(near | squeezed)]
        assert index.lookup(p) == expected, p
    assert index.lookup_many(probes) == {p: r for p in probes if (r := index.lookup(p))}


# --- phonetic: guards computed once, stretches keyed once ----------------------------------------


def test_phonetic_guards_equal_sounds_alike():
    rng = random.Random(2)
    words = ["".join(rng.choice("aeiouybcdklmnrstx") for _ in range(rng.randint(3, 9))) for _ in range(600)]
    term_words = words[:150]
    for w in words:
        for tw in term_words:
            if w[0] != tw[0]:
                continue  # a bucket holds term words of the word's first letter only
            _, tsize, gap, tsw, closed = _phonetic.guard(tw)
            sw = _phonetic.vowel_skeleton(w)
            fast = abs(len(w) - tsize) <= gap and (
                sw == tsw
                or (w[-1] in _phonetic.VOWELS and closed and len(sw) == len(tsw) + 1 and sw[:-1] == tsw)
            )
            assert fast == _phonetic.sounds_alike(w, tw), (w, tw)


def _windows_plain(run, candidates):
    out = []
    size = len(run)
    for tid, compact, term_key in candidates:
        lo, hi = max(3, len(compact) - 1), len(compact) + 3
        start = run.find(compact[0])
        while start >= 0:
            for length in range(lo, hi + 1):
                end = start + length
                if end > size:
                    break
                sub = run[start:end]
                if sub.startswith(compact):
                    break
                if _phonetic.key(sub) == term_key and _phonetic.vowels_agree(sub, compact):
                    out.append((tid, start, end))
                    break
            start = run.find(compact[0], start + 1)
    return out


def test_windows_with_keyed_stretches_equal_the_plain_loop():
    rng = random.Random(8)
    compacts = ["sex", "secks", "escort", "kalomira", "tenvo", "shidar", "anna", "cocaine"]
    candidates = [(i, c, _phonetic.key(c)) for i, c in enumerate(compacts)]
    runs = ["newbornsecks", "hotsexxx", "eskortgirl", "kalomirra", "xxsexsex", "cokeine", "a", "ss"]
    runs += ["".join(rng.choice("aeiknorstx") for _ in range(rng.randint(1, 20))) for _ in range(400)]
    for run in runs:
        assert _phonetic.windows(run, candidates) == _windows_plain(run, candidates), run
    assert _phonetic.keys(runs) == [_phonetic.key(r) for r in runs]


# --- the matcher as a whole: batches, one at a time, memos ---------------------------------------


def test_matcher_finds_the_same_in_a_batch_and_one_at_a_time():
    terms = ["sex", "escort", "golden star models", "@anna_77", "kalomira", "x123x", "Ankbel club saten"]
    texts = _HAND + [
        "Call 07700 900123, visit example12.com/ad/4567 price 300 eur. ",
        "ankbeel club saten tonight",
        "anbel club satten",
        "newbornsecks #escort4u GoldenStarModels",
        "k a l o m i r a",
        "x123x and x124x",
    ]
    texts += _random_strings(200, 11, "abcdeklmnorstx 0137.,@#", size=60)
    batch = TermMatcher(terms).find_many(texts)
    single = TermMatcher(terms)
    assert batch == [single.find(t) for t in texts]
    assert any(batch)


def test_remembered_forms_of_hit_words_drop_the_same_hits():
    # Scan.dropped keeps the folded forms of a hit's word in the matcher, from text to text
    terms = ["sex", "essex", "ass", "class"]
    allow = ["Essex", "classic", "sussex"]
    texts = ["Essex girls", "ESSEX", "a classic class", "Sussex s3x", "sexy Essex", "ass", "a$$ class"] * 3
    kept = TermMatcher(terms, allowlist=allow)
    got = [kept.find(t) for t in texts]
    assert got == [TermMatcher(terms, allowlist=allow).find(t) for t in texts]
    assert kept.find_many(texts) == got
    assert kept._source_forms  # the memo was used


def test_find_many_on_a_list_equals_the_item_by_item_loop():
    m = TermMatcher(["sex", "escort", "golden star"])
    texts = [f"text {i} with s3x" if i % 7 == 0 else f"plain text {i}" for i in range(130)]
    texts[50] = "golden " * 12000 + "star escort"  # a long text: matched in pieces
    expected = [m.find(t) for t in texts]
    assert m.find_many(texts) == expected  # a list: the batched fast path, or the loop (long)
    assert m.find_many(texts[:49] + texts[51:]) == expected[:49] + expected[51:]  # the fast path
    assert m.find_many(iter(texts)) == expected and m.find_many(tuple(texts)) == expected
    assert m.find_many([]) == []
    with pytest.raises(TypeError, match="text #3: expected str, got int"):
        m.find_many(["a", "b", 3])


def test_memos_start_afresh_between_batches_only(monkeypatch):
    # a memo emptied while a batch was learnt lost the words just learnt (a KeyError)
    terms = ["sex", "escort", "golden star models", "kalomira", "Ankbel club saten", "@anna_77"]
    rng = random.Random(12)
    vocab = ["call", "me", "s3x", "esc0rt", "kalomirra", "golden", "star", "modles", "ankbeel", "club"]
    texts = [
        " ".join(rng.choice(vocab) if rng.random() < 0.2 else f"w{rng.randrange(10**6)}x" for _ in range(30))
        for _ in range(300)
    ]
    expected = TermMatcher(terms).find_many(texts)
    monkeypatch.setattr(_matcher, "_MEMO_LIMIT", 50)
    small = TermMatcher(terms)
    assert small.find_many(texts) == expected
    assert [small.find(t) for t in texts[:40]] == expected[:40]
    assert any(expected)
