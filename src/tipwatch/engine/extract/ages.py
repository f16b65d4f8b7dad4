"""Ages: "19yo", "19 y/o", "age: 19", "I am 20yrs", "20 years old", "tengo 19 años",
"j'ai 20 ans", "мне 19 лет", "19 лет", "am 19 ani", "tenho 19 anos", "nineteen years old",
"veintidós años".

Value: the age as digits ("19"), kept when 12 <= age <= 80: under-18 values are kept on purpose,
they are the most important to see. Never heights ("5'6", "165cm"), weights, prices,
measurements ("34-24-36"), years ("since 2019"), durations ("3 years experience", "hace 20
años") or dates. The cue words per language live in ``data/lexicons/ages.yaml``; ages in words
use :func:`tipwatch.engine.text.numwords.words_to_int` (imported lazily).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, count
from typing import Any

from tipwatch.engine.extract._data import fold, lexicon
from tipwatch.engine.extract._digits import NONE, OTHER
from tipwatch.engine.extract._digits import digits as digit_kind
from tipwatch.engine.extract._gazetteer import MAX_TEXT, Tokens, tokens
from tipwatch.engine.extract._patterns import alternation
from tipwatch.engine.types import Entity

__all__ = ["MAX_AGE", "MIN_AGE", "extract", "find_ages"]

MIN_AGE, MAX_AGE = 12, 80
# the "no digit before" test sits after the first digit, so the regex engine jumps from digit
# to digit instead of trying the look-behind at every position
_NUM_RE = re.compile(r"\d(?<!\d\d)\d?(?!\d)")
# the numbers of _NUM_RE that can be an age (two digits, the first 1-8) when the text's only
# digits are ASCII ones, less those the hand tests of _numeric reject for the character before
# ("$19", "a19": letters listed here are str.isalpha ones) or after ("19%", "24/7"): most
# numbers (times, phone groups, prices) never reach Python. A number is a whole digit run, so
# leaving one out never uncovers another.
_AGE_NUM_RE = re.compile(
    r"[1-8](?<![$€£₽#/.,:'’\"\-+*x×^@_&=a-zA-ZÀ-ÖØ-öø-ÿа-яА-ЯёЁ0-9][1-8])[0-9]"
    r"(?!\d|[%+$€£'’\"″′*x×^°]|[:/][0-9])"
)
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_NOT_BEFORE = frozenset("$€£₽#/.,:'’\"-+*x×^@_&=") | frozenset("0123456789")
_WORDS_BEFORE_RE = re.compile(r"((?:[^\W\d_]{1,20}[\s\-]{1,2}){1,4})$")
_SKIP = ("phone", "payment", "email", "url", "handle", "price")
_MAX_NUMBERS = 2000  # per field; bounds hostile input
# numbers are separated by a non-digit, so a text this short has at most _MAX_NUMBERS of them
_FEW_NUMBERS = 2 * _MAX_NUMBERS
_MAX_WORD_SUFFIXES = 200
_NOT_AFTER = frozenset("/:%+$€£'’\"″′*x×^°")
_PUNCT = ".,;:!?()[]{}\"'«»…"


def _alt(words: Iterable[str]) -> str:
    # longest first (as a trie: see _patterns); spaces match any short white space
    return alternation(words)


@functools.cache
def _lex() -> dict[str, Any]:
    d = lexicon("ages")
    end = r"(?![^\W\d_])"
    suffix_words = tuple(
        sorted({str(w).lower() for w in (*d["strong_suffix"], *d["noun_suffix"], "years old", "year old")})
    )
    return {
        "strong": re.compile(rf"\s{{0,2}}-?\s{{0,1}}(?:{_alt(d['strong_suffix'])}){end}", re.I),
        "noun": re.compile(
            rf"\s{{0,2}}-?\s{{0,1}}(?:de\s{{1,2}})?(?P<noun>{_alt(d['noun_suffix'])}){end}", re.I
        ),
        "cued_noun": re.compile(rf"\s{{0,2}}(?:{_alt(d['noun_suffix_cued'])}){end}\.?", re.I),
        "cue": frozenset(" ".join(str(w).lower().split()) for w in d["cue_before"]),
        "dur_after": re.compile(
            rf"[\s,]{{0,3}}(?:of\s{{1,2}}|de\s{{1,2}})?(?:{_alt(d['duration_after'])}){end}", re.I
        ),
        "dur_before": frozenset(" ".join(str(w).lower().split()) for w in d["duration_before"]),
        # "-" and "/" only before a number: "I'm 34-24-36", "24/7", but not "age 36 - Edmonton"
        "not_after": re.compile(
            rf"\s{{0,1}}(?:{_alt(w for w in d['not_after_number'] if w not in ('-', '/'))}"
            rf"|[-/]\s{{0,1}}\d|am{end}|pm{end}|\d|[.,]\d)",
            re.I,
        ),
        # a white-space separated token that is a suffix's first word once stripped of
        # punctuation (what ``low.split()`` + ``str.strip(_PUNCT)`` would find, in one C scan)
        # searched as "white space, then the word" (a class first: the regex jumps from space to
        # space) plus one match at offset 0: the same test as a look-behind for "not after
        # \S", which the engine would have to try at every position
        "suffix_head": _head_patterns(
            rf"[{re.escape(_PUNCT)}]*(?:"
            + "|".join(sorted({re.escape(h) for h in _heads(d)}, key=len, reverse=True))
            + rf")[{re.escape(_PUNCT)}]*(?!\S)"
        ),
        # the suffix words by their first two characters, and a scan for white space followed
        # by a character that starts one (a class first: the regex jumps between candidates)
        "suffix_by_head": _by_head(suffix_words),
        "suffix_order": {w: k for k, w in enumerate(suffix_words)},
        "suffix_start": re.compile(
            "\\s(?=[" + "".join(sorted({re.escape(w[0]) for w in suffix_words})) + "])"
        ),
        "suffix_words": suffix_words,
        # the first letter run of every head word of "suffix_head" and of every suffix word,
        # folded like the shared tokens
        "head_words": _first_runs(_heads(d)),
        "suffix_runs": _first_runs(suffix_words),
    }


def _heads(d: dict[str, Any]) -> set[str]:
    """The first words of the suffixes that ``suffix_head`` looks for."""
    heads = (str(w).lower().split()[0] for w in (*d["strong_suffix"], *d["noun_suffix"], "years", "year"))
    return {h for h in heads if h == h.strip(_PUNCT)}  # a stripped token never starts or ends with these


def _first_runs(words: Iterable[str]) -> frozenset[str] | None:
    """The first letter run of each word, folded like the shared word tokens; None when a word
    starts with no letter (then the tokens cannot tell, and the text scans run instead)."""
    runs = [_LETTERS_RE.match(w) for w in words]
    if not all(runs):
        return None
    return frozenset(r.group() if r.group().isascii() else fold(r.group()) for r in runs if r)


def _head_patterns(body: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(pattern at the text's start, pattern after one white-space character) for ``body``."""
    return re.compile(body), re.compile(r"\s" + body)


