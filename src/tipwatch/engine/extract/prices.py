"""Prices: "200/hr", "150hh", "$80 qv", "300 roses per hour", "100€ la hora",
"депозит 5000 руб", "salary 3000 EUR per month".

Value: the amount as a decimal string ("200", "99.5"); attrs ``currency`` (ISO 4217, or None
when neither the text nor the region tells), ``unit`` (hour, half_hour, 15min, session, night,
day, week, month, deposit or None) and ``euphemism=True`` for "roses" and the like.

Work starts from each number (a cheap scan), then looks a few characters around it for a
currency and a unit, so a 500-character ad costs a few microseconds. An amount needs a
currency, a euphemism or a price-like unit ("200/hr"); phones, payments, emails, URLs and
handles are skipped because those extractors ran first and claimed their spans.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from tipwatch.engine import _native
from tipwatch.engine.extract._data import lexicon
from tipwatch.engine.extract._digits import NONE, OTHER
from tipwatch.engine.extract._digits import digits as digit_kind
from tipwatch.engine.types import Entity

__all__ = ["extract", "find_prices"]

# starts with a bare \d (the look-behind comes after it) so the regex engine jumps from digit to
# digit; the rest of the left boundary is checked by hand in find_prices
_NUM_RE = re.compile(
    r"\d(?<!\d\d)(?:\d{0,2}(?:(?P<sep>[ ,.\u00a0\u202f])\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d{0,6}(?:[.,]\d{1,2})?)(?!\d)"
)
_NOT_BEFORE = frozenset(".,:/-_'’") | frozenset("0123456789")
# _NUM_RE with the cheap left-boundary tests of find_prices moved into the regex (a look-behind
# after the first digit): most numbers (times, dates, groups of phone numbers) never reach
# Python. Used only when every digit of the text is ASCII and the text is short (see
# find_prices): then a number this rejects would also be rejected by hand, and no number the
# hand tests keep lies inside one it rejects (inner digit runs follow "." "," or a group
# space after a digit), so the numbers that reach the price tests are the same.
# (and with [0-9] for \d: it is used only on texts whose digits are all ASCII, see _digits)
_NUM_FAST_RE = re.compile(
    (
        r"\d(?<![.,:/\-_'’a-zA-ZÀ-ÖØ-öø-ÿа-яА-ЯёЁ0-9]\d)(?<![0-9][ \u00a0\u202f]\d)"
        + _NUM_RE.pattern[len(r"\d(?<!\d\d)") :]
    ).replace(r"\d", "[0-9]")
)
_GROUP_SPACES = frozenset(" \u00a0\u202f")
_SKIP = ("phone", "payment", "email", "url", "handle")
# without a currency only these compact unit forms make a bare number a price ("200/hr", "150hh")
_BARE_UNITS = frozenset({"hr", "hrs", "hh", "qv", "hour", "hhr", "qk", "/h"})
_BARE_NOT = frozenset({24, 48, 72, 365})  # "24/7", "24h": availability, not a price
_MAX_NUMBERS = 2000  # per field; bounds hostile input such as "1 " * 500000


_TOK_RE = re.compile(r"[ \t\u00a0]{0,2}(?P<tok>[^\W\d_]{1,20}(?:[.'’/][^\W\d_]{1,12})?\.?|\d{1,3}|[^\w\s])")
_WORDS_RE = re.compile(r"[^\W\d_]+")
_DEC_TAIL_RE = re.compile(r"[.,](\d{1,2})$")
_NON_DIGIT_RE = re.compile(r"\D")
_CODE_BEFORE_RE = re.compile(r"(?<![\w])([^\W\d_]{2,4})$")
_ONE_HOUR_BEFORE_RE = re.compile(r"\b1\s?(?:hr|h|hour|час|hora|heure|ora|oră)\s{0,2}[:\-–=]?\s{0,3}$", re.I)


@functools.cache
def _lex() -> dict[str, Any]:
    d = lexicon("prices")

    def norm(w: Any) -> str:
        return " ".join(str(w).lower().split())

    symbols = {norm(k): v for k, v in d["symbols"].items()}
    words = {norm(k): v for k, v in d["words"].items()}
    euph = {norm(k): v for k, v in d["euphemisms"].items()}
    return {
        "country_currency": {str(k): str(v) for k, v in d["country_currency"].items()},
        "dollar": frozenset(d["dollar_sign"]),
        "symbols": symbols,
        "words": words,
        "euph": euph,
        "unit_before_cache": {},  # see _unit_before
        # (table, is_euphemism) in the order _after tries them after an amount
        "currency_tables": ((symbols, False), (words, False), (euph, True)),
        "unit_of": {norm(w): unit for unit, ws in d["units"].items() for w in ws},
        "before_of": {norm(w): unit for unit, ws in d["unit_before"].items() for w in ws},
        "mult": {norm(k): int(v) for k, v in d["multipliers"].items()},
        "conn": frozenset(t for c in d["unit_connectors"] for t in norm(c).split()),
        "max_sym": max(len(k) for k in d["symbols"]),
        # first token after an amount that can start a currency, multiplier, connector or unit
        "first_after": frozenset(
            [norm(k).split()[0] for k in (*d["symbols"], *d["words"], *d["euphemisms"], *d["multipliers"])]
            + [t.split()[0] for t in (norm(w) for ws in d["units"].values() for w in ws)]
            + [norm(c).split()[0] for c in d["unit_connectors"]]
            + ["/", "$", "€", "£", "₽", "₴", "¥", "₺", "₹"]
        ),
        "multi_first": frozenset(
            k.split()[0] for k in (norm(w) for ws in d["units"].values() for w in ws) if " " in k
        )
        | frozenset(k[0] for k in (norm(w) for ws in d["units"].values() for w in ws) if "/" in k),
        "symbol_chars": frozenset("".join(str(k) for k in d["symbols"])),
        "symbol_last": frozenset(norm(k)[-1] for k in d["symbols"]),
        # words written with a "/" inside ("o/n"): kept whole, other "a/b" tokens are split
        "slash_words": frozenset(
            w
            for w in (*(norm(w) for ws in d["units"].values() for w in ws), *map(norm, d["words"]))
            if "/" in w
        ),
    }


def _slash_words() -> frozenset[str]:
    return _lex()["slash_words"]


def _lookup(table: dict[str, Any], tok: str) -> tuple[Any, bool] | None:
    """(value, used_trailing_dot) for ``tok`` or ``tok`` without its sentence full stop."""
    if tok in table:
        return table[tok], True
    if tok.endswith(".") and tok[:-1] in table:
        return table[tok[:-1]], False
    return None


def _amount(num: str, sep: str | None) -> str:
    if sep:  # thousands groups, maybe a decimal tail: "1,000", "5 000", "1.000,50"
        head, dec = num, ""
        m = _DEC_TAIL_RE.search(num)
        if m and num[m.start()] != sep:
            head, dec = num[: m.start()], m.group(1)
        value = _NON_DIGIT_RE.sub("", head)
    else:
        value, _, dec = num.replace(",", ".").partition(".")
    dec = dec.rstrip("0")
    value = value.lstrip("0") or "0"
    return f"{value}.{dec}" if dec else value


def _currency_for(symbol_or_code: str | None, region: str | None, lex: dict[str, Any]) -> str | None:
    if symbol_or_code == "$":
        local = lex["country_currency"].get(region or "")
        return local if local in lex["dollar"] else "USD"
    return symbol_or_code


class _Tokens:
    """Tokens after a position, read lazily (most amounts need one or two)."""

    __slots__ = ("text", "items", "pos")

    def __init__(self, text: str, pos: int):
        self.text, self.items, self.pos = text, [], pos

    def get(self, i: int) -> tuple[str, int] | None:
        items = self.items
        if i < len(items):  # already read: most calls
            return items[i]
        while len(items) <= i:
            item = _read_token(self.text, self.pos) if len(items) < 6 else None
            if item is None:
                return None
            items.append(item)
            self.pos = item[1]
        return items[i]


def _read_token(text: str, pos: int) -> tuple[str, int] | None:
    """The token at ``pos`` (lower case) and where it ends, or None."""
    m = _TOK_RE.match(text, pos)
    if m is None:
        return None
    tok, end = m.group("tok").lower(), m.end()
    slash = tok.find("/")
    if slash > 0 and tok not in _slash_words():
        # "EUR/mese", "roses/hour": a currency, then "/" and the unit as tokens of their own
        tok, end = tok[:slash], m.start("tok") + slash
    return tok, end


def _after(
    text: str, end: int, lex: dict[str, Any], first: tuple[str, int] | None = None
) -> tuple[int, int, str | None, bool, str | None, str]:
    """Read what follows an amount: multiplier, currency, connectors and unit (``first``: the
    token at ``end`` when the caller has read it already)."""
    # ``items[i] if i < len(items) else get(i)`` is ``toks.get(i)`` without a method call for
    # the tokens already read (most reads: _after looks at the same few tokens several times)
    toks = _Tokens(text, end)
    items, get = toks.items, toks.get
    if first is not None:
        items.append(first)
        toks.pos = first[1]
    i, mult, currency, euphemism, unit, unit_tok = 0, 1, None, False, None, ""
    t = items[0] if items else get(0)
    if t and (t[0] in ("тыс", "тыс.", "т.р", "т.р.") or (t[0] in lex["mult"] and text[end : end + 1] != " ")):
        mult = lex["mult"].get(t[0].rstrip("."), lex["mult"].get(t[0], 1))
        end, i = t[1], 1
    t = items[i] if i < len(items) else get(i)
    if t:
        nxt = items[i + 1] if i + 1 < len(items) else get(i + 1)
        two = _lookup(lex["symbols"], t[0] + nxt[0]) if nxt and nxt[0] in lex["symbol_chars"] else None
        if two:  # "R $", "US $"
            currency, end, i = two[0], nxt[1], i + 2
        else:
            for table, is_euph in lex["currency_tables"]:
                hit = _lookup(table, t[0])
                if hit:
                    currency, euphemism = hit[0], is_euph
                    end, i = t[1] - (0 if hit[1] else 1), i + 1
                    break
    j = i
    conn = lex["conn"]
    while j - i < 2 and (t := items[j] if j < len(items) else get(j)) and t[0] in conn:
        j += 1
    first = items[j] if j < len(items) else get(j)
    if first:
        widths = (3, 2, 1) if first[0] in lex["multi_first"] else (1,)
        for width in widths:
            last = items[j + width - 1] if j + width - 1 < len(items) else get(j + width - 1)
            if last is None:
                continue
            parts = [items[k][0] for k in range(j, j + width)]
            for key in (" ".join(parts), "".join(parts)) if width > 1 else (parts[0],):
                hit = _lookup(lex["unit_of"], key)
                if hit:
                    unit, unit_tok = hit[0], key
                    end = last[1] - (0 if hit[1] else 1)
                    break
            if unit:
                break
    if unit and j > i and items[j - 1][0] == "/":
        unit_tok = "/" + unit_tok
    return end, mult, currency, euphemism, unit, unit_tok


def _before(text: str, start: int, lex: dict[str, Any]) -> tuple[int, str | None]:
    """A currency written before the amount ("$200", "EUR 200", "R$ 300"): (new start, code)."""
    j = start
    if j and text[j - 1] in " \u00a0":
        j -= 1
    if (
        not j
        or text[j - 1].isspace()
        or (text[j - 1].isalpha() and not text[j - 1].isupper() and text[j - 1] not in "łр")
    ):
        return start, None  # fast path: no symbol or upper-case code right before
    c = text[j - 1]
    if c.lower() in lex["symbol_last"]:  # only then can a symbol end here
        for k in range(lex["max_sym"], 0, -1):
            sym = text[max(0, j - k) : j].lower()
            if len(sym) == k and sym in lex["symbols"] and not (j - k and text[j - k - 1].isalnum()):
                return j - k, lex["symbols"][sym]
    if not c.isalnum():
        return start, None  # a code ends in a letter (and a letter is alphanumeric)
    m = _CODE_BEFORE_RE.search(text[max(0, j - 6) : j])
    if m and m.group(1).lower() in lex["words"] and m.group(1).isupper():
        return j - len(m.group(1)), lex["words"][m.group(1).lower()]
    return start, None


def _unit_before(window: str, lex: dict[str, Any]) -> str | None:
    """The unit written in ``window``, the text right before an amount ("deposit", "1 hr -").

    Cached per window in ``lex`` (so it goes with the lexicon it was read with): ads repeat
    their phrasing ("deposit 100", "1 hour - 200"), so most windows were read before. Bounded:
    cleared when it grows past 10,000 windows (hostile text cannot grow it without limit)."""
    cache = lex["unit_before_cache"]
    try:
        return cache[window]
    except KeyError:
        pass
    unit = None
    words = _WORDS_RE.findall(window.lower())[-4:]
    for w in range(len(words)):
        key = " ".join(words[w:])
        if key in lex["before_of"] or words[w] in lex["before_of"]:
            unit = lex["before_of"].get(key) or lex["before_of"][words[w]]
            break
    # the last 12 characters (the window ends where the amount starts)
    if unit is None and _ONE_HOUR_BEFORE_RE.search(window[-12:]):
        unit = "hour"
    if len(cache) >= 10_000:
        cache.clear()
    cache[window] = unit
    return unit


def find_prices(
    text: str, region: str | None = None, skip: Iterable[tuple[int, int]] = ()
) -> Iterator[tuple[int, int, str, dict[str, Any]]]:
    """Yield ``(start, end, value, attrs)`` for each price in ``text``; numbers inside the
    ``skip`` spans (phones, payments ... already found) are not looked at."""
    kind = digit_kind(text)
    if kind == NONE:
        return
    skip = sorted(skip)
    lex = _lex()
    # numbers are separated by a non-digit: a text this short has at most _MAX_NUMBERS of
    # them, so the count limit cannot bind however many the fast regex leaves out
    fast = len(text) <= 2 * _MAX_NUMBERS and kind != OTHER
    cands = None
    if _cprice is not None:
        # the numbers, their left-boundary and skip-span tests, _before's tests up to its
        # symbol lookup and the first token, done in C (_cprice.c, the same decisions as
        # _py_find_prices): only the numbers that go on come back (None: skip spans that are
        # not pairs of ints, left to the Python loop)
        cands = _cprice.candidates(
            text,
            fast,
            skip,
            _MAX_NUMBERS,
            lex["first_after"],
            lex["symbol_chars"],
            lex["slash_words"],
            lex["symbol_last"],
        )
    if cands is None:
        yield from _py_find_prices(text, region, skip, fast, lex)
        return
    for s0, m_end, sep, first in cands:
        start, currency = s0, None
        if first is None:  # the character before may end a symbol or code: _before decides
            start, currency = _before(text, s0, lex)
            if currency is None:
                first = _read_token(text, m_end)
                if first is None or not _price_like(first[0], lex):
                    continue
        price = _price(text, region, lex, start, currency, first, m_end, text[s0:m_end], sep)
        if price is not None:
            yield price


def _price_like(tok: str, lex: dict[str, Any]) -> bool:
    """find_prices's first-token test: can ``tok`` start a currency, multiplier or unit?"""
    return (
        tok in lex["first_after"]
        or tok.rstrip(".") in lex["first_after"]
        or tok[0] in lex["symbol_chars"]
        or (len(tok) > 1 and tok[0] in "kк")
    )


