"""The price extractor's compiled number scan (_cprice) against its pure-Python reference.

find_prices with the C scan must make the same decisions as ``_py_find_prices`` (the same
numbers reach ``_price`` with the same arguments) and yield the same prices, on demo ads, the
hand cases, random and hypothesis texts rich in digits, separators, currencies and units, odd
Unicode and huge hostile texts. Skipped where the module is not built (no C compiler) or
TIPWATCH_PURE_PYTHON is set.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipwatch.engine.extract import prices as P
from tipwatch.engine.extract._digits import NONE, OTHER
from tipwatch.engine.extract._digits import digits as digit_kind

_cprice = pytest.importorskip("tipwatch.engine.extract._cprice")
if os.environ.get("TIPWATCH_PURE_PYTHON", "") not in ("", "0"):
    pytest.skip("TIPWATCH_PURE_PYTHON: find_prices runs the Python loop only", allow_module_level=True)

CASES = Path(__file__).resolve().parents[2] / "bench" / "cases"
LONE = "\ud800x\udfff".encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
ODD = [
    "",
    "1",
    "\x00",
    "1\x002 $",
    "İ200 İSK 300",
    "ΣΊΣΥΦΟΣ 200 ς €",
    "x\U0001f600 200\U00010400 300 \U00010428",
    "e\u0301 200 e\u0301",
    "²³ 200 ²€ ٣٠٠ $ ١٬٠٠٠ ₽",
    LONE + "200 $" + LONE,
    "200 İ/h 300 EUR/mese 400 o/n 500 roses/hour 60/hr 70hh 80 qv",
    "1,000 0000 $ 1 000.0000 € 1.000,000,0000 $ 12 345 678,9 руб 1\u202f000\u00a0000.5 €",
    "р 200 $ ł 300 € ź 400 $ Z 500 € zł 600 R$ 700",
    "200 kkkkkkkkkkkkkkkkkkkkkkkkk 300 $aaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbb. 400 €/hhhhhhhhhhhhhhhhh",
    "500 kkk.bbbbbbbbbbbbbbbbb 600 k'bbbbbbbbbbbbbbbb. 700 к/ч 800 k/hhhhhhhhhhhhhhh/h",
    "a1,000 $ 1 000 $ 12:00 $ 5-200 $ x200 $ 1 200 $",
]
PIECES = [
    *"0123456789",
    *"0123456789",
    *" ,.\u00a0\u202f",
    "٣",
    "٠",
    "۵",
    "$",
    "€",
    "£",
    "₽",
    "R$",
    "US $",
    "EUR",
    "eur",
    "USD",
    "руб",
    "р.",
    "zł",
    "/",
    "/hr",
    "hr",
    "hh",
    "qv",
    "hour",
    " per ",
    "roses",
    "k",
    "к",
    "тыс.",
    "a",
    "Z",
    "ł",
    "р",
    "İ",
    "ς",
    ":",
    "(",
    "¥",
    "₹",
    "-",
    "'",
    "’",
    "\t",
    "\n",
    "x/y",
    "o/n",
    "\U0001f600",
    "e\u0301",
    "\x00",
    LONE,
]


def _decisions(text: str, region: str | None, skip: list[tuple[int, int]], use_c: bool) -> list[tuple]:
    """The arguments each number reaches ``_price`` with, by the C scan or the Python loop."""
    calls: list[tuple] = []
    orig = P._price

    def record(*args):
        calls.append(args[3:])
        return orig(*args)

    P._price = record
    try:
        if use_c:
            list(P.find_prices(text, region, skip))
        else:
            kind = digit_kind(text)
            if kind != NONE:
                fast = len(text) <= 2 * P._MAX_NUMBERS and kind != OTHER
                list(P._py_find_prices(text, region, sorted(skip), fast, P._lex()))
    finally:
        P._price = orig
    return calls


def _py_candidates(text: str, fast: bool, skip: list[tuple[int, int]]) -> list[tuple]:
    """What _cprice.candidates returns, from the regexes (the Python loop up to _before)."""
    lex = P._lex()
    out = []
    k = 0
    for n, m in enumerate((P._NUM_FAST_RE if fast else P._NUM_RE).finditer(text)):
        if n >= P._MAX_NUMBERS:
            break
        s0 = m.start()
        if s0 and (text[s0 - 1] in P._NOT_BEFORE or text[s0 - 1].isalpha()):
            continue
        if s0 > 1 and text[s0 - 1] in P._GROUP_SPACES and "0" <= text[s0 - 2] <= "9":
            continue
        if skip:
            while k < len(skip) and skip[k][1] <= s0:
                k += 1
            if any(a <= s0 < b for a, b in skip[k : k + 3]):
                continue
        if s0:  # _before's first three tests, as written there
            j = s0 - 1 if text[s0 - 1] in " \u00a0" else s0
            if not (
                not j
                or text[j - 1].isspace()
                or (text[j - 1].isalpha() and not text[j - 1].isupper() and text[j - 1] not in "łр")
            ) and (text[j - 1].lower() in lex["symbol_last"] or text[j - 1].isalnum()):
                out.append((s0, m.end(), m.group("sep"), None))
                continue
        first = P._read_token(text, m.end())
        if first is not None and P._price_like(first[0], lex):
            out.append((s0, m.end(), m.group("sep"), first))
    return out


def _c_candidates(text: str, fast: bool, skip: list[tuple[int, int]]) -> list[tuple]:
    lex = P._lex()
    return _cprice.candidates(
        text,
        fast,
        skip,
        P._MAX_NUMBERS,
        lex["first_after"],
        lex["symbol_chars"],
        lex["slash_words"],
        lex["symbol_last"],
    )


def _pure(text: str, region: str | None, skip) -> list:
    kind = digit_kind(text)
    if kind == NONE:
        return []
    fast = len(text) <= 2 * P._MAX_NUMBERS and kind != OTHER
    return list(P._py_find_prices(text, region, sorted(skip), fast, P._lex()))


def check(text: str, region: str | None = None, skip=()) -> None:
    skip = list(skip)
    for fast in (False, True) if digit_kind(text) not in (NONE, OTHER) else (False,):
        got = _c_candidates(text, fast, sorted(skip))
        if got is None:  # only for spans that are not pairs of machine-size ints
            assert not all(type(a) is type(b) is int and max(abs(a), abs(b)) < 2**62 for a, b in skip)
        else:
            assert got == _py_candidates(text, fast, sorted(skip)), text[:200]
    assert _decisions(text, region, skip, True) == _decisions(text, region, skip, False), text[:200]
    assert list(P.find_prices(text, region, skip)) == _pure(text, region, skip), text[:200]


def test_c_path_is_used() -> None:
    assert P._c_patterns_match() and P._cprice is not None


@pytest.mark.parametrize("text", ODD)
def test_odd_texts(text: str) -> None:
    check(text)
    check(text, "RU", [(0, 3)])


def test_demo_ads() -> None:
    from tipwatch.demo import generate

    for ad, _truth in generate(5, 1500):
        for value in ad.values():
            if isinstance(value, str) and value:
                check(value, "US")
                check(value, "DE", [(3, 9), (1, 2), (20, 40)])


def test_hand_cases() -> None:
    n = 0
    for path in sorted(CASES.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            case = json.loads(line)
            for key in ("body", "title"):
                if isinstance(case.get(key), str):
                    check(case[key], case.get("country"))
                    n += 1
    assert n > 50


def test_random_texts() -> None:
    rng = random.Random(7)
    for _ in range(4000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        spans = sorted(
            (a, a + rng.randint(0, 6)) for a in (rng.randint(0, 40) for _ in range(rng.randint(0, 5)))
        )
        check(text, rng.choice([None, "US", "RU", "BR"]), spans)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=30).map("".join),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=4),
)
def test_hypothesis_texts(text: str, skip: list[tuple[int, int]]) -> None:
    check(text, "US", skip)


def test_skip_not_int_pairs_falls_back() -> None:
    assert _cprice.candidates("200 $", True, [(0.0, 1)], 2000, *[frozenset()] * 4) is None
    check("200 $ 300 €", None, [(0.0, 1.5)])
    check("200 $ 300 €", None, [(0, 10**30)])


def test_max_numbers_and_long_texts() -> None:
    # the long form (over 2 * _MAX_NUMBERS characters) uses _NUM_RE and the count limit binds
    check("1 " * 5000 + "200 $")
    check("200 $ " * 3000)
    check("a1 " * 1500 + "200 $ " * 1000)
    check("٣" + "200 $ " * 10)


def test_huge_hostile_texts_stay_fast() -> None:
    for text in ("1 " * 500000, "1,000" * 200000, "$1 " * 300000, "9" * 1000000, "1.000 " * 200000):
        t = time.process_time()
        check(text)
        assert time.process_time() - t < 30