def _by_head(words: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for w in words:  # every suffix word has at least two characters
        out[w[:2]] = (*out.get(w[:2], ()), w)
    return out


@functools.cache
def _numwords() -> tuple[Callable[[list[str]], int | None], frozenset[str]] | None:
    try:
        from tipwatch.engine.text.numwords import number_words, words_to_int
    except ModuleNotFoundError:  # the number-word lexicon is optional for digit ages
        return None
    return words_to_int, frozenset(number_words())


def _prev_words(text: str, s: int, n: int = 3) -> tuple[list[str], list[int]]:
    """Up to ``n`` words before offset ``s`` (lower-case, nearest last) and their start offsets,
    skipping white space and ":", "=", "-" between them; stops at other punctuation."""
    words: list[str] = []
    starts: list[int] = []
    j = s
    limit = max(0, s - 40)
    while len(words) < n and j > limit:
        while j > limit and (text[j - 1].isspace() or text[j - 1] in ":=-–"):
            j -= 1
        k = j
        while k > limit and (text[k - 1].isalpha() or text[k - 1] in "'’-"):
            k -= 1
        if k == j:
            break
        words.insert(0, text[k:j].lower())
        starts.insert(0, k)
        j = k
    return words, starts


def _phrase_before(words: list[str], starts: list[int], table: frozenset[str]) -> int | None:
    """Start offset of the longest phrase of ``table`` that ends the ``words``, else None."""
    for i in range(len(words)):
        if " ".join(words[i:]) in table:
            return starts[i]
    return None


def _numeric(text: str, lex: dict[str, Any], skip: list[tuple[int, int]]) -> Iterator[tuple[int, int, int]]:
    numbers = _NUM_RE
    if len(text) <= _FEW_NUMBERS and digit_kind(text) != OTHER:
        # only the two-digit numbers that can be in range: the others would fail the range test
        # below, and the count limit cannot bind on a text this short
        numbers = _AGE_NUM_RE
    for n, m in enumerate(numbers.finditer(text)):
        if n >= _MAX_NUMBERS:
            return
        age = int(m.group())
        if not MIN_AGE <= age <= MAX_AGE:
            continue  # tested first: it rules out most numbers at the cost of one int()
        s, e = m.span()
        if skip:
            inside = False
            for a, b in skip:  # a plain loop: a generator per number costs more than the test
                if a <= s < b:
                    inside = True
                    break
            if inside:
                continue
        prev = text[s - 1] if s else " "
        if prev in _NOT_BEFORE or prev.isalpha():
            continue  # "$19", "10:19", "1.19", "a19", "34-24"
        if (
            e < len(text)
            and text[e] in _NOT_AFTER
            and not (text[e] in ":/" and not text[e + 1 : e + 2].isdigit())
        ):
            continue  # "24/7", "19:00", "20%", "19.5", "18+" (but "age 33: ready")
        strong = lex["strong"].match(text, e)
        if strong:
            yield s, strong.end(), age
            continue
        noun = lex["noun"].match(text, e)
        words, starts = _prev_words(text, s)
        cue = _phrase_before(words, starts, lex["cue"])
        if noun:
            # a duration word just before, or one word earlier ("опыт работы 15 лет")
            if (
                lex["dur_after"].match(text, noun.end())
                or _phrase_before(words, starts, lex["dur_before"]) is not None
                or (
                    len(words) >= 2 and _phrase_before(words[:-1], starts[:-1], lex["dur_before"]) is not None
                )
            ):
                continue
            yield (cue if cue is not None else s), noun.end(), age
            continue
        if cue is None:
            continue
        cued = lex["cued_noun"].match(text, e)
        if cued:
            if not lex["dur_after"].match(text, cued.end()):
                yield cue, cued.end(), age
            continue
        if lex["not_after"].match(text, e) or lex["dur_after"].match(text, e):
            continue  # "I am 5'6", "I'm 34-24-36", "age 20 years experience"
        yield cue, e, age


def _in_words(text: str, lex: dict[str, Any]) -> Iterator[tuple[int, int, int]]:
    toks = None
    if len(text) <= MAX_TEXT:
        # the shared word tokens (built for handles and places anyway): a suffix word stands
        # between white space and punctuation, so its first letter run is a token of its own;
        # when none is there, the "suffix_head" scans below would find nothing either
        toks = tokens(text)
        if not toks.lowered:
            toks = None
        elif lex["head_words"] is not None and lex["head_words"].isdisjoint(toks.words):
            return
    low = text.lower()
    at_start, after_space = lex["suffix_head"]
    if at_start.match(low) is None and after_space.search(low) is None:
        return  # the common case: no "years"/"años"/"лет"... written at all
    budget = _MAX_WORD_SUFFIXES
    nw = None
    for suffix, pos in _suffix_hits(low, lex, toks):  # boundaries already tested there
        if budget <= 0:
            break
        end = pos + len(suffix)
        budget -= 1
        nw = nw or _numwords()
        if nw is None:
            return
        words_to_int, vocab = nw
        words, starts = _prev_words(text, pos, 5)
        if len(words) > 1 and words[-1] == "de":  # Romanian "douăzeci de ani"
            words, starts = words[:-1], starts[:-1]
        # cheap reject: the word right before the suffix must be a number word
        if words and (
            words[-1] in vocab or words[-1].rpartition("-")[2] in vocab or _compound(words[-1], vocab)
        ):
            for k in range(len(words)):  # longest run of number words first
                number_tokens = [p for w in words[k:] for p in w.split("-") if p]
                value = words_to_int(number_tokens)
                if value is not None:
                    if MIN_AGE <= value <= MAX_AGE and not lex["dur_after"].match(text, end):
                        yield starts[k], end, value
                    break


def _suffix_hits(low: str, lex: dict[str, Any], toks: Tokens | None = None) -> list[tuple[str, int]]:
    """``(suffix, offset)`` of every suffix word written after white space and before a
    non-alphanumeric character (or the end), in the order of ``suffix_words`` and then of the
    text: the order a ``str.find`` loop per suffix would visit them, from one scan of the word
    starts instead of a scan of the text per suffix. At most ``_MAX_WORD_SUFFIXES`` per suffix
    (no more are ever looked at). ``toks``: the word tokens of ``low`` (lowered ones), if any."""
    by_head, order = lex["suffix_by_head"], lex["suffix_order"]
    hits: list[tuple[int, int, str]] = []
    per: dict[str, int] = {}
    n = len(low)
    if toks is not None and lex["suffix_runs"] is not None:
        # a suffix word after white space starts a word token that is its first letter run:
        # only those tokens are looked at (in text order, like the scan below), not every
        # white space before a letter that could start a suffix
        offs = toks.offs
        firsts = compress(count(), map(lex["suffix_runs"].__contains__, toks.words))
        starts: Iterable[int] = [p for p in (offs[2 * j] for j in firsts) if p and low[p - 1].isspace()]
    else:
        starts = (m.end() for m in lex["suffix_start"].finditer(low))
    for pos in starts:
        for suffix in by_head.get(low[pos : pos + 2], ()):
            end = pos + len(suffix)
            if low.startswith(suffix, pos) and (end >= n or not low[end].isalnum()):
                k = per.get(suffix, 0)
                if k < _MAX_WORD_SUFFIXES:
                    per[suffix] = k + 1
                    hits.append((order[suffix], pos, suffix))
    hits.sort()
    return [(suffix, pos) for _o, pos, suffix in hits]


def _compound(word: str, vocab: frozenset[str]) -> bool:
    """A German unit-und-tens number word: "einundzwanzig", "fünfundzwanzig"."""
    unit, und, tens = word.partition("und")
    return bool(und) and unit in vocab and tens in vocab


def find_ages(text: str, skip: Iterable[tuple[int, int]] = ()) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, value)`` for each age in ``text`` (spans do not overlap); numbers
    inside the ``skip`` spans (phones, prices ... already found) are not looked at."""
    lex = _lex()
    found: list[tuple[int, int, int]] = []
    if digit_kind(text) != NONE:
        found.extend(_numeric(text, lex, list(skip)))
    found.extend(_in_words(text, lex))
    last_end = -1
    for s, e, age in sorted(found):
        if s >= last_end:
            last_end = e
            yield s, e, str(age)


def extract(ctx) -> Iterable[Entity]:
    """Age entities from every field of ``ctx`` (phones, prices ... already claimed are skipped)."""
    for fld in ctx.fields:
        skip = [(s, e) for s, e, t in ctx.claimed.get(fld.name, ()) if t in _SKIP]
        for start, end, value in find_ages(fld.text, skip):
            if ctx.is_claimed(fld.name, start, end, _SKIP):
                continue
            yield ctx.entity("age", value, fld, start, end)
