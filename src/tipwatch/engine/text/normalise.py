"""Normalise ad text for extraction, keeping a map from every output character to the original.

    >>> n = normalise("Call  ９２９&nbsp;272\u200b-7898")
    >>> n.text
    'Call 929 272-7898'
    >>> s, e = n.span(5, 17)
    >>> n.original[s:e]
    '９２９&nbsp;272\u200b-7898'

What happens, in order, to each piece of the original:

* HTML entities are unescaped (``&amp;`` ``&#x41;`` ``&nbsp;``);
* Unicode NFKC (fullwidth and mathematical digits become ASCII, ligatures split);
* zero-width characters, bidi controls, variation selectors and other control characters
  (but ``\\n`` and ``\\t``) are removed;
* emoji keycaps (``4️⃣``), circled and dingbat digits (``①`` ``➀`` ``❶``) and decimal digits of
  other scripts become ASCII digits;
* runs of white space become one space, or one ``\\n`` when the run holds a line break;
* homoglyphs from other scripts are folded to Latin (Unicode TR39) only inside a mixed-script
  or Latin-majority word, so Russian or Greek text stays as written.

Case is kept. Pure-ASCII text with nothing to do takes a fast path that costs almost nothing;
other text with nothing to do but confusable folding (most ads in other scripts) takes one too.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

__all__ = ["NormalisedText", "normalise"]


@dataclass(slots=True)
class NormalisedText:
    """A normalised string and its map back into the original.

    ``text`` is the normalised string; ``offsets[i]`` is the index in ``original`` of the first
    character that produced ``text[i]`` and ``offsets[len(text)] == len(original)``;
    ``ends[i]`` (when given) is the end of the original stretch behind ``text[i]`` (a collapsed
    white-space run, an entity, a keycap sequence). ``span()`` is the way to map spans.
    """

    original: str
    text: str
    offsets: Sequence[int]
    ends: Sequence[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the half-open span of ``original`` it came from."""
        if start >= end:
            o = self.offsets[start]
            return o, o
        if self.ends is not None:
            return self.offsets[start], self.ends[end - 1]
        return self.offsets[start], self.offsets[end - 1] + self._width(end - 1)

    def _width(self, i: int) -> int:
        # without ``ends``: the original character(s) behind text[i] run up to the next distinct offset
        o = self.offsets[i]
        j = i + 1
        while j < len(self.offsets) and self.offsets[j] == o:
            j += 1
        nxt = self.offsets[j] if j < len(self.offsets) else len(self.original)
        return max(1, nxt - o)


# --- character classes -------------------------------------------------------------------------

_NEWLINES = "\n\r\x85\u2028\u2029"
_SPACES = " \t\f\v\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
# invisible: zero-width, soft hyphen, bidi controls, variation selectors, fillers, keycap mark,
# and control characters other than tab / line breaks
_INVISIBLE = (
    "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u20e3\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U000e0000-\U000e007f"
)


def _charset(spec: str) -> frozenset[str]:
    # expand an "a-z"-style class body (as used in the regexes) into a set for O(1) tests
    out: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.add(spec[i])
            i += 1
    return frozenset(out)


_NL_SET = _charset(_NEWLINES)
_WS_SET = _charset(_SPACES) | _NL_SET
_INV_SET = _charset(_INVISIBLE)
_KEYCAP_MARKS = frozenset("\ufe0f\u20e3")

