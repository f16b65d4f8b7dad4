"""Phone numbers, plain and obfuscated, normalised to E.164.

    >>> from tipwatch.engine import ad_from_dict
    >>> from tipwatch.engine.extract import extract_ad
    >>> ad = ad_from_dict({"id": "1", "body": "txt me for80 2sixseven one9zerofor", "country": "US"})
    >>> [(e.value, e.obfuscated) for e in extract_ad(ad, only=["phone"]).entities]
    [('+14802671904', True)]

How it works, in one pass per field:

1. ``_phone_scan`` finds digit-ish *atoms* (digits, number words in ten languages, O / l / I
   among digits) with one bounded possessive regex and groups them into *runs* separated by
   short gaps of separators or junk (``929*272*7898``, ``(nine)(two)``, ``9.2.9``).
2. Within a run, candidates are taken greedily from the left, longest first, and validated by
   libphonenumber (``_phone_validate``); a run of several numbers splits into them.
3. A candidate is dropped when it is a date or a time range, has a currency or a unit around
   it (prices, heights, ages), follows an id word ("ID:", "ref"), is card-like, or overlaps a
   span an earlier extractor claimed (payments, URLs, emails).
4. Spaced single digits ("9 2 9 2 ...") need a phone word nearby ("call", "llámame", "📞"), or
   must fill their run ("9.2.9.2 ..." alone, not inside a longer list of digits). A number word starts a
   number only when the number cannot be read without it ("the one 929 272 7898"), and never ends
   one after plain digits ("... 7898 one night"); ambiguous words ("to", "for", "un") count only
   among other number words.

Region policy: with ``ctx.region`` the number is read as national in that region (and ``+``/``00``
numbers anywhere). Without a region, ``+``/``00`` numbers are kept, and North American ones read
as +1: numbers written in the NANP shape "(929) 272-7898" / "929-272-7898" / "1 929 272 7898",
and, when the ad is in English or its language is unknown, any 10-digit string with a NANP area
code and exchange (2-9 first digits; "for80 2sixseven one9zerofor"). A national number is not
guessed across a list of regions: most 9-10 digit strings are valid somewhere (Germany alone
accepts "272 7898", "06 12 34 56 78" is valid in France, the Netherlands, Germany and Italy),
so that would trade precision away.

Each entity has ``obfuscated`` (anything beyond plain separators was needed: words, letters,
junk separators, spaced digits, fullwidth / emoji / homoglyph characters), ``country`` (ISO
region of the number) and ``platform`` (``whatsapp``, ``telegram``, ``viber``, ``signal``,
``wechat``, ``line``) when a messenger name directly precedes the number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from tipwatch.engine.extract._phone_lexicon import phone_lexicon
from tipwatch.engine.extract._phone_scan import Run, run_digits, scan
from tipwatch.engine.extract._phone_validate import region_for, to_e164
from tipwatch.engine.extract.context import ExtractContext, FieldText
from tipwatch.engine.types import Entity

__all__ = ["extract", "region_of"]

# dates with a four-digit year (dd/mm/yyyy, mm/dd/yyyy, yyyy-mm-dd, mm.yyyy) and time ranges
_DATE = re.compile(
    r"(?<!\d)(?:[0-3]?\d[./-][01]?\d[./-](?:19|20)\d\d|(?:19|20)\d\d[./-][01]?\d[./-][0-3]?\d)(?!\d)"
    r"|(?<![\d.])[01]?\d[./](?:19|20)\d\d(?![\d.])"
    r"|(?<!\d)[0-2]?\d[.:h][0-5]\d ?[-–] ?[0-2]?\d[.:h][0-5]\d(?!\d)"
)
_CURRENCY_BEFORE = re.compile(r"[$€£¥₽₹] ?$|(?<![a-z])(?:usd|eur|gbp|rub|mxn|brl|ron|lei) ?$")
_ID_BEFORE = re.compile(
    r"(?<!\w)(?:id|ref|ref\.|reference|order|code|cod|código|codigo|код|zip|postcode|post code|cp|iban|nr|"
    r"invoice|inv|rechnung|factura|facture|fattura|fatura|pedido|commande|ticket|счет|счёт|заказ|"
    r"card|карта|tarjeta|cartão|anuncio|anúncio|annonce|ad|listing|#|nº|№|n°)\W{0,4}$"
)
_UNIT_AFTER = re.compile(
    r"^ ?(?:€|\$(?![a-z])|£|₽|eur\b|euro|usd\b|gbp\b|rub\b|руб|lei\b|ron\b|mxn\b|reais|dollars?\b|pesos?\b|"
    r"euros?\b|rubles?\b|рубл|roses?\b|rosas\b|hr\b|hrs\b|h\b|hours?\b|min\b|mins\b|cm\b|kg\b|lbs?\b|%|yo\b|y\.o|years?\b|años\b|ans\b|anos\b|лет\b|ani\b)"
)
# an IBAN-shaped token (country, check digits, groups) right before the digits
_IBAN_BEFORE = re.compile(r"(?<![a-z0-9])[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){0,7} ?$")
# dashes: ASCII, and the Unicode hyphens and dashes word processors put in (‐ ‑ ‒ – — ―, minus)
_DASHES = "\\-\u2010-\u2015\u2212"
_TIGHT_GAP = re.compile(f"[{_DASHES}./]")
_PLAIN_GAP = re.compile(f"\\)? ?[{_DASHES}./]? ?\\(?")
# non-ASCII in the original that does not make a number obfuscated: spaces and dashes
_BENIGN = re.compile("[\xa0\u2000-\u200a\u202f\u3000\u2010-\u2015\u2212]")
_CONTEXT_BEFORE = 48
_CONTEXT_AFTER = 24
# Work bounds per field, so hostile text (a megabyte of "1 1 1 ...") stays fast; a real ad or
# page never comes near them.
MAX_RUNS = 1000
MAX_CANDIDATES = 5000


def extract(ctx: ExtractContext) -> Iterator[Entity]:
    """Yield a ``phone`` entity for each number in the title and the body (spans claimed)."""
    for fld in ctx.fields:
        text = fld.text
        if len(text) < 7:
            continue
        low = text.lower()
        if len(low) != len(text):  # a few characters lower-case to two ("İ"): keep offsets aligned
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        yield from _field(ctx, fld, low)


def _field(ctx: ExtractContext, fld: FieldText, low: str) -> Iterator[Entity]:
    lex = phone_lexicon()
    budget = [MAX_CANDIDATES]
    for run in scan(low, lex, MAX_RUNS):
        if budget[0] <= 0:
            return
        if _card_like(run) and not _plus_before(low, run.atoms[0].start):
            continue
        atoms = run.atoms
        n = len(atoms)
        i = 0
        while i < n:
            a = atoms[i]
            if a.kind == "joiner":
                i += 1
                continue
            if a.weak or a.kind == "word":
                # a word starts a number only when the number cannot be read without it
                # ("the one 929 272 7898"); an ambiguous one ("un", "to") only among number words
                if i + 1 >= n or (a.weak and atoms[i + 1].kind != "word"):
                    i += 1
                    continue
                if atoms[i + 1].kind == "digits" and _longest(ctx, fld, low, run, i + 1, budget, probe=True):
                    i += 1
                    continue
            found = _longest(ctx, fld, low, run, i, budget)
            if found is None:
                i += 1
                continue
            j, entity = found
            if entity is not None:
                yield entity
            i = j


def _longest(
    ctx: ExtractContext, fld: FieldText, low: str, run: Run, i: int, budget: list[int], probe: bool = False
) -> tuple[int, Entity | None] | None:
    """The longest valid number starting at atom ``i``: (end atom, entity or None if filtered).

    With ``probe`` only say whether one exists (``(j, None)``), without filtering or claiming.
    """
    atoms = run.atoms
    plus = _plus_before(low, atoms[i].start)
    top = min(len(atoms), i + 15)
    # first without an ambiguous word at the end, then (words only) with one: "... dois um"
    for weak_end in (False, True):
        found = _scan_ends(ctx, fld, low, run, i, top, plus, budget, probe, weak_end)
        if found is not None or not run.weak or not any(a.weak for a in atoms[i + 1 : top]):
            return found
    return None


def _scan_ends(
    ctx: ExtractContext,
    fld: FieldText,
    low: str,
    run: Run,
    i: int,
    top: int,
    plus: bool,
    budget: list[int],
    probe: bool,
    weak_end: bool,
) -> tuple[int, Entity | None] | None:
    atoms = run.atoms
    for j in range(top, i, -1):
        last = atoms[j - 1]
        if last.kind == "joiner" or (
            last.weak and not (weak_end and j - 2 > i and atoms[j - 2].kind == "word")
        ):
            continue
        if (
            last.kind == "word"
            and j - 1 > i
            and all(a.kind == "digits" for a in atoms[i : j - 1])
            and sum(len(a.text) for a in atoms[i : j - 1]) >= 7
        ):
            continue  # "929 272 7898 one night": prose after a number written in digits
        if (
            run.weak
            and any(
                atoms[k].weak and atoms[k - 1].kind == "digits" and atoms[k + 1].kind == "digits"
                for k in range(i + 1, j - 1)
            )
            and not any(a.kind in ("word", "mixed") and not a.weak for a in atoms[i:j])
        ):
            continue  # "14.09.2026 um 14": an ambiguous word between plain digits is prose
        budget[0] -= 1
        if budget[0] < 0:
            return None
        sub = atoms[i:j]
        digits = "".join([a.text for a in sub]) if run.plain else run_digits(sub)
        if digits is None or len(digits) > 15:
            continue
        if len(digits) < 7:
            return None
        region = ctx.region
        if (
            region is None
            and not plus
            and (_nanp_shape(sub) or (ctx.language in (None, "en") and _nanp_digits(digits)))
        ):
            region = "US"
        e164 = to_e164(digits, plus, region)
        if e164 is None:
            continue
        if probe:
            return j, None
        return j, _accept(ctx, fld, low, run, i, j, e164, plus)
    return None


def _nanp_shape(atoms: list) -> bool:
    lengths = [a.end - a.start if a.kind == "digits" else 0 for a in atoms]
    return lengths == [3, 3, 4] or lengths == [1, 3, 3, 4] or lengths == [3, 7]


def _nanp_digits(digits: str) -> bool:
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and digits[0] > "1" and digits[3] > "1"


def _plus_before(low: str, s: int) -> bool:
    k = s - 1
    while k >= 0 and s - k <= 3 and low[k] in " (":
        k -= 1
    return k >= 0 and low[k] == "+"


def _accept(
    ctx: ExtractContext, fld: FieldText, low: str, run: Run, i: int, j: int, e164: str, plus: bool
) -> Entity | None:
    atoms = run.atoms[i:j]
    gaps = run.gaps[i : j - 1]
    s, e = atoms[0].start, atoms[-1].end
    if plus:
        s = low.rindex("+", 0, s)
    if s > 0 and low[s - 1] == "(" and ")" in low[s:e]:
        s -= 1
    if e < len(low) and low[e] == ")" and low.count("(", s, e) > low.count(")", s, e):
        e += 1
    if ctx.is_claimed(fld.name, s, e):
        return None
    before = low[max(0, s - _CONTEXT_BEFORE) : s]
    after = low[e : e + _CONTEXT_AFTER]
    raw_norm = low[s:e]
    # the end-anchored patterns are searched only where a match could start: a currency is at
    # most 4 characters before the number, an id word 13 (one more each for a final "\n")
    nb = len(before)
    if _DATE.search(raw_norm) or _CURRENCY_BEFORE.search(before, max(0, nb - 6)) or _UNIT_AFTER.match(after):
        return None
    if not plus and (_ID_BEFORE.search(before, max(0, nb - 16)) or _IBAN_BEFORE.search(before)):
        return None  # "ref. nr 2023-...", "IBAN DE89 3704 0044 ...": an id, not a phone
    if _in_longer_id(run, i, j):
        return None
    if len(atoms) == 2 and all(
        a.kind == "digits" and a.end - a.start == 4 and low[a.start] in "12" for a in atoms
    ):
        return None  # two years, "1999 2004"
    junk = any(not _PLAIN_GAP.fullmatch(g) for g in gaps)
    # words: an atom that is not plain digits; singles: single digits spaced out, not counting a
    # leading country or trunk code ("+7 916 ...", "1 800 ..."); one pass for both
    words = False
    singles = 0
    for k, a in enumerate(atoms):
        if a.kind != "digits":
            words = True
        elif k > 0 and a.end - a.start == 1:
            singles += 1
    ostart, oend = fld.norm.span(s, e)
    raw = fld.original[ostart:oend]
    disguised = not raw.isascii() and not _BENIGN.sub("", raw).isascii()  # fullwidth, emoji, homoglyphs
    obfuscated = words or junk or singles > 1 or disguised
    if singles > 1 and not words:
        # spaced-out digits need a phone word nearby, or a run of their own ("9.2.9.2...");
        # a spaced number inside a longer run of digits is a list or a table
        uniform = i == 0 and j == len(run.atoms) and singles >= 6
        if not uniform and not _has_context(before) and not _has_context(after):
            return None
    return ctx.entity(
        "phone",
        e164,
        fld,
        s,
        e,
        obfuscated=obfuscated,
        claim=True,
        country=region_of(e164),
        platform=_platform(before),
    )


def _in_longer_id(run: Run, i: int, j: int) -> bool:
    """True when atoms ``i:j`` are only part of a longer digit string joined by the same tight
    separator ("2023-000123" inside "2023-000123-4567"): one id, not a phone and a stray group."""
    atoms, gaps = run.atoms, run.gaps
    if j - i < 2 or any(a.kind != "digits" for a in atoms[i:j]):
        return False
    inner = set(gaps[i : j - 1])
    if len(inner) != 1 or not _TIGHT_GAP.fullmatch(next(iter(inner))):
        return False
    sep = gaps[i]
    return (j < len(atoms) and gaps[j - 1] == sep and atoms[j].kind == "digits") or (
        i > 0 and gaps[i - 1] == sep and atoms[i - 1].kind == "digits"
    )


@functools.lru_cache(maxsize=4096)
def region_of(e164: str) -> str | None:
    """ISO region of an E.164 number (``+1868...`` -> ``TT``)."""
    return region_for(e164)


def _has_context(before: str) -> bool:
    return phone_lexicon().context.search(before) is not None


def _platform(before: str) -> str | None:
    lex = phone_lexicon()
    m = lex.messenger.search(before[-24:])
    return lex.messenger_of.get(m.group("m")) if m else None


def _card_like(run: Run) -> bool:
    """Plain digits grouped like a card (4-4-4-4, 4-6-5, one block of 13-19) passing Luhn."""
    if not run.plain:
        return False
    atoms = run.atoms
    lengths = [a.end - a.start for a in atoms]
    if not (
        lengths in ([4, 4, 4, 4], [4, 6, 5], [4, 4, 4, 4, 3]) or (len(atoms) == 1 and 13 <= lengths[0] <= 19)
    ):
        return False
    digits = "".join(a.text for a in atoms)
    total = 0
    for k, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if k % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
