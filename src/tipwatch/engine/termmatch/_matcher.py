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
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import accumulate, repeat
from operator import add
from typing import Any

import ahocorasick

from tipwatch.engine._gc import fewer_collections
from tipwatch.engine.termmatch import _phonetic
from tipwatch.engine.termmatch._data import allowlist_entries, single_letter_words
from tipwatch.engine.termmatch._fold import (
    SEP,
    SEP_BYTES,
    Folded,
    ascii_token_words,
    fold_plain,
    fold_read,
    has_spaced,
    joined_raw,
    lower_tokens,
    plain_bytes,
    plain_class,
    token_words,
)
from tipwatch.engine.termmatch._fuzzy import MIN_FUZZY_LEN, FuzzyIndex
from tipwatch.engine.termmatch._gate import any_camel, canonical_many, has_camel, texts_with
from tipwatch.engine.termmatch._scan import KINDS, MAX_MATCHES, Match, Scan, Term, runs

__all__ = ["KINDS", "MAX_MATCHES", "Match", "TermMatcher"]

_BATCH = 48  # texts gated together: big enough to share the set work, small enough to stay in cache
_LONG = 1 << 16  # longer texts are matched in pieces of this size
_OVERLAP = 512  # characters shared by consecutive pieces (no term is longer)
_MEMO_LIMIT = 500_000  # distinct words remembered before the memos start afresh

_CAMEL = re.compile("[a-z][A-Z]")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_SEP_CHARS = frozenset(" ._-*~/,:\u00b7\u2022")
_HOT, _SUB = 1, 2
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile("[0-9]")
_MARKED = re.compile(r"[#@/]|[^\W\d_][0-9]|[0-9][^\W\d_]")
# the gate's view of a batch's UTF-8 bytes: ASCII lower case (``bytes.lower``), and the SEP between
# texts and line breaks made spaces
_GATE_BYTES = bytes(
    0x20 if c in (0x0A, SEP_BYTES[0]) else c + 32 if 0x41 <= c <= 0x5A else c for c in range(256)
)


def _as_pair(item: Any, index: int) -> tuple[str, Any]:
    if isinstance(item, str):
        return item, item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        return item[0], item[1]
    raise TypeError(f"term #{index + 1}: expected a str or a (term, key) pair, got {type(item).__name__}")


