"""The speed-ups of the s3b pass keep behaviour: every fast path gives the answer of the general
path it stands in for, on texts that exercise its edges (each test runs both: the fast path as
shipped, and the general path forced by patching the fast path's switch).

Fast paths: the age and price number scans that leave out numbers the hand tests would reject,
the age suffix and e-mail "at" tests read from the shared word tokens, the e-mail bracket
filter, the profile-host scan from "/", and the gazetteer's one-word step."""

from __future__ import annotations

import random
import re

import pytest

from tipwatch.engine.extract import _digits, _gazetteer, ages, emails, handles, locations, prices

# pieces glued at random: digits of other scripts, group spaces, letters that lower-case to
# more than one character, suffix and "at" words, brackets, and punctuation next to numbers
PIECES = [
    "19", "20", "7", "80", "81", "12", "11", "100", "1 000", "1,000", "2.500,50", "5 000 000",
    "\u00a0", "\u202f", " ", "  ", "\n", ".", ",", ":", "/", "-", "'", "’", "$", "€", "руб", "eur",
    "years", "years old", "y/o", "yo", "ans", "años", "лет", "jähriges", "ani", "veinte", "twenty",
    "at", "la", "arroba", "собака", "dot", "gmail", "com", "(", ")", "[", "]", "@", "＠", "jane",
    "a", "Z", "é", "ё", "İ", "ſ", "K", "²", "½", "١٩", "۲۰", "٣", "x", "hr", "/hr", "roses", "per",
    "hour", "age", "i am", "tengo", "мне", "t.me/", "instagram.com/", "new", "york", "in", "rio",
    "de", "janeiro", "sao", "paulo", "москва", "москве", "Paris", "nice", "Saint", "Louis",
]  # fmt: skip


def _texts(seed: int, n: int = 2500) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(0, 12))]
        out.append("".join(p + (" " if rng.random() < 0.6 else "") for p in parts))
    return out


EDGE_TEXTS = [
    "",
    "19",
    "i am 19 years old",
    "a19 years",
    "١٩ years old",  # digits of another script: the general scans
    "age ١٩, call 19",
    "x1 000 roses",  # a rejected number whose groups would be numbers of their own
    "a1.000,50 €",
    "12 345 6789 $",
    "٣ 000 $ and 500 $",  # a group space after a digit of another script
    "²5 $ ½30/hr",  # numeric characters that are not letters
    "İ 19 years, 200 $/hr",  # lower case changes the length: no token shortcut
    "$1 000/hr, 300 roses per hour",
    "jane (at) gmail (dot) com (18 лет)",
    "n a m e @ g m a i l . c o m, j a n e@x.com and jane @ mail.ru",
    "jane [ AT ] mail [dot] ru",
    "jane la gmail punto com",
    "write: jane@x.com or (at) nothing",
    "veinte años y/o twenty-one y/o",
    " .years. (años) 'лет'",
    "t.me/jane and instagram.com/jane_vip",
    "line.me/ti/p/jane",
    "in new york, rio de janeiro, new  york",
    "1 " * 2100 + "age 19 and 300 $/hr",  # past the number limit: the general scans
]


def _both(monkeypatch, fn, patches):
    """``fn()`` as shipped, then with ``patches`` (module, name, value) applied."""
    fast = fn()
    with monkeypatch.context() as m:
        for module, name, value in patches:
            m.setattr(module, name, value)
        slow = fn()
    return fast, slow


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_age_scans_match_the_general_scans(monkeypatch, text):
    general = [(ages, "_AGE_NUM_RE", ages._NUM_RE), (ages, "MAX_TEXT", -1)]
    fast, slow = _both(monkeypatch, lambda: list(ages.find_ages(text)), general)
    assert fast == slow


def test_age_scans_random_texts(monkeypatch):
    texts = _texts(3)
    general = [(ages, "_AGE_NUM_RE", ages._NUM_RE), (ages, "MAX_TEXT", -1)]
    fast, slow = _both(monkeypatch, lambda: [list(ages.find_ages(t)) for t in texts], general)
    assert fast == slow
    assert any(fast)


def test_age_suffix_hits_from_tokens_match_the_white_space_scan():
    lex = ages._lex()
    texts = [*EDGE_TEXTS, *_texts(4), "a\u00a0ans 20 years old\tлет  y/o y.o. yrs old"]
    for text in texts:
        toks = _gazetteer.Tokens(text)
        if toks.lowered and len(text) <= _gazetteer.MAX_TEXT:
            low = text.lower()
            assert ages._suffix_hits(low, lex, toks) == ages._suffix_hits(low, lex), text