def _py_find_prices(
    text: str, region: str | None, skip: list[tuple[int, int]], fast: bool, lex: dict[str, Any]
) -> Iterator[tuple[int, int, str, dict[str, Any]]]:
    """find_prices's number loop in Python: the fallback, and the reference for _cprice."""
    k = 0  # skip[:k] end at or before the current number (numbers come in order)
    numbers = _NUM_FAST_RE if fast else _NUM_RE
    for n, m in enumerate(numbers.finditer(text)):
        if n >= _MAX_NUMBERS:
            return
        s0 = m.start()
        # the cheap character tests first: most numbers end here, before the skip-span test
        if s0 and (text[s0 - 1] in _NOT_BEFORE or text[s0 - 1].isalpha()):
            continue  # inside a word, a time, a date, a measurement or a longer number
        if s0 > 1 and text[s0 - 1] in _GROUP_SPACES and "0" <= text[s0 - 2] <= "9":
            continue  # "212 555 0199 roses": a group of a longer digit run (a rejected phone)
        if skip:
            while k < len(skip) and skip[k][1] <= s0:
                k += 1
            inside = False
            for a, b in skip[k : k + 3]:
                if a <= s0 < b:
                    inside = True
                    break
            if inside:
                continue
        start, currency = _before(text, s0, lex) if s0 else (s0, None)
        first = None
        if currency is None:
            first = _read_token(text, m.end())  # ("EUR/mese": the currency, not its unit)
            if first is None or not _price_like(first[0], lex):
                continue  # the common case: a number followed by nothing price-like
        price = _price(text, region, lex, start, currency, first, m.end(), m.group(), m.group("sep"))
        if price is not None:
            yield price