class TermMatcher:
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
                if not w.isalpha():
                    continue
                if phonetic and w.isascii() and len(w) >= 3:
                    k = _phonetic.key(w)
                    if len(k) >= 2:
                        phon[k + w[0]].append((tid, j))  # keys are upper case, w[0] lower case
                if self._fuzzy is not None:
                    self._fuzzy.add(w, (tid, j))
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
        self._tok: dict[bytes, bool] = {}
        self._canon: dict[str, tuple[bool, bool]] = {}
        self._hot: set[bytes] = set()
        self._sub: set[bytes] = set()
        self._sub_marked: set[bytes] = set()
        self._common_singles = single_letter_words()
        self._singles: set[bytes] = set()
        self._source_forms: dict[str, tuple[str, str]] = {}  # Scan.dropped's memo
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
        letter. A batch with none of them costs one split and three set operations.
        """
        if not self._terms:
            return [[] for _ in texts]
        self._trim_memos()
        normalised, raw, plain = joined_raw(texts)  # token_words strips accents, token by token
        # every token between single spaces: ASCII lower case, and SEP and line breaks made spaces,
        # in one translate (a token is found with one find; normalise left single spaces, so
        # split(b" ") is the fast split)
        joined = b" " + raw.translate(_GATE_BYTES) + b" "
        tokens = set(joined.split(b" "))
        tokens.discard(b"")
        new = tokens.difference(self._tok)
        if new:
            self._learn_tokens(new)
        hot = tokens & self._hot
        sub = tokens & self._sub
        marked = tokens & self._sub_marked
        singles = tokens & self._singles
        out: list[list[Match]] = [[] for _ in texts]
        if not hot and not sub and not marked and not singles:
            return out
        # text i starts at byte bounds[i] of raw; in joined, that is where the space made of the
        # SEP before it stands (or the leading space), the space before its first token
        lens = list(map(len, raw.split(SEP_BYTES)))
        bounds = list(map(add, accumulate(lens[:-1], initial=0), range(len(lens))))
        go = set(texts_with(joined, bounds, hot | marked)) if hot or marked else set()
        if sub:  # plain words holding a term count only in a one-token or camelCase text
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
                found = set(texts_with(joined, bounds, sub))
                go.update(i for i in shaped if i in found)
        if singles:  # lower case changes no letter into a non-letter: SPACED reads either alike
            counts = Counter(texts_with(joined, bounds, singles))
            go.update(i for i, n in counts.items() if n >= 2 and has_spaced(normalised[i]))
        for i in sorted(go):
            out[i] = self._find_slow(texts[i], plain or None)
        return out

    def _trim_memos(self) -> None:
        """Start the memos afresh once they hold ``_MEMO_LIMIT`` entries, between batches only.

        Each memo holds values derived from the terms alone, so any of them may be emptied; but
        not while a batch is learnt or scanned, which reads back the words it has just learnt (a
        memo emptied in the middle lost them: a KeyError).
        """
        if len(self._tok) > _MEMO_LIMIT:
            for memo in (self._tok, self._canon, self._hot, self._sub, self._sub_marked, self._singles):
                memo.clear()
        if len(self._flags) > _MEMO_LIMIT:
            self._flags.clear()
        if len(self._memo) > _MEMO_LIMIT:
            self._memo.clear()
        if len(self._wmemo) > _MEMO_LIMIT:
            self._wmemo.clear()
            self._rmemo.clear()

    def _learn_tokens(self, tokens: Iterable[bytes]) -> None:
        """Classify new tokens (UTF-8, from the gate); the words they fold to are classified
        together, in one batch.

        Most tokens are sorted with C-level steps on the bytes: numbers, and plain words (ASCII
        letters, maybe followed by ",.;:?!": what ``plain_tokens`` calls plain), which fold to
        the one word that one squeeze of them all gives and are never decoded one by one. The
        others are decoded together and their memo keys (``canonical``) made with one regex
        pass; a token whose key is known is settled at once.
        """
        new = tokens if isinstance(tokens, set) else set(tokens)
        tok = self._tok
        flags = self._flags
        letterless = self._letterless_words
        plain, words, rest = plain_bytes(new)
        if not letterless:
            # a number alone ("07700", "1999") folds to no letters, and no term word is without
            # letters: nothing to the gate, decided with one C-level test per token
            numbers = [tb for tb in rest if tb.isdigit()]
            if numbers:
                tok.update(dict.fromkeys(numbers, False))
                rest.difference_update(numbers)
        new_words = set(words).difference(flags)
        raw = list(rest)
        text = lower_tokens(raw)
        pending: list[tuple[int, str, set[str]]] = []
        ascii_new: list[tuple[int, str]] = []
        known_canon = self._canon
        canons = canonical_many(text, self._digit_forms, letterless)
        # a token whose key was learnt before has the flags of its key (and letters: canonical
        # changes digits alone); most such tokens (the URLs of ads) are nothing to the gate,
        # settled together; the loop below sees the others
        knowns = list(map(known_canon.get, canons))
        dull = (False, False)
        tok.update(
            dict.fromkeys(
                [tb for tb, k, t in zip(raw, knowns, text, strict=True) if k == dull and len(t) > 2], False
            )
        )
        for i in [i for i, (k, t) in enumerate(zip(knowns, text, strict=True)) if k != dull or len(t) <= 2]:
            tb, t, canon, known = raw[i], text[i], canons[i], knowns[i]
            if known is not None:
                self._note(tb, t, *known)
            elif not letterless and not _LETTER.search(t):
                # no letters: it folds to no letters, and no term word is without letters
                tok[tb] = False
            elif t.isascii() and SEP not in t:  # SEP joins the tokens there
                ascii_new.append((i, canon))
            else:
                found = token_words(t)
                new_words.update(w for w in found if w not in flags)
                pending.append((i, canon, found))
        read = ascii_token_words([text[i] for i, _ in ascii_new])
        for (i, canon), found in zip(ascii_new, read, strict=True):
            new_words.update(w for w in found if w not in flags)
            pending.append((i, canon, found))
        if new_words:
            self._learn_flags(list(new_words))
        # the common case: a word that is nothing to the gate; the few others are noted below
        # (which overwrites their entry)
        tok.update(dict.fromkeys(plain, False))
        for tb, w in [(tb, w) for tb, w in zip(plain, words, strict=True) if len(tb) <= 2 or flags[w]]:
            f = flags[w]
            self._note(tb, tb.decode("ascii"), bool(f & _HOT), bool(f & _SUB))
        for i, canon, found in pending:
            known = known_canon.get(canon)
            if known is None:  # the first token with this key decides for the others
                f = 0
                for w in found:
                    f |= flags[w]
                known = known_canon[canon] = (bool(f & _HOT), bool(f & _SUB))
            if known[0] or known[1] or len(text[i]) <= 2:
                self._note(raw[i], text[i], *known)
            else:
                tok[raw[i]] = False

    def _note(self, key: bytes, tok: str, hot: bool, sub: bool) -> None:
        if len(tok) <= 2 and tok[0].isalpha() and (len(tok) == 1 or tok[1] in _SEP_CHARS):
            if fold_plain(tok[0]) not in self._common_singles:  # "à" is the common "a"
                self._singles.add(key)
        self._tok[key] = hot
        if hot:
            self._hot.add(key)
        if sub:
            # a plain word is compound only in a one-token or camelCase text; a token with
            # #, @, / or letters next to digits may be compound wherever it stands
            (self._sub_marked if _MARKED.search(tok) else self._sub).add(key)

    def _learn_flags(self, words: list[str]) -> None:
        """Classify new folded words: hot (anchors a term) and/or substring candidate.

        The automaton and the phonetic-key automaton each run once over the whole batch of
        words, so a word that holds nothing costs no Python call of its own there.
        """
        if not self._letterless_words:
            # every term word has a letter: a word of decimal digits ("4567" of a URL, a price)
            # anchors, holds and sounds like nothing ("²" is no decimal: the regexes read it as a
            # letter)
            digits = [w for w in words if w.isdecimal()]
            if digits:
                self._flags.update(dict.fromkeys(digits, 0))
                words = [w for w in words if not w.isdecimal()]
                if not words:
                    return
        keys: dict[str, str] = {}
        missing = [w for w in words if w not in self._memo]
        if missing and self._word_rules:
            self._learn(missing, keys)
        sub = self._holders(words)
        if self._pkeys is not None:
            need = [w for w in words if w not in self._wmemo]
            if need:
                self._learn_windows(need, keys)
            sub.update(filter(self._wmemo.__getitem__, words))  # the few with windows
        anchors, memo, terms, flags = self._anchors, self._memo, self._terms, self._flags
        # most words are in neither set and relate to no term: flag 0 for all, then the few others
        flags.update(dict.fromkeys(words, 0))
        for w in sub:
            flags[w] = _SUB
        for w in anchors.intersection(words):
            flags[w] |= _HOT
        for w in filter(memo.get, words):  # the few with relatives (a missing word has none)
            if any(j == terms[tid].anchor for tid, j, _ in memo[w]):
                flags[w] |= _HOT

    def _holders(self, words: list[str]) -> set[str]:
        """The words that hold a term form shorter than themselves (one automaton pass)."""
        out: set[str] = set()
        if self._automaton is None or not words:
            return out
        joined = SEP.join(words)  # no form holds SEP, so no hit straddles two words
        starts = list(accumulate((len(w) + 1 for w in words[:-1]), initial=0))
        for end, (n, _) in self._automaton.iter(joined):
            i = bisect_right(starts, end) - 1
            if n < len(words[i]):
                out.add(words[i])
        return out

    def _learn(self, words: Iterable[str], keys: dict[str, str] | None = None) -> None:
        """Phonetic and fuzzy relatives of each word (``keys`` collects the Metaphone keys)."""
        words = list(words)
        memo = self._memo
        memo.update(dict.fromkeys(words, ()))  # most words relate to no term; the others below
        alpha = [w for w in words if w.isalpha()]
        phon = self._phon_guards
        skeleton = _phonetic.vowel_skeleton
        found: dict[str, list[tuple[int, int, str]]] = {}
        if phon:
            latin = [w for w in alpha if len(w) >= 3 and w.isascii()]
            # one C-level map for the keys, one for the look-ups (indexed by key and first letter:
            # sounds_alike needs the same first letter)
            ks = _phonetic.keys(latin)
            if keys is not None:
                keys.update(zip(latin, ks, strict=True))
            for w, near in zip(
                latin, map(phon.get, [k + w[0] for k, w in zip(ks, latin, strict=True)]), strict=True
            ):
                if near:
                    # sounds_alike(w, tw) with what it needs of each term word computed once
                    # (``_phonetic.guard``); the first letters are equal in a bucket
                    sw, size, open_end = skeleton(w), len(w), w[-1] in _phonetic.VOWELS
                    rels = [
                        (tid, j, "phonetic")
                        for tid, j, tw, tsize, gap, tsw, closed in near
                        if tw != w
                        and abs(size - tsize) <= gap
                        and (
                            sw == tsw or (open_end and closed and len(sw) == len(tsw) + 1 and sw[:-1] == tsw)
                        )
                    ]
                    if rels:
                        found[w] = rels
        if self._fuzzy is not None:
            fuzzy = self._fuzzy.lookup_many([w for w in alpha if len(w) >= MIN_FUZZY_LEN])
            for w, near in fuzzy.items():
                rels = found.setdefault(w, [])
                seen = {(r[0], r[1]) for r in rels}
                rels.extend((tid, j, "fuzzy") for tid, j in near if (tid, j) not in seen)
        for w, rels in found.items():
            memo[w] = tuple(rels)

    def _learn_windows(self, words: Iterable[str], keys: dict[str, str] | None = None) -> None:
        """Phonetic windows of each word, from a memo per run of letters (runs repeat more than
        words: "example" in "example123", "example77"). The keys of the new runs go through the
        key automaton together; only runs with a term key inside are searched for windows."""
        assert self._pkeys is not None
        rmemo = self._rmemo
        keys = keys if keys is not None else {}
        metaphone = _phonetic.key
        words = list(dict.fromkeys(words))
        # the common case: the word is one run of ASCII letters, its own run
        whole = [w for w in words if 3 <= len(w) <= 64 and w.isalpha() and w.isascii()]
        fresh = [w for w in whole if w not in rmemo]
        unkeyed = [w for w in fresh if w not in keys]
        if unkeyed:  # _learn has keyed the words it saw; the others with one C-level map
            keys.update(zip(unkeyed, _phonetic.keys(unkeyed), strict=True))
        new: dict[str, str] = {w: keys[w] for w in fresh}
        spans: list[tuple[str, Sequence[tuple[int, int]]]] = []
        if len(whole) == len(words):
            words = []
        elif whole:
            done = set(whole)
            words = [w for w in words if w not in done]
        for w in words:
            sp = _phonetic.run_spans(w)
            spans.append((w, sp))
            for a, b in sp:
                run = w[a:b]
                if run not in rmemo and run not in new:
                    k = keys.get(run)
                    new[run] = k if k is not None else metaphone(run)
        if new:
            runs_ = list(new)
            rmemo.update(dict.fromkeys(runs_, ()))
            run_keys = list(new.values())
            joined = SEP.join(run_keys)
            starts = list(accumulate(map((1).__add__, map(len, run_keys[:-1])), initial=0))
            tids: dict[int, set[int]] = defaultdict(set)
            for end, (_, ids) in self._pkeys.iter(joined):
                tids[bisect_right(starts, end) - 1].update(ids)
            for i, ids in tids.items():
                run = runs_[i]
                cands = [(tid, self._terms[tid].compact, self._terms[tid].pkey) for tid in sorted(ids)]
                rmemo[run] = tuple(_phonetic.windows(run, cands))
        wmemo = self._wmemo
        wmemo.update(
            zip(whole, map(rmemo.__getitem__, whole), strict=True)
        )  # one run: its windows as they are
        for w, sp in spans:
            if len(sp) == 1 and sp[0] == (0, len(w)):
                wmemo[w] = rmemo[w]
                continue
            found: list[tuple[int, int, int]] = []
            for a, b in sp:
                found.extend((tid, a + s, a + e) for tid, s, e in rmemo[w[a:b]])
            wmemo[w] = tuple(found)

    def _run_windows(self, run: str) -> tuple[tuple[int, int, int], ...]:
        assert self._pkeys is not None
        tids: set[int] = set()
        for _, (_, ids) in self._pkeys.iter(_phonetic.key(run)):
            tids.update(ids)
        if not tids:
            return ()
        cands = [(tid, self._terms[tid].compact, self._terms[tid].pkey) for tid in sorted(tids)]
        return tuple(_phonetic.windows(run, cands))

    # --- slow path ---------------------------------------------------------------------------

    def _find_slow(self, orig: str, plain: bool | None = None) -> list[Match]:
        """Every hit of one text (``plain``: see ``fold_read``)."""
        best: dict[tuple[int, int, int], str] = {}
        f, ambiguous = fold_read(orig, plain=plain)
        self._scan(f, best)
        if ambiguous:  # otherwise the second reading is the same text
            fa = fold_read(orig, alt=True, plain=plain)[0]
            if fa.text != f.text:
                self._scan(fa, best)
        hits = []
        for (s, e, tid), kind in best.items():
            term = self._terms[tid]
            hits.append((s, term.text, e, tid, Match(term.text, term.key, orig[s:e], s, e, kind)))
        hits.sort(key=lambda h: h[:4])
        return [h[4] for h in hits]

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