# Only plain character-class searches and str.find below: ``re`` scans a lone class at C
# speed, while an alternation costs ten times more per character.
_CTRL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_INTEREST = re.compile(r"[^\x20-\x25\x27-\x7e\n]")  # non-ASCII, control, tab, CR or '&'
_SPECIAL = re.compile(f"[&{_SPACES[1:]}{_NEWLINES}{_INVISIBLE}]")  # ends a plain non-ASCII run
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_WS_RUN = re.compile(f"[{_SPACES}{_NEWLINES}{_INVISIBLE}]+")
_DOUBLE_WS = re.compile(r"[ \n]{2,}")
_NL_RE = re.compile(f"[{_NEWLINES}]")
_SP_RE = re.compile(f"[{_SPACES}]")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]+")
# the first character of an ASCII run with a letter or digit of another script right before
# it, or right after its end (the class first: ``re`` skips to candidates at C speed; a
# character inside a run fails both look-behinds at once, so each run is read once)
_ADJACENT_RUN = re.compile(
    r"[A-Za-z0-9](?:(?<=[^\x00-\x7f\W_].)|(?<![A-Za-z0-9].)[A-Za-z0-9]*+(?=[^\x00-\x7f\W_]))"
)
_WORD_RE = re.compile(r"\w{1,65}")
_DIGIT_IN = re.compile(r"[0-9]")
_MAX_WORD = 64  # longer "words" are not words; folding them would cost time for nothing


def _load_table() -> tuple[dict[str, str], dict[int, str]]:
    digits: dict[str, str] = {}
    confusables: dict[int, str] = {}
    text = resources.files("tipwatch.data").joinpath("confusables/fold.tsv").read_text("utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        try:
            cp, value, kind = line.split("\t")
            ch = chr(int(cp, 16))
        except ValueError as exc:
            raise ValueError(
                f"tipwatch/data/confusables/fold.tsv:{lineno}: expected 'HEX<TAB>replacement<TAB>kind'; "
                "regenerate it with generate.py"
            ) from exc
        if kind == "digit":
            digits[ch] = value
        elif ch.isalnum():  # only word characters take part in word-level folding
            confusables[ord(ch)] = value
    return digits, confusables


_DIGITS, _CONFUSABLES = _load_table()
_DIGIT_SET = frozenset(_DIGITS)
_CONF_SET = frozenset(chr(c) for c in _CONFUSABLES)


def _bmp_class(chars: frozenset[str]) -> re.Pattern[str]:
    # a class of ranges over the Basic Multilingual Plane: ``re`` tests it with a bitmap, while
    # a class with astral characters is tested range by range (twenty times slower)
    cps = sorted(ord(c) for c in chars if ord(c) < 0x10000)
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)
    return re.compile(f"[{body}]")


_DIGIT_BMP = _bmp_class(_DIGIT_SET)
_DIGIT_TABLE = {ord(c): v for c, v in _DIGITS.items() if len(v) == 1}
_WIDE_DIGIT = re.compile("[" + "".join(re.escape(c) for c, v in _DIGITS.items() if len(v) > 1) + "]")
# Blocks where NFKC may compose two characters into one (combining marks, Indic vowel signs,
# Hangul jamo): a run holding none of them normalises character by character.
_MAY_COMPOSE = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u1000-\u109f\u1100-\u11ff\u1ab0-\u1aff\u1b00-\u1b7f\u1dc0-\u1dff\u20d0-\u20ff"
    "\u302a-\u302f\u3099\u309a\ufe20-\ufe2f\U00011000-\U000119ff]"
)
_KEYCAP_RUN = re.compile("(?:[0-9#*]\ufe0f?\u20e3)+")
_KEYCAP_BASE = re.compile("[0-9#*]")
_CONF_BMP = _bmp_class(_CONF_SET)


def _span_class(chars: frozenset[str]) -> re.Pattern[str]:
    # one range from the lowest to the highest astral member: a cheap "maybe" test that emoji
    # (U+1F300 and up) do not trip; the exact test follows only when it says yes
    cps = [ord(c) for c in chars if ord(c) > 0xFFFF]
    return re.compile(f"[{chr(min(cps))}-{chr(max(cps))}]")


