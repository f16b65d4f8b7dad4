"""The matcher's batch and token views: a batch of texts joined, normalised and lowered as one
string or as UTF-8 bytes (the gate splits those into white-space tokens), and each new token
folded in every reading (:func:`token_words`), plain ASCII words in bulk.

The folding steps themselves live in :mod:`._fold`; these functions apply them to whole batches
and to single tokens, and agree with :func:`._fold.fold_plain` on every string (tests check it).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from tipwatch.engine.termmatch._fold import (  # the folding steps, applied here to batches and tokens
    _CYR,
    _CYR_TABLE,
    _LATIN_RE,
    _LATIN_RUN,
    _LOOKALIKE_ANY,
    _LOOKALIKE_WORD,
    _SQUEEZE_DEL,
    _T,
    SEP,
    _back,
    _front,
    _is_plain,
    _leet,
    _plain_class,
    _squeeze_text,
    _strip_run,
)
from tipwatch.engine.text import normalise

__all__ = [
    "SEP_BYTES",
    "ascii_token_words",
    "joined_bytes",
    "joined_raw",
    "lower_bytes",
    "lower_joined",
    "lower_texts",
    "lower_token",
    "lower_tokens",
    "plain_bytes",
    "plain_tokens",
    "token_words",
]


def lower_joined(texts: Sequence[str], strip_latin: bool = True) -> tuple[list[str], str]:
    """``(normalised, lowered)``: the texts normalised, and lowered (lower case, Latin accents
    stripped unless ``strip_latin`` is false) and joined by ``SEP``, the input of
    :func:`token_words`. Stripping is the same character by character wherever it is done, so
    the matcher leaves it to ``token_words``, once per distinct token (a scan of every batch for
    accented letters costs more than the whole gate).

    Most batches need no normalisation at all: one test over the joined batch says so, and no
    text is looked at alone (normalise costs microseconds per text even when it changes nothing).
    """
    joined = SEP.join(texts)
    # SEP passes the character test: the count says that no text holds one of its own
    if not _is_plain(joined) or joined.count(SEP) != len(texts) - 1:
        joined = SEP.join([x if SEP not in x and _is_plain(x) else normalise(x).text for x in texts])
        normalised = joined.split(SEP)
    else:
        normalised = list(texts)
    return normalised, _front(joined, strip_latin)


SEP_BYTES = SEP.encode()
# the ASCII bytes that never make normalise change a text ("&" and controls may; SEP is checked apart)
_PLAIN_ASCII = bytes(c for c in range(128) if c == 0x0A or (0x20 <= c <= 0x7E and c != 0x26))


# two-byte needles made of common bytes are slow for ``in`` (tens of microseconds a batch); the
# regex engine finds a literal pair faster, and most batches hold no newline at all (``memchr``)
_DOUBLE_SPACE = re.compile(b"  ")
_NEWLINE_PAIR = re.compile(b"\n\n| \n|\n ")


_NUMPY_BYTES_FROM = 2048  # shorter: the regex searches cost less than the arrays


def _double_white(b: bytes) -> bool:
    """Whether ``b`` holds two white-space bytes in a row ("  ", "\n\n", " \n" or "\n ").

    A batch is tested with one byte array (three times faster than the literal searches, which
    step through a text that is one space in six); a short text with the regexes.
    """
    if len(b) < _NUMPY_BYTES_FROM:
        return _DOUBLE_SPACE.search(b) is not None or (b"\n" in b and _NEWLINE_PAIR.search(b) is not None)
    a = np.frombuffer(b, dtype=np.uint8)
    white = a == 0x20
    if b"\n" in b:
        white |= a == 0x0A
    return bool((white[1:] & white[:-1]).any())


def _bytes_plain(b: bytes, seps: int = 0) -> bool:
    """Whether normalise leaves every text of ``b`` (joined by exactly ``seps`` SEP bytes) alone."""
    if _double_white(b):
        return False
    rest = b.translate(None, _PLAIN_ASCII)  # what is left: SEP, controls, "&" and non-ASCII characters
    if rest.count(SEP_BYTES) != seps:  # a text holds SEP of its own
        return False
    return len(rest) == seps or _plain_class().search(rest.decode("utf-8", "surrogatepass")) is None


def lower_bytes(texts: Sequence[str]) -> tuple[list[str], bytes]:
    """``(normalised, lowered)``: the texts normalised, and joined by ``SEP`` as UTF-8 with the
    ASCII letters lower-cased (``bytes.lower``).

    The matcher's gate splits this into tokens: on bytes every step is a plain byte loop, where
    one accented letter in a batch makes the same steps on ``str`` several times slower. Decode a
    token and finish it with :func:`lower_token` to get the token of :func:`lower_texts`.
    """
    normalised, _, low = joined_bytes(texts)
    return normalised, low


def joined_bytes(texts: Sequence[str]) -> tuple[list[str], bytes, bytes]:
    """``(normalised, joined, lowered)``: :func:`lower_bytes`, with the normalised texts joined
    by ``SEP`` as UTF-8 before lower case (the gate looks there for camelCase)."""
    normalised, b, _ = joined_raw(texts)
    return normalised, b, b.lower()


def joined_raw(texts: Sequence[str]) -> tuple[list[str], bytes, bool]:
    """``(normalised, joined, plain)``: :func:`joined_bytes` without the lower case, which the
    gate does itself, in the same ``translate`` that makes ``SEP`` and line breaks spaces; and
    whether the batch passed as a whole the test that normalise leaves it alone (then every
    text is plain: ``SEP not in text and _is_plain(text)``, which :func:`fold_read` asks)."""
    b = SEP.join(texts).encode("utf-8", "surrogatepass")
    if _bytes_plain(b, len(texts) - 1):
        return list(texts), b, True
    normalised = [x if SEP not in x and _is_plain(x) else normalise(x).text for x in texts]
    return normalised, SEP.join(normalised).encode("utf-8", "surrogatepass"), False


def lower_token(token: str) -> str:
    """A token of :func:`lower_bytes`, decoded, lower-cased as :func:`lower_texts` does (accents
    kept). Lower case is the same token by token as text by text: a token ends at a space."""
    return token if token.isascii() else _front(token, strip_latin=False)


def lower_tokens(tokens: Sequence[bytes]) -> list[str]:
    """``[lower_token(t.decode(...)) for t in tokens]`` for tokens of :func:`lower_bytes` (which
    never hold ``SEP``), decoded and lower-cased together: lower case is the same token by token
    as in a batch ("İ" and the final sigma are read apart from their neighbours)."""
    if not tokens:
        return []
    joined = SEP_BYTES.join(tokens).decode("utf-8", "surrogatepass")
    if joined.isascii():  # lower_bytes has lower-cased the ASCII letters already
        return joined.split(SEP)
    return _front(joined, strip_latin=False).split(SEP)


def lower_texts(texts: Sequence[str], strip_latin: bool = True) -> tuple[list[str], list[str]]:
    """``(normalised, lowered)``: lowered is lower-cased with Latin accents stripped (unless
    ``strip_latin`` is false), the input of :func:`token_words`; both split into the same
    white-space tokens."""
    normalised, lowered = lower_joined(texts, strip_latin)
    return normalised, lowered.split(SEP)


_TRAILING = ",.;:?!"
_LOOKALIKES = "".join(_T.cyrillic)


def plain_tokens(tokens: Sequence[str]) -> tuple[list[int], list[str], list[int]]:
    """``(plain, words, others)``: the indices of the plain tokens, the one folded word of each
    (``token_words`` gives just that word) and the indices of the other tokens.

    A plain token is an ASCII word, maybe followed by ",.;:?!", not made only of letters with a
    Cyrillic look-alike: the common case, folded in one ``re.sub`` for the whole batch.
    """
    plain: list[int] = []
    bare: list[str] = []
    others: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.isascii():
            w = tok if tok.isalpha() else tok.rstrip(_TRAILING)
            if w.isalpha() and w.strip(_LOOKALIKES):
                plain.append(i)
                bare.append(w)
                continue
        others.append(i)
    # words are joined by single spaces, which squeezing leaves alone
    words = _squeeze_text(" ".join(bare)).split(" ") if bare else []
    return plain, words, others


_TRAILING_BYTES = _TRAILING.encode()
_LOOKALIKE_BYTES = _LOOKALIKES.encode("ascii")


def plain_bytes(tokens: set[bytes]) -> tuple[list[bytes], list[str], set[bytes]]:
    """``(plain, words, rest)``: :func:`plain_tokens` on the gate's tokens (UTF-8, from
    :func:`lower_bytes`) without decoding them: the plain tokens, the one folded word of each,
    and the set of the other tokens.

    ``bytes.isalpha`` is true of ASCII letters only, so the tests are those of
    :func:`plain_tokens`, made on the bytes with C-level steps; the plain words are decoded and
    squeezed together.
    """
    alpha = [tb for tb in tokens if tb.isalpha()]
    rest = tokens.difference(alpha)
    plain = [tb for tb in alpha if tb.strip(_LOOKALIKE_BYTES)]
    bare = plain.copy()
    # a word ending a clause ("team," "hours.")
    clause = [
        (tb, w) for tb in rest if (w := tb.rstrip(_TRAILING_BYTES)).isalpha() and w.strip(_LOOKALIKE_BYTES)
    ]
    if clause:
        plain.extend([tb for tb, _ in clause])
        bare.extend([w for _, w in clause])
    if len(plain) != len(alpha):
        rest = tokens.difference(plain)
    # words are joined by single spaces, which squeezing leaves alone
    words = _squeeze_text(b" ".join(bare).decode("ascii")).split(" ") if bare else []
    return plain, words, rest


def token_words(token: str) -> set[str]:
    """Every folded word a white-space token of :func:`lower_texts` can give, in any context
    (Latin accents stripped or not).

    Both leet readings, and for a token with Latin look-alikes its Cyrillic reading too, so
    that a token-level check never misses what the in-context fold of the text produces.
    """
    if not token.isascii() and _LATIN_RE.search(token):
        token = _LATIN_RUN.sub(_strip_run, token)
    if token.isascii():
        if token.isalpha():  # the common case: a plain word
            words = {_SQUEEZE_DEL.sub("", token)}
            if _LOOKALIKE_WORD.fullmatch(token):
                words.add(_SQUEEZE_DEL.sub("", token.translate(_CYR_TABLE)))
            return words
        # a plain word ending a clause ("team," "hours."): the marks are no leetspeak at the end
        # of a token and fold to a space, so the word reads as it does alone
        word = token.rstrip(_TRAILING)
        if word and word.isalpha() and not _LOOKALIKE_WORD.fullmatch(word):
            return {_SQUEEZE_DEL.sub("", word)}
    words = set()
    t, ambiguous = _leet(token, alt=False)
    words.update(_back(t).split())
    if ambiguous:
        words.update(_back(_leet(token, alt=True)[0]).split())
    if _LOOKALIKE_ANY.search(t) and (_CYR.search(t) or _LOOKALIKE_WORD.fullmatch(t)):
        words.update(_back(t.translate(_CYR_TABLE)).split())
    return words


def ascii_token_words(tokens: Sequence[str]) -> list[set[str]]:
    """``[token_words(t) for t in tokens]`` for ASCII tokens without ``SEP``, folded together in
    a few passes.

    Every step reads a token as it would alone: ``SEP`` joins them, which is no letter, digit,
    space or separator, and which no step rewrites.
    """
    if not tokens:
        return []
    where: list[int] = []
    t, _ = _leet(SEP.join(tokens), alt=False, where=where)
    read = t.split(SEP)
    out = [set(part.split()) for part in _back(t).split(SEP)]
    if where:  # the second reading, for the tokens where an ambiguous symbol was read
        starts = list(accumulate((len(tok) + 1 for tok in tokens[:-1]), initial=0))
        alt = sorted({bisect_right(starts, pos) - 1 for pos in where})
        ta, _ = _leet(SEP.join([tokens[i] for i in alt]), alt=True)
        for i, part in zip(alt, _back(ta).split(SEP), strict=True):
            out[i].update(part.split())
    for i, part in enumerate(read):
        if part and not part.strip(_LOOKALIKES):  # only letters with a Cyrillic look-alike
            out[i].update(_back(part.translate(_CYR_TABLE)).split())
    return out