def test_age_suffix_words_are_token_words():
    lex = ages._lex()
    # every head word of the suffix scan leaves its first letter run among the word tokens
    for head in ages._heads(ages.lexicon("ages")):
        assert lex["suffix_head"][0].match(head) is not None
        assert not lex["head_words"].isdisjoint(_gazetteer.Tokens(f"x {head} x").words), head


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_price_scan_matches_the_general_scan(monkeypatch, text):
    def run():
        return [list(prices.find_prices(text, region)) for region in (None, "US", "RU")]

    fast, slow = _both(monkeypatch, run, [(prices, "_NUM_FAST_RE", prices._NUM_RE)])
    assert fast == slow


def test_price_scan_random_texts(monkeypatch):
    texts = _texts(5)

    def run():
        return [list(prices.find_prices(t, "US", [(0, 3)])) for t in texts]

    fast, slow = _both(monkeypatch, run, [(prices, "_NUM_FAST_RE", prices._NUM_RE)])
    assert fast == slow
    assert any(fast)


def test_price_fast_scan_rejects_only_what_the_hand_tests_reject():
    # the letters of the fast scan's look-behind are letters (str.isalpha), so the hand test
    # would reject them too; and every decimal digit outside ASCII lies at U+0660 or above
    cls = re.search(r"\[\.,:/.*?\]", prices._NUM_FAST_RE.pattern).group()
    letters = re.compile(cls)
    assert all(
        chr(c).isalpha() or chr(c) in prices._NOT_BEFORE for c in range(0x3000) if letters.match(chr(c))
    )
    cls = re.search(r"\[\$.*?\]", ages._AGE_NUM_RE.pattern).group()
    letters = re.compile(cls)
    assert all(chr(c).isalpha() or chr(c) in ages._NOT_BEFORE for c in range(0x3000) if letters.match(chr(c)))
    assert not [c for c in range(0x80, 0x660) if chr(c).isdecimal()]
    assert _digits._OTHER_DIGIT_RE.search("١") and not _digits._OTHER_DIGIT_RE.search("0123456789 é ё")


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_email_shortcuts_match_the_general_path(monkeypatch, text):
    everything = re.compile("")  # matches at every bracket: no bracket is left out
    general = [
        (emails, "MAX_TEXT", -1),
        (emails, "_bracket_at_re", lambda: everything),
        (emails, "_may_end_spaced", lambda text, pos: True),
    ]
    fast, slow = _both(
        monkeypatch, lambda: (list(emails.find_emails(text)), emails._separators(text)), general
    )
    assert fast == slow


def test_email_shortcuts_random_texts(monkeypatch):
    texts = _texts(9)
    everything = re.compile("")
    general = [
        (emails, "MAX_TEXT", -1),
        (emails, "_bracket_at_re", lambda: everything),
        (emails, "_may_end_spaced", lambda text, pos: True),
    ]
    fast, slow = _both(monkeypatch, lambda: [list(emails.find_emails(t)) for t in texts], general)
    assert fast == slow
    assert any(fast)


def test_profile_host_scan_matches_the_host_alternation():
    c = handles._compiled()
    old = re.compile("|".join(re.escape(h + "/") for h in sorted(c["hosts"], key=len, reverse=True)))
    for text in [*EDGE_TEXTS, *_texts(13), "snapchat.com/add/x", "snapchat.com/ad/", "xt.me/", "/"]:
        low = text.lower()
        assert (c["any_host"].search(low) is None) == (old.search(low) is None), text


def _find_general(g: _gazetteer.Gazetteer, toks: _gazetteer.Tokens) -> list[tuple]:
    """The gazetteer's name loop before the one-word step: every start goes through it."""
    words, offs, parts = toks.words, toks.offs, toks.parts
    out, n, next_free = [], len(words), 0
    for i, tok in enumerate(words):
        if i < next_free:
            continue
        if tok not in g.first_tokens:
            hit = g._inflected(tok) if "\u0400" <= tok[:1] <= "\u04ff" and toks.cyrillic else None
            if hit is not None:
                out.append((offs[2 * i], offs[2 * i + 1], hit[0], True))
            continue
        key, k = tok, i + 1
        best = (k, key) if key in g._names else None
        while k < n and k - i < _gazetteer.MAX_TOKENS and key in g.prefixes:
            gap = parts[2 * k]
            if gap != " " and not _gazetteer._GAP_RE.fullmatch(gap):
                break
            key = f"{key} {words[k]}"
            k += 1
            if key in g._names:
                best = (k, key)
        if best is not None:
            k, key = best
            next_free = k
            out.append((offs[2 * i], offs[2 * k - 1], key, g.lookup(key)[1]))
    return out


def test_gazetteer_one_word_step_matches_the_general_loop():
    g = _gazetteer.gazetteer()
    texts = [*EDGE_TEXTS, *_texts(17), "Frankfurt am Main", "in saint-denis and st. louis", "Москве и Сочи"]
    for text in texts:
        toks = _gazetteer.Tokens(text)
        fast = [(m.start, m.end, m.key, m.primary) for m in g._find(toks, 200)]
        assert fast == _find_general(g, toks), text
    assert any(g._find(_gazetteer.Tokens(t), 200) for t in texts)