_ASTRAL_DIGIT = _span_class(_DIGIT_SET)
_ASTRAL_CONF = _span_class(_CONF_SET)
# any character the builder would do something with, in a text without "&" and double white
# space: white space other than " " and "\n", control and invisible characters (keycap marks
# too), digits of other scripts, and anything in the span of the astral ones: one class, one
# scan of the text instead of three
_NOT_PLAIN = re.compile(
    f"[\x00-\x09\x0b-\x1f\x7f{_SPACES[1:]}\r\x85\u2028\u2029{_INVISIBLE}"
    f"{_DIGIT_BMP.pattern[1:-1]}{_ASTRAL_DIGIT.pattern[1:-1]}]"
)


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` (see the module docstring) and keep the offset map."""
    n = len(text)
    if (
        text.isascii()
        and "&" not in text
        and "  " not in text
        and "\n\n" not in text
        and " \n" not in text
        and "\n " not in text
        and (text.isprintable() or not _CTRL.search(text))
    ):
        return NormalisedText(text, text, range(n + 1), range(1, n + 1))
    if (
        "&" not in text
        and "  " not in text
        and "\n\n" not in text
        and " \n" not in text
        and "\n " not in text
        and _NOT_PLAIN.search(text) is None
        and unicodedata.is_normalized("NFKC", text)
    ):
        # Most ads are not ASCII (Cyrillic, accents, emoji) yet have nothing to change: no
        # entity, no white space but single " " and "\n", nothing invisible, already NFKC, no
        # digit to translate (_NOT_PLAIN holds the digits too, and the whole span of astral
        # ones). The builder would copy such a text in bulk, character for character (every
        # run of it is NFKC too: a substring of an NFKC string is NFKC), so only the
        # confusable folding below can change it, and that keeps the length.
        return NormalisedText(text, _folded(text), range(n + 1), range(1, n + 1))
    return _Builder(text).run()


def _folded(out: str) -> str:
    """``out`` with confusables folded where they read as Latin (see :func:`_fold`)."""
    if out.isascii():
        return out
    # the cheap BMP test first: the astral one is needed only without a BMP confusable
    # (and by _fold only for a Latin-major text)
    if _CONF_BMP.search(out) or (_ASTRAL_CONF.search(out) and not _CONF_SET.isdisjoint(out)):
        return _fold(out)
    return out


@functools.lru_cache(maxsize=1024)
def _entity(raw: str) -> str | None:
    decoded = html.unescape(raw)
    return None if decoded == raw else unicodedata.normalize("NFKC", decoded)


class _Builder:
    """The slow path: copy plain stretches in bulk, handle the rest piece by piece."""

    __slots__ = ("original", "out", "offs", "ends", "prev_ws")

    def __init__(self, original: str):
        self.original = original
        self.out: list[str] = []
        self.offs: list[int] = []
        self.ends: list[int] = []
        self.prev_ws = 0  # 0: last output char is not white space; 1: a space; 2: a newline

    def run(self) -> NormalisedText:
        text = self.original
        pos = scan = 0  # text[:pos] is emitted; text[pos:scan] is plain ASCII not yet emitted
        while (m := _INTEREST.search(text, scan)) is not None:
            i = m.start()
            c = text[i]
            if c == "&":
                em = _ENTITY.match(text, i)
                decoded = _entity(em.group()) if em else None
                if decoded is None:  # not a known entity: plain text
                    scan = i + 1
                    continue
                self.flush(pos, i)
                self.chars(decoded, i, em.end())
                pos = scan = em.end()
            elif c in _KEYCAP_MARKS and i > pos and _KEYCAP_RUN.match(text, i - 1):
                self.flush(pos, i - 1)
                pos = scan = self.keycaps(i - 1)
            elif c in _WS_SET or c in _INV_SET:
                self.flush(pos, i)
                pos = scan = self.ws_run(i)
            else:  # non-ASCII: take the whole run up to the next special character
                sm = _SPECIAL.search(text, i)
                e = sm.start() if sm else len(text)
                self.non_ascii(pos, i, e)
                pos = scan = e
        self.flush(pos, len(text))
        out = _folded("".join(self.out))
        self.offs.append(len(text))
        return NormalisedText(text, out, self.offs, self.ends)

    def flush(self, pos: int, end: int) -> None:
        if end > pos:
            self.plain(self.original[pos:end], pos)

    def plain(self, chunk: str, o: int) -> None:
        """Emit text that needs no change but white-space collapsing."""
        if "  " in chunk or "\n\n" in chunk or " \n" in chunk or "\n " in chunk:
            p = 0
            for m in _DOUBLE_WS.finditer(chunk):
                s, e = m.span()
                if s > p:
                    self.bulk(chunk[p:s], o + p)
                self.ws("\n" in m.group(), o + s, o + e)
                p = e
            if p < len(chunk):
                self.bulk(chunk[p:], o + p)
        else:
            self.bulk(chunk, o)

    def bulk(self, chunk: str, o: int) -> None:
        # no double white space inside; only the first character may touch earlier white space
        if self.prev_ws and chunk[0] in " \n":
            self.ws(chunk[0] == "\n", o, o + 1)
            chunk = chunk[1:]
            o += 1
            if not chunk:
                return
        k = len(chunk)
        self.out.append(chunk)
        self.offs.extend(range(o, o + k))
        self.ends.extend(range(o + 1, o + k + 1))
        last = chunk[-1]
        self.prev_ws = 2 if last == "\n" else 1 if last == " " else 0

    def ws_run(self, i: int) -> int:
        text = self.original
        e = _WS_RUN.match(text, i).end()
        k = i
        while k < e and text[k] in _KEYCAP_MARKS:
            k += 1
        if k > i and self.ends and not self.prev_ws and self.ends[-1] == i:
            self.ends[-1] = k  # a keycap (4️⃣) stays with its digit
            i = k
        run = text[i:e]
        if _SP_RE.search(run) or _NL_RE.search(run):
            self.ws(_NL_RE.search(run) is not None, i, e)
        return e

    def ws(self, newline: bool, o: int, e: int) -> None:
        if self.prev_ws:
            self.ends[-1] = e
            if newline and self.prev_ws == 1:
                self.out[-1] = self.out[-1][:-1] + "\n"
                self.prev_ws = 2
            return
        self.out.append("\n" if newline else " ")
        self.offs.append(o)
        self.ends.append(e)
        self.prev_ws = 2 if newline else 1

    def chars(self, s: str, o: int, e: int) -> None:
        """Emit the already-normalised ``s`` as coming from ``original[o:e]``."""
        for c in s:
            if c in _WS_SET:
                self.ws(c in _NL_SET, o, e)
            elif c in _INV_SET:
                continue
            else:
                c = _DIGITS.get(c, c)
                self.out.append(c)
                self.offs.extend([o] * len(c))
                self.ends.extend([e] * len(c))
                self.prev_ws = 0

    def non_ascii(self, pos: int, i: int, e: int) -> None:
        """Emit ``original[pos:e]``: plain ASCII up to ``i``, then a run with non-ASCII text."""
        text = self.original
        run = text[pos:e]
        digits = _DIGIT_BMP.search(run, i - pos) is not None or (
            _ASTRAL_DIGIT.search(run, i - pos) is not None and not _DIGIT_SET.isdisjoint(run)
        )
        normal = unicodedata.is_normalized("NFKC", run)
        if normal and not digits:
            self.plain(run, pos)  # already normal: copy in bulk
            return
        normed = run if normal else unicodedata.normalize("NFKC", run)
        if len(normed) == len(run) and not _MAY_COMPOSE.search(run) and not _WIDE_DIGIT.search(run):
            # nothing composed and the length held: every character became exactly one
            self.plain(normed.translate(_DIGIT_TABLE) if digits else normed, pos)
            return
        if i > pos + 1:
            self.plain(text[pos : i - 1], pos)
        if i > pos:
            i -= 1  # the character before the run may be the base of a combining mark
        # one cluster at a time: a base character and the combining marks after it
        while i < e:
            j = i + 1
            while j < e and unicodedata.combining(text[j]):
                j += 1
            cluster = text[i:j]
            digit = _DIGITS.get(cluster)
            if digit is None and cluster.isascii():
                self.plain(cluster, i)
            else:
                self.chars(digit if digit is not None else unicodedata.normalize("NFKC", cluster), i, j)
            i = j

    def keycaps(self, a: int) -> int:
        """Emit the keycap sequence starting at ``a`` (``4️⃣8️⃣``) as digits; return its end."""
        text = self.original
        b = _KEYCAP_RUN.match(text, a).end()
        starts = [m.start() for m in _KEYCAP_BASE.finditer(text, a, b)]
        self.out.append("".join(text[k] for k in starts))
        self.offs.extend(starts)
        self.ends.extend(starts[1:])
        self.ends.append(b)
        self.prev_ws = 0
        return b


def _fold(text: str) -> str:
    """Fold TR39 confusables to Latin inside words that are Latin in context (1:1 chars)."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    latin_major = ascii_chars - text.count(" ") > len(text) - ascii_chars
    astral = latin_major and _ASTRAL_CONF.search(text) is not None  # only a Latin text asks
    # where to look: every confusable in a Latin text; else where ASCII meets non-ASCII
    finder = _CONF_BMP.search if latin_major and not astral else None
    parts: list[str] = []
    done = copied = 0
    n = len(text)
    while True:
        if finder is not None:
            m = finder(text, done)
            if m is None:
                break
            i = m.start()
        elif latin_major:  # astral text (rare): a plain scan
            i = next((k for k in range(done, n) if text[k] in _CONF_SET), -1)
            if i < 0:
                break
        elif 0 < done < n and (pair := text[done - 1 : done + 1]).isascii() and pair.isalnum():
            # ``done`` stopped inside an ASCII run (after a word longer than _MAX_WORD): the
            # rest of it is a run of its own, with an ASCII character before it
            i, k = _ASCII_ALNUM.match(text, done).span()
            if not (k < n and not text[k].isascii() and text[k].isalnum()):
                done = k
                continue
        else:
            # the next ASCII run (from ``done``) with a letter or digit of another script right
            # before or after it: the runs skipped over have none, so nothing in them folds
            m = _ADJACENT_RUN.search(text, done)
            if m is None:
                break
            i = m.start()
        ws = i
        while ws > 0 and i - ws <= _MAX_WORD and (text[ws - 1].isalnum() or text[ws - 1] == "_"):
            ws -= 1
        wm = _WORD_RE.match(text, i)
        we = wm.end() if wm else i + 1
        done = max(we, i + 1)
        if i - ws > _MAX_WORD or we - ws > _MAX_WORD or ws < copied:
            continue
        word = text[ws:we]
        if _should_fold(word, latin_major):
            parts.append(text[copied:ws])
            parts.append(word.translate(_CONFUSABLES))
            copied = we
    if not parts:
        return text
    parts.append(text[copied:])
    return "".join(parts)


def _should_fold(word: str, latin_major: bool) -> bool:
    latin = fold = other = digits = 0
    for c in word:
        if c < "\x80":
            latin += c.isalnum()
            digits += c.isdigit()
        elif ord(c) in _CONFUSABLES:
            fold += 1
        elif c.isalpha() and ord(c) < 0x250:  # Latin-1 and Latin Extended letters (é, ș, ł)
            latin += 1
        elif c.isalnum():
            other += 1
    if not fold:
        return False
    if latin == digits and latin:
        # digits and look-alikes only: a number with a disguised digit ("6869О537") folds, a
        # number glued to a word of the text's own script ("37ВОСЕМЬ", "СЕМЬ7") does not
        return other == 0 and digits >= fold
    if latin:  # mixed script: fold when the word reads as Latin once folded
        return other == 0 or latin >= fold + other
    # a word made only of look-alikes ("ѕех") in a text that is mostly Latin, unless folding
    # would turn letters into digits: "руб" is roubles, not "py6"
    return latin_major and other == 0 and not _DIGIT_IN.search(word.translate(_CONFUSABLES))