def _price(
    text: str,
    region: str | None,
    lex: dict[str, Any],
    start: int,
    currency: str | None,
    first: tuple[str, int] | None,
    m_end: int,
    num: str,
    sep: str | None,
) -> tuple[int, int, str, dict[str, Any]] | None:
    """The price at the number ``num`` (ending at ``m_end``; ``currency``: one written before
    it, ``first``: the token after it, already read), or None when it is not a price."""
    # (the token read here is the first one _after reads: it is handed over, not read twice)
    end, mult, cur_after, euphemism, unit, unit_tok = _after(text, m_end, lex, first)
    if currency is None:
        currency = cur_after
    elif cur_after is not None:
        end = m_end if unit is None else end
    amount = _amount(num, sep)
    if currency is None and not euphemism:
        number = float(amount)
        if unit_tok.lstrip("/") not in _BARE_UNITS and not unit_tok.startswith("/"):
            return None
        if number < 30 or number in _BARE_NOT:
            return None
        currency = lex["country_currency"].get(region or "")
    if unit is None:
        unit = _unit_before(text[max(0, start - 30) : start], lex)
    if mult != 1:
        amount = str(int(float(amount) * mult))
    attrs: dict[str, Any] = {"currency": _currency_for(currency, region, lex), "unit": unit}
    if euphemism:
        attrs["euphemism"] = True
    return start, end, amount, attrs


