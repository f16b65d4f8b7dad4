"""Near-duplicate templates: ads written from one template, found with MinHash LSH.

An operation posts the same text again and again, changing only the name, the phone, the
city and the price. We mask those *slots* (from the extractor's entities, plus capitalised
names and bare numbers), lower-case the body, cut it into shingles of 5 word tokens, and let
MinHash LSH (datasketch) propose candidates that are then checked by estimated Jaccard.

    >>> from tipwatch.engine import ad_from_dict
    >>> from tipwatch.engine.extract import extract_ad
    >>> index = TemplateIndex()
    >>> body = "Hi gentlemen, I'm {n}, a sweet girl from {c}. Incall and outcall, all day. Call {p} now, discreet."
    >>> ads = [ad_from_dict({"id": str(i), "body": body.format(n=n, c=c, p=p), "country": "GB"})
    ...        for i, (n, c, p) in enumerate([("Anna", "Leeds", "07457 218930"),
    ...                                       ("Mia", "York", "07457 218931")])]
    >>> [index.add(ad.id, ad, extract_ad(ad)) for ad in ads][0] == index.template_of("1")
    True

Clusters are the connected components of the "estimated Jaccard >= threshold" graph over
LSH candidates (union-find). The graph does not depend on the order ads arrive in, so adding
ads one by one gives the same clusters as adding them all at once.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from datasketch import MinHash, MinHashLSH

from tipwatch.engine.types import Ad

__all__ = ["SLOT_TYPES", "Slot", "Template", "TemplateIndex", "masked_tokens"]

# Entity type -> slot token. Other entity types are masked as ⟨other⟩.
SLOT_TYPES: dict[str, str] = {
    "phone": "⟨phone⟩",
    "email": "⟨email⟩",
    "handle": "⟨handle⟩",
    "payment": "⟨payment⟩",
    "price": "⟨price⟩",
    "age": "⟨age⟩",
    "location": "⟨location⟩",
    "url": "⟨url⟩",
}
_NAME = "⟨name⟩"
_NUM = "⟨num⟩"
_OTHER = "⟨other⟩"
_SLOT_TOKENS = frozenset((*SLOT_TYPES.values(), _NAME, _NUM, _OTHER))

SHINGLE = 4  # 5 in the first design; ads are short (~40 tokens) and 4 recalls more
NUM_PERM = 128
THRESHOLD = 0.35  # tuned on the demo world: see tests/engine/link/test_templates.py
_MAX_TOKENS = 2_000  # a template lives in the first few hundred words; bounds work on huge bodies

# Bounded repetitions: a linear-time scan on hostile input.
_TOKEN = re.compile(r"\w{1,64}")
_SENTENCE_END = frozenset(".!?\n:;•*-–—|\"'()[]")
# Languages that capitalise common nouns: a capital letter there says nothing about names.
_NOUN_CAPS = frozenset({"de", "lb"})


def _hash32(shingle: bytes) -> int:
    # blake2b truncated to 32 bits: datasketch's default SHA-1 per shingle is its slowest part.
    return int.from_bytes(hashlib.blake2b(shingle, digest_size=4).digest(), "little")


def _is_sentence_start(text: str, pos: int) -> bool:
    """True when only spaces and punctuation separate ``pos`` from a sentence end (or the start)."""
    i = pos - 1
    stop = max(0, pos - 8)  # look back a few characters only
    while i >= stop:
        ch = text[i]
        if ch in _SENTENCE_END:
            return True
        if not ch.isspace():
            return False
        i -= 1
    return i < 0


def masked_tokens(
    text: str, spans: list[tuple[int, int, str]], language: str | None = None
) -> tuple[list[str], list[str]]:
    """Tokens of ``text`` with slots masked, and the raw text behind each token.

    ``spans`` are (start, end, entity type) in ``text``; overlapping spans keep the first.
    Returns (tokens, raws): a token is a lower-cased word or a slot token such as ``⟨phone⟩``;
    ``raws[i]`` is what the ad actually said at that place (for describe()).
    """
    tokens: list[str] = []
    raws: list[str] = []
    names = language not in _NOUN_CAPS
    pos = 0
    for start, end, typ in sorted(spans):
        if start < pos:
            continue
        _words(text, pos, start, names, tokens, raws)
        tokens.append(SLOT_TYPES.get(typ, _OTHER))
        raws.append(text[start:end])
        pos = end
        if len(tokens) >= _MAX_TOKENS:
            break
    _words(text, pos, len(text), names, tokens, raws)
    del tokens[_MAX_TOKENS:], raws[_MAX_TOKENS:]
    return tokens, raws


def _words(text: str, start: int, end: int, names: bool, tokens: list[str], raws: list[str]) -> None:
    if start >= end:
        return
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        raws.append(word)
        if not word.isalpha():  # 34c, 125lbs, 10am, 2026: numbers with units vary like numbers
            tokens.append(_NUM if any(ch.isdigit() for ch in word) else word.lower())
        elif names and len(word) > 1 and word[0].isupper() and not _is_sentence_start(text, m.start()):
            tokens.append(_NAME)
        else:
            tokens.append(word.lower())
        if len(tokens) >= _MAX_TOKENS:
            return


def _normalise(text: str) -> str:
    # NFKC folds full-width and compatibility forms; spans stay valid because we only
    # normalise the text *between* entity spans, piece by piece (see _ad_tokens).
    return unicodedata.normalize("NFKC", text) if not text.isascii() else text


def _ad_tokens(ad: Ad, extraction: Any) -> tuple[list[str], list[str]]:
    spans = [(e.start, e.end, e.type) for e in getattr(extraction, "entities", ()) or () if e.field == "body"]
    language = getattr(extraction, "language", None)
    tokens, raws = masked_tokens(ad.body, spans, language)
    if len(tokens) < SHINGLE and ad.title:  # a one-line body: let the title carry the template
        tspans = [
            (e.start, e.end, e.type) for e in getattr(extraction, "entities", ()) or () if e.field == "title"
        ]
        ttok, traw = masked_tokens(ad.title, tspans, language)
        tokens, raws = ttok + tokens, traw + raws
    for i, tok in enumerate(tokens):
        if tok not in _SLOT_TOKENS and not tok.isascii():
            tokens[i] = _normalise(tok).lower()
    return tokens, raws


def _shingles(tokens: list[str], k: int = SHINGLE) -> list[bytes]:
    """Distinct k-token shingles. Every slot reads as one generic ``⟨⟩`` and a run of slots as
    one: the extractor may call a name a location, or split "34-26-36" differently, and the
    contact lines at the end of an ad come in any number; none of that is the template."""
    seq: list[str] = []
    for tok in tokens:
        if tok in _SLOT_TOKENS:
            if seq and seq[-1] == "⟨⟩":
                continue
            tok = "⟨⟩"
        seq.append(tok)
    if not seq:
        return []
    if len(seq) <= k:
        return [" ".join(seq).encode()]
    return list({" ".join(seq[i : i + k]).encode() for i in range(len(seq) - k + 1)})


@dataclass(frozen=True, slots=True)
class Slot:
    """A place in a template where members differ.

    ``index`` points into :attr:`Template.constant_tokens`; ``kind`` is the entity type
    (``phone``, ``location`` ...), ``name``, ``num`` or ``text`` (free wording that varies);
    ``values`` are the distinct things members put there, most common first (at most 20).
    """

    index: int
    kind: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    """What the members of a template share, and where they differ.

    ``constant_tokens`` is the medoid's token sequence with each slot shown as ``⟨kind⟩``;
    ``slots`` lists those positions. :meth:`parts` gives both in reading order for the UI.
    """

    template_id: str
    size: int
    constant_tokens: tuple[str, ...]
    slots: tuple[Slot, ...]
    medoid: str = ""

    def parts(self) -> list[tuple[str, Any]]:
        """[("text", "hi gentlemen i m"), ("slot", Slot(...)), ...] in reading order."""
        by_index = {s.index: s for s in self.slots}
        out: list[tuple[str, Any]] = []
        run: list[str] = []
        for i, tok in enumerate(self.constant_tokens):
            slot = by_index.get(i)
            if slot is None:
                run.append(tok)
                continue
            if run:
                out.append(("text", " ".join(run)))
                run = []
            out.append(("slot", slot))
        if run:
            out.append(("text", " ".join(run)))
        return out


@dataclass(slots=True)
class _Entry:
    tokens: list[str]
    raws: list[str]
    minhash: MinHash
    order: int


@dataclass(slots=True)
class _Cluster:
    template_id: str
    members: list[str] = field(default_factory=list)


class TemplateIndex:
    """Incremental template clustering of ads (MinHash LSH + union-find).

    ``threshold`` is the estimated Jaccard similarity of masked 5-token shingles above which two
    ads are said to share a template; ``num_perm`` the MinHash size.
    """

    def __init__(
        self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM, shingle: int = SHINGLE
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"TemplateIndex: threshold must be in (0, 1), got {threshold}; try 0.5")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        seed_mh = MinHash(num_perm=num_perm)
        self._perms = seed_mh.permutations  # drawn once, shared by every ad
        self._scheme = seed_mh.scheme
        self._entries: dict[str, _Entry] = {}
        self._parent: dict[str, str] = {}  # union-find over ad ids
        self._clusters: dict[str, _Cluster] = {}  # root ad id -> cluster
        self._next = 0

    def __len__(self) -> int:
        return len(self._entries)

    # -- union-find -------------------------------------------------------------------------
    def _find(self, x: str) -> str:
        parent = self._parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def _union(self, a: str, b: str) -> str:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return ra
        ca, cb = self._clusters[ra], self._clusters[rb]
        # The older template keeps its id (ids grow with time), the smaller list moves.
        if cb.template_id < ca.template_id:
            ra, rb, ca, cb = rb, ra, cb, ca
        self._parent[rb] = ra
        ca.members.extend(cb.members)
        del self._clusters[rb]
        return ra

    # -- public API -------------------------------------------------------------------------
    def add(self, ad_id: str, ad: Ad, extraction: Any) -> str:
        """Add one ad (with its ``extract_ad`` result) and return its template id.

        The ad joins every existing cluster it resembles above the threshold (merging them);
        if it resembles none it starts a template of its own. Adding an id again is a no-op.
        """
        if ad_id in self._entries:
            return self.template_of(ad_id)
        tokens, raws = _ad_tokens(ad, extraction)
        shingles = _shingles(tokens, self.shingle)
        mh = MinHash(num_perm=self.num_perm, hashfunc=_hash32, permutations=self._perms, scheme=self._scheme)
        if shingles:
            mh.update_batch(shingles)
        entry = _Entry(tokens, raws, mh, len(self._entries))
        matches = []
        if shingles:
            joined: set[str] = set()
            for other in self._lsh.query(mh):
                root = self._find(other)
                if root in joined:  # one verified link per cluster is enough to join it
                    continue
                if mh.jaccard(self._entries[other].minhash) >= self.threshold:
                    joined.add(root)
                    matches.append(other)
            self._lsh.insert(ad_id, mh)
        self._entries[ad_id] = entry
        self._parent[ad_id] = ad_id
        self._next += 1
        self._clusters[ad_id] = _Cluster(f"tpl-{self._next:08d}", [ad_id])
        root = ad_id
        for other in matches:
            root = self._union(root, other)
        return self._clusters[root].template_id

    def template_of(self, ad_id: str) -> str:
        """The template id of an ad added before (KeyError names the id if it was not)."""
        if ad_id not in self._parent:
            raise KeyError(f"TemplateIndex.template_of: ad {ad_id!r} was never added; call add() first")
        return self._clusters[self._find(ad_id)].template_id

    def templates(self) -> dict[str, list[str]]:
        """Every template id with its member ad ids (in the order they were added)."""
        return {c.template_id: self._ordered(c.members) for c in self._clusters.values()}

    def members(self, template_id: str) -> list[str]:
        """Ad ids of a template, in the order they were added."""
        return self._ordered(self._cluster(template_id).members)

    def describe(self, template_id: str, *, max_members: int = 50, constant_share: float = 0.8) -> Template:
        """Constant text and varying slots of a template.

        Members' masked token sequences are aligned with the medoid (the member most similar to
        the others) by :class:`difflib.SequenceMatcher`. A medoid token is constant when it is
        matched, with the same raw text, in at least ``constant_share`` of the members; slot
        tokens (``⟨phone⟩`` ...) and unmatched stretches become :class:`Slot` s with the values
        members put there. Only the first ``max_members`` members are read (bounded work).
        """
        ids = self.members(template_id)[:max_members]
        entries = [self._entries[i] for i in ids]
        medoid_i = self._medoid(entries)
        med = entries[medoid_i]
        n = len(med.tokens)
        same_raw = [0] * n
        maps: list[dict[int, int]] = []  # per member: medoid position -> member position
        for e in entries:
            sm = difflib.SequenceMatcher(None, med.tokens, e.tokens, autojunk=False)
            mapping: dict[int, int] = {}
            for a, b, size in sm.get_matching_blocks():
                for k in range(size):
                    mapping[a + k] = b + k
                    if e.raws[b + k].lower() == med.raws[a + k].lower():
                        same_raw[a + k] += 1
            maps.append(mapping)
        need = max(1.0, constant_share * len(entries))
        constant: list[str] = []
        slots: list[Slot] = []
        i = 0
        while i < n:
            tok = med.tokens[i]
            if tok not in _SLOT_TOKENS and same_raw[i] >= need:
                constant.append(tok)
                i += 1
                continue
            # A run of varying words is one slot ("twenty three" and "25" are one age).
            j = i + 1
            if tok not in _SLOT_TOKENS:
                while j < n and med.tokens[j] not in _SLOT_TOKENS and same_raw[j] < need:
                    j += 1
            vals: Counter = Counter()
            for e, mapping in zip(entries, maps, strict=True):
                vals[_span_value(e, mapping, i, j)] += 1
            kind = tok[1:-1] if tok in _SLOT_TOKENS else "text"
            slots.append(Slot(len(constant), kind, tuple(v for v, _ in vals.most_common(20))))
            constant.append(f"⟨{kind}⟩")
            i = j
        size = len(self._cluster(template_id).members)
        return Template(template_id, size, tuple(constant), tuple(slots), ids[medoid_i])

    # -- helpers ----------------------------------------------------------------------------
    def _cluster(self, template_id: str) -> _Cluster:
        for c in self._clusters.values():
            if c.template_id == template_id:
                return c
        raise KeyError(f"TemplateIndex: no template {template_id!r}; list them with templates()")

    def _ordered(self, ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda i: self._entries[i].order)

    @staticmethod
    def _medoid(entries: list[_Entry]) -> int:
        if len(entries) <= 2:
            return 0
        best, best_score = 0, -1.0
        for i, a in enumerate(entries):
            score = sum(a.minhash.jaccard(b.minhash) for b in entries)
            if score > best_score:
                best, best_score = i, score
        return best


def _span_value(e: _Entry, mapping: dict[int, int], i: int, j: int) -> str:
    """What member ``e`` says where the medoid has tokens [i, j): between the nearest anchors."""
    if j == i + 1 and i in mapping:
        return e.raws[mapping[i]]
    lo = 0
    for k in range(i - 1, max(-1, i - 50), -1):  # nearest aligned token before the run
        if k in mapping:
            lo = mapping[k] + 1
            break
    hi = len(e.tokens)
    for k in range(j, j + 50):
        if k in mapping:
            hi = mapping[k]
            break
    return " ".join(e.raws[lo:hi]) if hi > lo else ""
