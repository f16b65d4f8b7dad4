"""How the matcher's gate learns new tokens and words (a part of :class:`TermMatcher`, apart
for size): each distinct token is sorted with C-level steps on its bytes where it can be (numbers,
plain words), the others folded in every reading; the new words of a batch are classified
together (hot, holder, or _PAIRED), with their phonetic and fuzzy relatives and phonetic windows.
The results live in the matcher's memos, which ``TermMatcher._trim_memos`` starts afresh.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from itertools import accumulate, chain
from typing import TYPE_CHECKING, Any

from tipwatch.engine.termmatch import _phonetic
from tipwatch.engine.termmatch._batch import ascii_token_words, lower_tokens, plain_bytes, token_words
from tipwatch.engine.termmatch._fold import SEP, fold_plain
from tipwatch.engine.termmatch._fuzzy import MIN_FUZZY_LEN
from tipwatch.engine.termmatch._gate import COMMON, HOT, LAZY, MARKED, PAIRED, SINGLE, SUB, canonical_many

if TYPE_CHECKING:
    import ahocorasick

    from tipwatch.engine.termmatch._fuzzy import FuzzyIndex
    from tipwatch.engine.termmatch._scan import Term

__all__ = ["TokenLearning"]

_SEP_CHARS = frozenset(" ._-*~/,:\u00b7\u2022")
# a word's flags: it anchors a term (_HOT), holds one (_SUB), or is a phonetic or fuzzy relative
# of the anchor of multi-word terms only (_PAIRED: a hit also needs another word of such a term)
_HOT, _SUB, _PAIRED = 1, 2, 4
_LETTER = re.compile(r"[^\W\d_]")
_MARKED = re.compile(r"[#@/]|[^\W\d_][0-9]|[0-9][^\W\d_]")


class TokenLearning:
    """The learning half of :class:`~tipwatch.engine.termmatch.TermMatcher`, which sets up
    every attribute used here in its ``__init__``."""

    _terms: list[Term]
    _anchors: set[str]
    _automaton: ahocorasick.Automaton | None
    _pkeys: ahocorasick.Automaton | None
    _phon_guards: dict[str, list[Any]]
    _fuzzy: FuzzyIndex | None
    _word_rules: bool
    _digit_forms: bool
    _letterless_words: bool
    _common_singles: Any
    _memo: dict[str, tuple[tuple[int, int, str], ...]]
    _wmemo: dict[str, tuple[tuple[int, int, int], ...]]
    _rmemo: dict[str, tuple[tuple[int, int, int], ...]]
    _flags: dict[str, int]
    _gate: Any  # _gate.PyGate or the compiled _cgate.Gate
    _canon: dict[str, tuple[bool, bool, bool]]
    _unwindowed: set[str]
    _sub_lazy: dict[bytes, str]

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
        # every token is known to the gate already (with no flags): only the few that anchor,
        # hold or sound like a term, or are rare single letters, get flags (_note)
        flags = self._flags
        letterless = self._letterless_words
        plain, words, rest = plain_bytes(new)
        if not letterless:
            # a number alone ("07700", "1999") folds to no letters, and no term word is without
            # letters: nothing to the gate, decided with one C-level test per token
            numbers = [tb for tb in rest if tb.isdigit()]
            if numbers:
                rest.difference_update(numbers)
        new_words = set(words).difference(flags)
        plain_new = new_words.copy()
        raw = list(rest)
        text = lower_tokens(raw)
        pending: list[tuple[int, str, set[str]]] = []
        ascii_new: list[tuple[int, str]] = []
        known_canon = self._canon
        canons = canonical_many(text, self._digit_forms, letterless)
        # a token whose key was learnt before has the flags of its key (and letters: canonical
        # changes digits alone); most such tokens (the URLs of ads) are nothing to the gate, and
        # are left as they are; the loop below sees the others
        knowns = list(map(known_canon.get, canons))
        dull = (False, False, False)
        for i in [i for i, (k, t) in enumerate(zip(knowns, text, strict=True)) if k != dull or len(t) <= 2]:
            tb, t, canon, known = raw[i], text[i], canons[i], knowns[i]
            if known is not None:
                self._note(tb, t, *known)
            elif not letterless and not _LETTER.search(t):
                pass  # no letters: it folds to no letters, and no term word is without letters
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
        founds = [found for _, _, found in pending]
        if new_words:
            # the words of plain tokens alone: their windows wait (_resolve_windows)
            late = plain_new.difference(*founds) if self._pkeys is not None else set()
            self._learn_flags(list(new_words), late)
        if self._unwindowed and founds:  # a word learnt late, now in another kind of token
            early = self._unwindowed.intersection(chain.from_iterable(founds))
            if early:
                self._window_flags(early)
        # the common case: a word that is nothing to the gate; the few others are noted below
        for tb, w in [(tb, w) for tb, w in zip(plain, words, strict=True) if len(tb) <= 2 or flags[w]]:
            f = flags[w]
            self._note(tb, tb.decode("ascii"), bool(f & _HOT), bool(f & _SUB), bool(f & _PAIRED))
        unwindowed = self._unwindowed
        if unwindowed:  # their windows may yet make them holders (a hot token or a holder goes anyway)
            lazy = [
                (tb, w)
                for tb, w in zip(plain, words, strict=True)
                if w in unwindowed and not flags[w] & (_HOT | _SUB)
            ]
            self._sub_lazy.update(lazy)
            mark = self._gate.mark
            for tb, _ in lazy:
                mark(tb, LAZY)
        for i, canon, found in pending:
            known = known_canon.get(canon)
            if known is None:  # the first token with this key decides for the others
                f = 0
                for w in found:
                    f |= flags[w]
                known = known_canon[canon] = (bool(f & _HOT), bool(f & _SUB), bool(f & _PAIRED))
            if known[0] or known[1] or known[2] or len(text[i]) <= 2:
                self._note(raw[i], text[i], *known)

    def _note(self, key: bytes, tok: str, hot: bool, sub: bool, paired: bool = False) -> None:
        """Set the gate flags of a new token (``tok``: its text, lower case)."""
        bits = 0
        if len(tok) <= 2 and tok[0].isalpha() and (len(tok) == 1 or tok[1] in _SEP_CHARS):
            # "à" is the common "a"
            bits |= COMMON if fold_plain(tok[0]) in self._common_singles else SINGLE
        if hot:
            bits |= HOT
        elif paired:  # hot, but only together with another word of the term (_paired_hit)
            bits |= PAIRED
        if sub:
            # a plain word is compound only in a one-token or camelCase text; a token with
            # #, @, / or letters next to digits may be compound wherever it stands
            bits |= MARKED if _MARKED.search(tok) else SUB
        if bits:
            self._gate.mark(key, bits)

    def _learn_flags(self, words: list[str], late: AbstractSet[str] = frozenset()) -> None:
        """Classify new folded words: hot (anchors a term) and/or substring candidate.

        The automaton and the phonetic-key automaton each run once over the whole batch of
        words, so a word that holds nothing costs no Python call of its own there. The phonetic
        windows of the ``late`` words (seen in plain tokens only) are left for later
        (``_resolve_windows``): their flags lack them, and they are noted as ``_unwindowed``.
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
            wmemo = self._wmemo
            need = [w for w in words if w not in wmemo and w not in late]
            if need:
                self._learn_windows(need, keys)
            sub.update(filter(wmemo.get, words))  # the few with windows (none for a late word)
            if late:
                self._unwindowed.update(w for w in late if w not in wmemo)
        anchors, memo, terms, flags = self._anchors, self._memo, self._terms, self._flags
        # most words are in neither set and relate to no term: flag 0 for all, then the few others
        flags.update(dict.fromkeys(words, 0))
        for w in sub:
            flags[w] = _SUB
        for w in anchors.intersection(words):
            flags[w] |= _HOT
        for w in filter(memo.get, words):  # the few with relatives (a missing word has none)
            # a relative of the anchor of a one-word term is a hit alone; of a multi-word term's
            # anchor, only next to the term's other words (_PAIRED, see _paired_hit)
            at = [len(terms[tid].words) for tid, j, _ in memo[w] if j == terms[tid].anchor]
            if at:
                flags[w] |= _HOT if 1 in at else _PAIRED

    def _window_flags(self, words: set[str]) -> None:
        """The phonetic windows of words learnt late: a word with windows holds a term (_SUB)."""
        wmemo, flags = self._wmemo, self._flags
        need = [w for w in words if w not in wmemo]
        if need:
            self._learn_windows(need)
        for w in words:
            if wmemo[w] and w in flags:  # (the flags may have started afresh since)
                flags[w] |= _SUB
        self._unwindowed.difference_update(words)

    def _resolve_windows(self, tokens: set[bytes]) -> None:
        """Settle plain tokens learnt without the phonetic windows of their word, in a batch
        with a one-token or camelCase text (the only place where a plain token that holds a
        term counts): a token whose word has windows is a holder, as it would have been."""
        lazy, gate = self._sub_lazy, self._gate
        pairs = [(tb, lazy.pop(tb)) for tb in tokens]
        for tb in tokens:
            gate.unmark(tb, LAZY)
        self._window_flags({w for _, w in pairs})
        wmemo = self._wmemo
        for tb, w in pairs:
            if wmemo[w]:
                gate.mark(tb, SUB)  # plain: never MARKED

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