def test_tokens_tell_whether_they_come_from_the_lower_case_text():
    assert _gazetteer.Tokens("Nice Paris").lowered
    assert not _gazetteer.Tokens("İstanbul").lowered  # "İ".lower() is two characters


def test_words_before_a_name_are_cached_by_window(monkeypatch):
    monkeypatch.setattr(locations, "_BEFORE_CACHE", {})
    texts = ["I am in Paris", "l'hôtel à Nice", "x" * 40 + " near  Saint Louis", "Paris", "in  Berlin"]
    for text in texts:
        for start in range(len(text) + 1):
            first = locations._before_words(text, start)
            again = locations._before_words(text, start)  # from the cache
            window = text[max(0, start - 30) : start]
            words = locations._BEFORE_WORD_RE.findall(window)
            last = locations.fold(words[-1]) if words else ""
            two = locations.fold(" ".join(words[-2:])) if len(words) >= 2 else last
            assert first == again == (last, two)
    monkeypatch.setattr(locations, "_BEFORE_CACHE", {str(i): ("", "") for i in range(10_000)})
    assert locations._before_words("in Paris", 3) == ("in", "in")
    assert len(locations._BEFORE_CACHE) == 1  # bounded: cleared when full


def test_callmode_phrases_by_second_word_match_the_full_list(monkeypatch):
    lex = locations._lex()

    class _Full(dict):
        def get(self, key, default=None):
            return self[""]

    full = {first: _Full({"": lst}) for first, lst in lex["modes"].items()}
    texts = [*EDGE_TEXTS, *_texts(19), "incall only, outcall to hotels", "a domicilio y salidas", "my place"]
    fast = [list(locations.find_callmodes(t)) for t in texts]
    assert any(fast)
    monkeypatch.setitem(lex, "modes_by_second", full)
    assert [list(locations.find_callmodes(t)) for t in texts] == fast


def test_unit_before_an_amount_is_cached_by_window(monkeypatch):
    lex = prices._lex()
    monkeypatch.setitem(lex, "unit_before_cache", {})

    def uncached(window: str) -> str | None:
        words = prices._WORDS_RE.findall(window.lower())[-4:]
        for w in range(len(words)):
            key = " ".join(words[w:])
            if key in lex["before_of"] or words[w] in lex["before_of"]:
                return lex["before_of"].get(key) or lex["before_of"][words[w]]
        return "hour" if prices._ONE_HOUR_BEFORE_RE.search(window[-12:]) else None

    windows = ["", "deposit ", "1 hour - ", "1hr:", "x1 hr ", "per night only ", "депозит ", "1 час = "]
    windows += [t[-30:] for t in _texts(21, 500)]
    for window in windows:
        assert prices._unit_before(window, lex) == prices._unit_before(window, lex) == uncached(window)
    assert any(uncached(w) for w in windows)
    monkeypatch.setitem(lex, "unit_before_cache", {str(i): None for i in range(10_000)})
    assert prices._unit_before("deposit ", lex) == uncached("deposit ")
    assert len(lex["unit_before_cache"]) == 1  # bounded: cleared when full


def test_ascii_token_split_matches_the_unicode_split():
    for text in [*EDGE_TEXTS, *_texts(23), "Hello World_x 2b or not2b", "a_b-c'd’e", ""]:
        low = text.lower()
        if low.isascii():
            assert _gazetteer._SPLIT_ASCII_RE.split(low) == _gazetteer._SPLIT_RE.split(low), text
    assert _gazetteer.Tokens("New York_City 5th").words == ["new", "york", "city", "th"]


def test_first_letter_runs_fold_like_the_tokens_or_give_up():
    assert ages._first_runs(["años", "y/o", "лет"]) == {"anos", "y", "лет"}
    assert ages._first_runs(["años", "-x"]) is None  # no letter first: the text scans run instead


def test_lower_case_city_answers_are_cached_by_name_and_region(monkeypatch):
    monkeypatch.setattr(locations, "_LOWER_CASE", {})
    g = _gazetteer.gazetteer()
    lex = locations._lex()
    texts = [*EDGE_TEXTS, *_texts(29), "moscow and paris, nice and mobile, in london", "sofia sofia Sofia"]
    for region in (None, "US", "RU", "BG", "FR"):
        for text in texts:
            want = []
            for m in g.find(text, tokens=_gazetteer.Tokens(text)):
                city = g.best(m.cities, region)
                if locations._accept(text, m, city, region, lex):
                    want.append((m.start, m.end, city))
            assert list(locations.find_cities(text, region)) == want, (region, text)
    assert locations._LOWER_CASE
    monkeypatch.setattr(locations, "_LOWER_CASE", {("x", True, str(i)): None for i in range(10_000)})
    assert [c.name for _, _, c in locations.find_cities("moscow", "RU")] == ["Moscow"]
    assert len(locations._LOWER_CASE) == 1  # bounded: cleared when full
