"""How ads hide contacts: digit words, look-alike letters, spacing, junk, odd Unicode digits.

Every function takes the plainly written form and returns the obfuscated text that goes in
the ad (the truth's ``raw``); the normalised value never changes.
"""

from __future__ import annotations

import random
from functools import cache

from tipwatch.demo._data import data, pick

__all__ = ["obfuscate_email", "obfuscate_phone"]

_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
_KEYCAP = "\ufe0f\u20e3"
_ZWSP = ("\u200b", "\u200c", "\u200d", "\u2060")
_JUNK = "*~_#/|"
_CYR_O = "\u043e"  # Cyrillic small o, looks like Latin "o"
_STYLES = (
    ("words", 30),
    ("letters", 12),
    ("spaced", 10),
    ("dotted", 8),
    ("junk", 10),
    ("fullwidth", 8),
    ("keycap", 7),
    ("zwsp", 8),
    ("brackets", 7),
)
_STYLE_NAMES = tuple(s for s, _ in _STYLES)
_STYLE_WEIGHTS = tuple(w for _, w in _STYLES)


@cache
def _digit_words(lang: str) -> tuple[tuple[str, ...], ...]:
    words = data()["digits"]
    return tuple(tuple(forms) for forms in words.get(lang, words["en"]))


def _split(written: str, cc: str) -> tuple[str, list[tuple[str, str]]]:
    """("+44" kept plain or "", [(digit group, separator after it), ...]); "(929) " -> "929 "."""
    head = ""
    rest = written
    if written.startswith("+"):
        head, rest = written[: 1 + len(cc)], written[1 + len(cc) :]
    groups: list[tuple[str, str]] = []
    cur = sep = ""
    for c in rest:
        if c.isdigit():
            if sep and cur:
                groups.append((cur, "-" if "-" in sep else "." if "." in sep else " "))
                cur = ""
            sep = ""
            cur += c
        else:
            sep += c
    groups.append((cur, ""))
    return head, groups


def _word(d: str, lang: str, rng: random.Random, case: int) -> str:
    forms = _digit_words(lang)[int(d)]
    w = forms[0] if len(forms) == 1 or rng.random() < 0.7 else pick(rng, forms)
    if "o" in w and w.isascii() and rng.random() < 0.15:
        w = w.replace("o", _CYR_O, 1)
    if case == 1:
        return w.upper()
    if case == 2:
        return w.capitalize()
    return w


def _letters(group: str, rng: random.Random) -> str:
    zero = "O" if rng.random() < 0.7 else "o"
    one = "l" if rng.random() < 0.6 else "I"
    return group.replace("0", zero).replace("1", one)


def obfuscate_phone(written: str, lang: str, rng: random.Random, cc: str = "") -> str:
    """Hide a written phone number the way ads do; the digits (and so the value) stay the same.

    ``cc`` is the country calling code, kept plain after a leading "+".
    """
    style = rng.choices(_STYLE_NAMES, _STYLE_WEIGHTS)[0]
    head, groups = _split(written, cc)
    body_digits = "".join(g for g, _ in groups)
    if style == "letters" and "0" not in body_digits and "1" not in body_digits:
        style = "words"
    if style == "words":
        share = 0.35 + 0.5 * rng.random()
        case = rng.choices((0, 1, 2), (6, 3, 1))[0]
        glue = pick(rng, ("", "", " ", "'", "-"))
        out = []
        for g, sep in groups:
            toks = []
            for d in g:
                if rng.random() < share:
                    toks.append(_word(d, lang, rng, case))
                else:
                    toks.append(d if rng.random() < 0.85 else _letters(d, rng))
            out.append(glue.join(toks) if glue in ("'", "-") and rng.random() < 0.3 else "".join(toks))
            if sep:
                out.append(pick(rng, (" ", " ", "'", "-", sep)))
        text = "".join(out)
    elif style == "letters":
        text = "".join(_letters(g, rng) + sep for g, sep in groups)
    elif style == "spaced":
        text = "".join(" ".join(g) + ("  " if sep else "") for g, sep in groups)
    elif style == "dotted":
        text = ".".join(body_digits)
    elif style == "junk":
        j = pick(rng, _JUNK)
        text = j.join(g for g, _ in groups) if len(groups) > 1 else j.join(body_digits)
    elif style == "fullwidth":
        text = "".join("".join(_FULLWIDTH[c] for c in g) + sep for g, sep in groups)
        if rng.random() < 0.5:
            head = "".join(_FULLWIDTH.get(c, c) for c in head)
    elif style == "keycap":
        text = "".join(c + _KEYCAP for c in body_digits)
    elif style == "zwsp":
        chars = list("".join(g + sep for g, sep in groups))
        for _ in range(rng.randint(1, 3) if len(chars) > 1 else 0):
            i = rng.randrange(1, len(chars))
            chars.insert(i, pick(rng, _ZWSP))
        text = "".join(chars)
    else:  # brackets: "(nine)(two)9 27..."
        n = rng.randint(2, min(4, len(body_digits)))
        words = "".join("(" + _word(d, lang, rng, 0) + ")" for d in body_digits[:n])
        text = words + body_digits[n:]
    text = text.rstrip(" '-")
    if head and text and (not text[0].isdigit() or rng.random() < 0.5):
        head += " "
    return (head + text).strip()


@cache
def _email_forms(lang: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    d = data()
    forms = list(d["email_obfuscated"]["any"]) + list(d["email_obfuscated"].get(lang, ()))
    out = []
    for f in forms:
        at = f[len("{l}") : f.index("{d}")]
        out.append((f, at, tuple(d["email_dots"][at])))
    return tuple(out)


def obfuscate_email(local: str, domain: str, lang: str, rng: random.Random) -> str:
    """ "name at gmail dot com", "name(at)mail[dot]ru", "name [at] yahoo [dot] fr" ..."""
    form, _at, dots = pick(rng, _email_forms(lang))
    dom = pick(rng, dots).join(domain.split("."))
    return form.replace("{l}", local).replace("{d}", dom)