# the patterns _cprice.c reproduces by hand: while prices.py's regexes equal them, the C scan
# gives the same numbers and tokens (an edit to a regex here falls back to the Python loop, right
# but slower, until the C code follows)
_C_PATTERNS = (
    r"\d(?<!\d\d)(?:\d{0,2}(?:(?P<sep>[ ,.\u00a0\u202f])\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d{0,6}(?:[.,]\d{1,2})?)(?!\d)",
    r"[0-9](?<![.,:/\-_'’a-zA-ZÀ-ÖØ-öø-ÿа-яА-ЯёЁ0-9][0-9])(?<![0-9][ \u00a0\u202f][0-9])"
    r"(?:[0-9]{0,2}(?:(?P<sep>[ ,.\u00a0\u202f])[0-9]{3})+(?:[.,][0-9]{1,2})?(?![0-9])|[0-9]{0,6}(?:[.,][0-9]{1,2})?)(?![0-9])",
    r"[ \t\u00a0]{0,2}(?P<tok>[^\W\d_]{1,20}(?:[.'’/][^\W\d_]{1,12})?\.?|\d{1,3}|[^\w\s])",
    frozenset(".,:/-_'’0123456789"),
    frozenset(" \u00a0\u202f"),
)


def _c_patterns_match() -> bool:
    """True while the regexes and character sets equal what _cprice.c reproduces."""
    return (
        _NUM_RE.pattern,
        _NUM_FAST_RE.pattern,
        _TOK_RE.pattern,
        _NOT_BEFORE,
        _GROUP_SPACES,
    ) == _C_PATTERNS and _NUM_RE.flags == _NUM_FAST_RE.flags == _TOK_RE.flags == re.UNICODE


# decided once at import: the patterns are module constants
_cprice = _native.native("tipwatch.engine.extract._cprice") if _c_patterns_match() else None


def extract(ctx) -> Iterable[Entity]:
    """Price entities (claimed, so ages skip them) from every field of ``ctx``."""
    for fld in ctx.fields:
        skip = [(s, e) for s, e, t in ctx.claimed.get(fld.name, ()) if t in _SKIP]
        for start, end, value, attrs in find_prices(fld.text, ctx.region, skip):
            if ctx.is_claimed(fld.name, start, end, _SKIP):
                continue
            yield ctx.entity("price", value, fld, start, end, claim=True, **attrs)
