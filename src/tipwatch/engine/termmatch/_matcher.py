"""The term matcher: a token-level gate over batches, a full scan for the texts that pass.

The common case (no hit) costs, per batch of texts: one test that normalisation changes nothing
(``joined_raw``; else normalisation), lower-casing, one split of the batch's UTF-8 bytes into
white-space tokens and a few set operations against memos (bytes, because one accented letter
in a batch makes every ``str`` step several times slower). Each distinct token is folded once,
in every reading (``token_words``; plain words and ASCII tokens of a batch together), and the
new words of a batch classified together (one automaton pass each for term forms and phonetic
keys; Metaphone and the fuzzy half index per word; numbers and digit runs that cannot matter
skipped or made alike, see ``_gate.canonical``): does a word anchor a term (the term itself,
the longest word of a multi-word term, or a phonetic or fuzzy relative of one), hold a term
inside it (which counts in compound tokens only), or is the token a lone letter of a
spaced-out word? Only texts with such tokens are folded again with offsets and scanned in
full by the automaton, the word memos and the phonetic windows (``_scan.Scan``); a test checks
that the gate never hides a hit the full scan finds.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from itertools import repeat
from typing import Any

import ahocorasick

from tipwatch.engine._gc import fewer_collections
from tipwatch.engine.termmatch import _phonetic
from tipwatch.engine.termmatch._batch import joined_raw
from tipwatch.engine.termmatch._data import allowlist_entries, single_letter_words
from tipwatch.engine.termmatch._fold import Folded, fold_plain, fold_read, has_spaced, plain_class
from tipwatch.engine.termmatch._fuzzy import FuzzyIndex
from tipwatch.engine.termmatch._gate import (
    COMMON,
    HOT,
    LAZY,
    MARKED,
    PAIRED,
    SINGLE,
    SUB,
    any_camel,
    has_camel,
    new_gate,
)
from tipwatch.engine.termmatch._learning import _LETTER, TokenLearning
from tipwatch.engine.termmatch._scan import KINDS, MAX_MATCHES, Match, Scan, Term, _learn_words, runs

__all__ = ["KINDS", "MAX_MATCHES", "Match", "TermMatcher"]

_BATCH = 48  # texts gated together: big enough to share the set work, small enough to stay in cache
_LONG = 1 << 16  # longer texts are matched in pieces of this size
_OVERLAP = 512  # characters shared by consecutive pieces (no term is longer)
_MEMO_LIMIT = 500_000  # distinct words remembered before the memos start afresh

_CAMEL = re.compile("[a-z][A-Z]")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_DIGIT = re.compile("[0-9]")


def _as_pair(item: Any, index: int) -> tuple[str, Any]:
    if isinstance(item, str):
        return item, item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        return item[0], item[1]
    raise TypeError(f"term #{index + 1}: expected a str or a (term, key) pair, got {type(item).__name__}")


class TermMatcher(TokenLearning):
    """Find watchlist terms in text, obfuscated or not.

        >>> m = TermMatcher(["sex", "Golden Star Models"])
        >>> [(h.matched, h.kind) for h in m.find("h0t s.e.x at g0lden-star model$")]
        [('s.e.x', 'folded'), ('g0lden-star model$', 'folded')]

    ``terms`` are strings or ``(term, key)`` pairs (``key`` comes back on every hit);
    ``allowlist`` adds benign words or phrases to the shipped list; ``phonetic`` enables
    Metaphone hits ("secks" for "sex"); ``max_edits`` bounds edit-distance hits on words of five
    letters or more (0 disables); ``whole_words`` makes a hit align with word boundaries, except
    inside a single-token text, a hashtag, a handle, a camelCase or letters-and-digits token,
    where terms are also found as substrings ("newbornsecks").
    """

    def __init__(
        self,
        terms: Iterable[str | tuple[str, Any]],
        allowlist: Iterable[str] = (),
        phonetic: bool = True,
        max_edits: int = 1,
        whole_words: bool = True,
    ):
        if not isinstance(max_edits, int) or isinstance(max_edits, bool) or max_edits < 0:
            raise ValueError(
                f"max_edits must be an integer >= 0 (0 disables fuzzy matching), got {max_edits!r}"
            )
        self.whole_words = whole_words
        self._terms: list[Term] = []
        self._anchors: set[str] = set()
        # the words of each multi-word term other than its anchor -> the term ids (_paired_hit)
        self._others: dict[str, set[int]] = defaultdict(set)
        forms: dict[str, list[int]] = defaultdict(list)
        phon: dict[str, list[tuple[int, int]]] = defaultdict(list)
        pkeys: dict[str, list[int]] = defaultdict(list)
        self._fuzzy = FuzzyIndex(max_edits) if max_edits else None
        for index, item in enumerate(terms):
            text, key = _as_pair(item, index)
            folded = fold_plain(text).strip()
            if not folded:
                raise ValueError(
                    f"term #{index + 1} has no letters or digits once folded; remove it or spell it out"
                )
            words = tuple(folded.split())
            compact = "".join(words)
            tid = len(self._terms)
            pkey = ""
            if phonetic and compact.isascii() and compact.isalpha():
                pkey = _phonetic.key(compact)
                if len(pkey) >= 3:
                    pkeys[pkey].append(tid)
            self._terms.append(
                Term(
                    text=text,
                    key=key,
                    core=_EDGE.sub("", text.casefold()),
                    words=words,
                    compact=compact,
                    raw=_raw_forms(fold_plain(text, squeeze=False)),
                    raw_accented=_raw_forms(fold_plain(text, squeeze=False, strip_latin=False)),
                    pkey=pkey,
                    anchor=max(range(len(words)), key=lambda i: len(words[i])),
                    runs=_short_runs(compact, fold_plain(text, squeeze=False)),
                )
            )
            variants = {folded, compact, "".join(fold_plain(text, alt=True).split())}
            variants.add(" ".join(fold_plain(text, alt=True).split()))
            if len(words) == 1:
                variants.update(_split_forms(words))
            for form in variants:
                if tid not in forms[form]:
                    forms[form].append(tid)
                self._anchors.add(max(form.split(), key=len))
            for j, w in enumerate(words):
                if len(words) > 1 and j != self._terms[tid].anchor:
                    self._others[w].add(tid)
                if not w.isalpha():
                    continue
                if phonetic and w.isascii() and len(w) >= 3:
                    k = _phonetic.key(w)
                    if len(k) >= 2:
                        phon[k + w[0]].append((tid, j))  # keys are upper case, w[0] lower case
                if self._fuzzy is not None:
                    self._fuzzy.add(w, (tid, j))
        self._other_words = frozenset(self._others)
        self._automaton = _build(forms)
        # a token without letters can only hit a term with digits (a phone number, an ID)
        self._digit_forms = any(not f.isalpha() and _DIGIT.search(f) for f in forms)
        self._letterless_words = any(not _LETTER.search(w) for f in forms for w in f.split())
        self._phon = dict(phon)
        # the buckets with what sounds_alike needs of each term word, for _learn
        self._phon_guards = {
            k: [(tid, j, *_phonetic.guard(self._terms[tid].words[j])) for tid, j in near]
            for k, near in self._phon.items()
        }
        self._pkeys = _build(pkeys)
        self._word_rules = bool(self._phon) or self._fuzzy is not None
        self._load_allowlist(allowlist)
        self._memo: dict[str, tuple[tuple[int, int, str], ...]] = {}
        self._wmemo: dict[str, tuple[tuple[int, int, int], ...]] = {}
        self._flags: dict[str, int] = {}
        self._rmemo: dict[str, tuple[tuple[int, int, int], ...]] = {}
        # every token seen, with its flags (HOT, SUB, ... see _gate), compiled when built
        self._gate = new_gate()
        self._canon: dict[str, tuple[bool, bool, bool]] = {}
        # phonetic windows are searched late for words seen in plain tokens only (they count
        # there in a one-token or camelCase text alone, see _resolve_windows): the words whose
        # flags lack them, and their plain tokens (neither hot nor holders) -> the word
        self._unwindowed: set[str] = set()
        self._sub_lazy: dict[bytes, str] = {}  # (flagged LAZY in the gate)
        self._common_singles = single_letter_words()
        self._source_forms: dict[str, tuple[str, str]] = {}  # Scan.dropped's memo
        self._lock = threading.Lock()  # one batch at a time (see _run)
        # the class of characters normalise may change is built once per process, asking
        # normalise about each candidate character (tens of milliseconds): here, with the
        # matcher, rather than in its first batch
        plain_class()

    def __len__(self) -> int:
        return len(self._terms)

    def _load_allowlist(self, extra: Iterable[str]) -> None:
        self._allow: set[str] = set()
        self._allow_accented: set[str] = set()
        self._allow_squeezed: set[str] = set()
        phrases: dict[str, list[int]] = {}
        for entry in (*allowlist_entries(), *extra):
            if not isinstance(entry, str):
                raise TypeError(f"allowlist entries must be str, got {type(entry).__name__}")
            plain = fold_plain(entry, squeeze=False).strip()
            if not plain:
                continue
            if " " in plain:
                phrases[" ".join(fold_plain(entry).split())] = []
                continue
            accented = fold_plain(entry, squeeze=False, strip_latin=False).strip()
            if accented != plain:
                self._allow_accented.add(accented)
            else:
                self._allow.add(plain)
                self._allow_squeezed.add(fold_plain(entry).strip())
        self._phrases = _build(phrases)

    # --- public ------------------------------------------------------------------------------

    def find(self, text: str) -> list[Match]:
        """Hits in ``text``, ordered by start, then term."""
        return self.find_many((text,))[0]

    def find_many(self, texts: Iterable[str]) -> list[list[Match]]:
        """Hits for each text, in order (faster than :meth:`find` in a loop)."""
        if isinstance(texts, list | tuple) and len(texts) <= 1:
            return self._find_many(texts)  # one text: not worth touching the collector
        with fewer_collections():  # a stream of texts: rarer cycle collection (same results)
            return self._find_many(texts)

    def _find_many(self, texts: Iterable[str]) -> list[list[Match]]:
        out: list[list[Match]] = []
        if (
            isinstance(texts, list)
            and all(map(isinstance, texts, repeat(str)))
            and (not texts or max(map(len, texts)) <= _LONG)
        ):
            # the common case, a list of strings none of which is long: the checks of the loop
            # below made with C-level maps, and the batches cut as the loop cuts them
            for start in range(0, len(texts), _BATCH):
                out.extend(self._run(texts[start : start + _BATCH]))
            return out
        batch: list[str] = []
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"text #{index + 1}: expected str, got {type(text).__name__}")
            if len(text) > _LONG:
                if batch:
                    out.extend(self._run(batch))
                    batch = []
                out.append(self._find_long(text))
                continue
            batch.append(text)
            if len(batch) == _BATCH:
                out.extend(self._run(batch))
                batch = []
        if batch:
            out.extend(self._run(batch))
        return out

    def _find_long(self, text: str) -> list[Match]:
        """A long text in overlapping pieces cut at white space; stops at ``MAX_MATCHES``.

        Each piece owns the hits that start between the midpoints of its overlaps with its
        neighbours, so every hit is judged with at least ``_OVERLAP / 2`` characters of context.
        """
        n = len(text)
        pieces: list[tuple[int, int]] = []
        start = 0
        while True:
            end = min(start + _LONG, n)
            if end < n:
                cut = max(text.rfind(" ", start + _LONG // 2, end), text.rfind("\n", start + _LONG // 2, end))
                end = cut if cut > start else end
            pieces.append((start, end))
            if end >= n:
                break
            back = max(text.rfind(" ", end - _OVERLAP, end), text.rfind("\n", end - _OVERLAP, end))
            start = back + 1 if back > start else end
        hits: list[Match] = []
        for k, (a, b) in enumerate(pieces):
            lo = 0 if k == 0 else (a + pieces[k - 1][1]) // 2
            hi = n if k == len(pieces) - 1 else (pieces[k + 1][0] + b) // 2
            for m in self._run([text[a:b]])[0]:
                if lo <= m.start + a < hi:
                    hits.append(Match(m.term, m.key, m.matched, m.start + a, m.end + a, m.kind))
            if len(hits) >= MAX_MATCHES:
                break
        return hits[:MAX_MATCHES]

    # --- fast path ---------------------------------------------------------------------------

    def _run(self, texts: list[str]) -> list[list[Match]]:
        """Gate a batch on its white-space tokens; scan in full only the texts that may hit.

        Each distinct token is folded once (every reading, see ``token_words``) and remembered
        as hot (it holds a term word that anchors a term: the whole term, the longest word of a
        multi-word term, or a phonetic/fuzzy relative of one), as a substring candidate (a term
        inside a longer word, which counts in compound tokens only) or as a single spaced
        letter. A batch with none of them costs one split and a few set operations. A token
        hot only as a relative of the anchor of multi-word terms sends its text to a check
        (``_paired_hit``) before the scan; the phonetic windows of plain words are searched
        only once such a word may count (``_resolve_windows``).

        One batch at a time per matcher (a lock): the gate keeps the batch it read between its
        calls, and the memos are learnt in steps, so threads sharing a matcher (the web app's
        cached assessor) take turns.
        """
        if not self._terms:
            return [[] for _ in texts]
        with self._lock:
            return self._run_locked(texts)

    def _run_locked(self, texts: list[str]) -> list[list[Match]]:
        self._trim_memos()
        normalised, raw, plain = joined_raw(texts)  # token_words strips accents, token by token
        gate = self._gate
        new = gate.scan(raw, len(texts))
        if new:
            try:
                self._learn_tokens(new)
            except BaseException:  # half-learnt tokens would pass as known and dull: start afresh
                self._trim_memos(force=True)
                raise
        bits = gate.bits()
        out: list[list[Match]] = [[] for _ in texts]
        # three single letters in a row, common ones included: what spaced-out letters need
        # (SPACED); common one-letter words ("a", "y", "i") rarely stand so
        spaced = gate.runs(SINGLE | COMMON, 3) if bits & COMMON else ()
        if not bits & (HOT | SUB | MARKED | SINGLE | PAIRED) and not spaced:
            # only plain tokens whose windows wait (_resolve_windows) may count, and only in a
            # one-token or camelCase text: most batches have none
            if not self._sub_lazy or not (
                any(x.find(" ", 1, len(x) - 1) < 0 and x.find("\n", 1, len(x) - 1) < 0 for x in normalised)
                or any_camel(raw)
            ):
                return out
        go = set(gate.texts(HOT | MARKED)) if bits & (HOT | MARKED) else set()
        if (
            bits & SUB or self._sub_lazy
        ):  # plain words holding a term count only in a one-token or camelCase text
            # common words hold terms too ("horario"): find the rare texts of that shape first,
            # then look for the words in the batch only if there is one
            camel = any_camel(raw)
            # one_token(x) written out (a find that stops at the first inner space: no call)
            shaped = [
                i
                for i, x in enumerate(normalised)
                if i not in go
                and (
                    (x.find(" ", 1, len(x) - 1) < 0 and x.find("\n", 1, len(x) - 1) < 0)
                    or (camel and has_camel(x))
                )
            ]
            if shaped:
                if bits & LAZY:  # their windows, now that they may count (_resolve_windows)
                    self._resolve_windows(gate.tokens(LAZY))
                    bits = gate.bits()
                if bits & SUB:
                    found = set(gate.texts(SUB))
                    go.update(i for i in shaped if i in found)
        if bits & SINGLE:  # lower case changes no letter into a non-letter: SPACED reads either alike
            counts = gate.counts(SINGLE)
            go.update(i for i, n in counts.items() if n >= 2 and has_spaced(normalised[i]))
        if spaced:  # spaced-out letters that are all common ones ("a n a", "o y e")
            go.update(i for i in spaced if i not in go and has_spaced(normalised[i]))
        check: set[int] = set()
        if bits & PAIRED:
            # a text with no other reason to go can hit only a multi-word term, through a
            # relative of its anchor (_paired_hit): folded, it is scanned only if a word of the
            # same term stands there too. Spaced-out letters join into words of no token: such
            # a text is scanned in full, as before
            for i in set(gate.texts(PAIRED)).difference(go):
                (go if has_spaced(normalised[i]) else check).add(i)
        for i in sorted(go | check):
            out[i] = self._find_slow(texts[i], plain or None, i in check)
        return out

    def _trim_memos(self, force: bool = False) -> None:
        """Start the memos afresh once they hold ``_MEMO_LIMIT`` entries (all of them when
        ``force``), between batches only.

        Each memo holds values derived from the terms alone, so any of them may be emptied; but
        not while a batch is learnt or scanned, which reads back the words it has just learnt (a
        memo emptied in the middle lost them: a KeyError).
        """
        if force or len(self._gate) > _MEMO_LIMIT:
            self._gate.clear()
            self._canon.clear()
            self._sub_lazy.clear()
        if force or len(self._flags) > _MEMO_LIMIT:
            self._flags.clear()
            self._unwindowed.clear()
        if force or len(self._memo) > _MEMO_LIMIT:
            self._memo.clear()
        if force or len(self._wmemo) > _MEMO_LIMIT:
            self._wmemo.clear()
            self._rmemo.clear()

    # --- slow path ---------------------------------------------------------------------------

    def _find_slow(self, orig: str, plain: bool | None = None, paired: bool = False) -> list[Match]:
        """Every hit of one text (``plain``: see ``fold_read``; ``paired``: the gate let it
        through for _PAIRED words alone, see ``_paired_hit``)."""
        best: dict[tuple[int, int, int], str] = {}
        f, ambiguous = fold_read(orig, plain=plain)
        fa = None
        if ambiguous:  # otherwise the second reading is the same text
            fa = fold_read(orig, alt=True, plain=plain)[0]
            if fa.text == f.text:
                fa = None
        if paired and not self._paired_hit(f.text) and (fa is None or not self._paired_hit(fa.text)):
            return []
        self._scan(f, best)
        if fa is not None:
            self._scan(fa, best)
        hits = []
        for (s, e, tid), kind in best.items():
            term = self._terms[tid]
            hits.append((s, term.text, e, tid, Match(term.text, term.key, orig[s:e], s, e, kind)))
        hits.sort(key=lambda h: h[:4])
        return [h[4] for h in hits]

    def _paired_hit(self, folded: str) -> bool:
        """Whether a folded text may hit, when its tokens have no reason to be scanned but
        _PAIRED words (and no spaced-out letters, so its words are those of its tokens).

        Then it holds no anchor, no holder of a term in a compound token and no lone letters: the
        automaton, the windows and the one-word relatives find nothing. What is left is a
        multi-word term read word by word (``Scan.words``): a relative of its anchor at the
        anchor's place, and each other word of the term, or a relative of it, at its own. So a
        hit needs a word of the text that is another word of such a term or relates to one: if
        none is there, the full scan finds nothing. A word among the anchors (which the gate
        would have seen) sends the text to the full scan all the same.
        """
        words = set(folded.split())
        if not words.isdisjoint(self._anchors):
            return True
        memo = self._memo
        missing = words.difference(memo)
        if missing:
            _learn_words(self._learn, memo, missing)
        terms = self._terms
        related = list(filter(None, map(memo.__getitem__, words)))  # most words relate to none
        need = {tid for rels in related for tid, j, _ in rels if j == terms[tid].anchor}
        if not need:
            return False
        others = self._others
        if any(not need.isdisjoint(others[w]) for w in words.intersection(self._other_words)):
            return True
        return any(tid in need and j != terms[tid].anchor for rels in related for tid, j, _ in rels)

    def _scan(self, f: Folded, best: dict[tuple[int, int, int], str]) -> None:
        scan = Scan(self, f, best)
        scan.automaton()
        if self._word_rules:
            scan.words()
        if self._pkeys is not None:
            scan.windows()


def _short_runs(compact: str, raw: str) -> tuple[tuple[str, int], ...] | None:
    """For a short term that squeezing shortens ("ass" -> "as"), the letter runs a hit needs:
    otherwise the common word "as" would match it."""
    raw = raw.replace(" ", "")
    return runs(raw) if len(compact) <= 3 and raw != compact else None


def _raw_forms(folded: str) -> frozenset[str]:
    words = folded.split()
    return frozenset([*words, "".join(words)])


def _split_forms(words: tuple[str, ...]) -> list[str]:
    """The term with one long word split in two ("newborn" -> "new born"): a common spelling."""
    out = []
    for i, w in enumerate(words):
        if len(w) >= 6 and w.isalpha():
            for k in range(3, len(w) - 2):
                out.append(" ".join((*words[:i], w[:k], w[k:], *words[i + 1 :])))
    return out


def _build(forms: dict[str, list[int]]) -> ahocorasick.Automaton | None:
    if not forms:
        return None
    a = ahocorasick.Automaton()
    for form, ids in forms.items():
        a.add_word(form, (len(form), tuple(ids)))
    a.make_automaton()
    return a
