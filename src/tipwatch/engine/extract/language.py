"""Language identification, offline, with py3langid restricted to the languages tipwatch reads.

    >>> detect_language("Hola, soy nueva en la ciudad, llámame para más información")
    'es'

Restricting the model to :data:`LANGUAGES` makes it both more accurate (no Galician for
Spanish, no Serbian for Russian) and faster. Texts with fewer than :data:`MIN_LETTERS` letters
give None: too short to tell. Only the first :data:`MAX_CHARS` characters are looked at.

Scripts that name their language are decided without the model (Greek, Thai, Hangul, kana,
Han, Arabic; Cyrillic with letters only Ukrainian or only Russian writes), and results are
cached by text: repeated ads (templates, re-posts) cost a dictionary lookup.
"""

from __future__ import annotations

import functools
import re
import threading

__all__ = ["LANGUAGES", "MAX_CHARS", "MIN_LETTERS", "detect_language"]

# ISO 639-1 codes: the languages of the ads and job offers tipwatch targets.
LANGUAGES = (
    "en", "es", "fr", "pt", "de", "it", "nl", "ro", "pl", "uk", "ru", "bg", "cs", "hu", "el", "tr",
    "sq", "lt", "lv", "hr", "sv", "zh", "th", "vi", "id", "tl", "ar", "ja", "ko",
)  # fmt: skip
MIN_LETTERS = 20
# The model walks the text byte by byte in Python: 200 characters tell the language of an ad
# as well as 400 do (identical on the demo world) at half the cost.
MAX_CHARS = 200
_lock = threading.Lock()
# (tokenizer states, trie depth) of py3langid 0.4's model.npz.xz; another model is measured
_KNOWN_MODEL = (104583, 6)
_LETTERS_RE = re.compile(r"[^\W\d_]+")
# one class per script; the first script found with enough letters decides
_SCRIPTS = (
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
)
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")  # Ukrainian letters Russian does not write
_RU_ONLY = re.compile(r"[ыэёЫЭЁ]")  # Russian letters Ukrainian and Bulgarian do not write


class _Model:
    """py3langid's naive Bayes model, scored without a Python loop over the bytes.

    The tokenizer is an Aho-Corasick automaton over byte n-grams whose trie is at most
    ``depth`` bytes deep, so the state after byte ``i`` depends only on the ``depth`` bytes
    ending there. Running ``depth`` vectorised steps from the start state over every position
    at once (numpy) gives exactly the states of the byte-by-byte walk, at a fraction of the
    cost. Byte 0xFF (never in UTF-8) resets every state, so it pads the left edge. The feature
    table is kept as C-contiguous float32 so scoring gathers rows without converting them.
    """

    __slots__ = ("classes", "depth", "nextmove", "output", "pc", "ptc", "rowbase")

    def __init__(self) -> None:
        import numpy as np
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        # py3langid >= 0.4 loads ``from_model_file``; older releases named it ``from_pickled_model``
        load = getattr(LanguageIdentifier, "from_model_file", None) or LanguageIdentifier.from_pickled_model
        ident = load(MODEL_FILE, norm_probs=False)
        ident.set_languages(list(LANGUAGES))
        self.classes = list(ident.nb_classes)
        self.ptc = np.ascontiguousarray(ident.nb_ptc, dtype=np.float32)
        self.pc = np.asarray(ident.nb_pc, dtype=np.float32)
        self.nextmove = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}")
        self.rowbase = np.asarray(ident._rowbase, dtype=np.int64)
        self.output = np.asarray(ident.tk_output, dtype=np.int32)
        if not (self.nextmove[self.rowbase + 0xFF] == 0).all():  # pragma: no cover - another model
            raise RuntimeError("py3langid model: byte 0xFF does not reset the tokenizer; pin py3langid 0.4")
        self.depth = self._depth()

    def _depth(self) -> int:
        """Longest n-gram of the tokenizer: breadth-first distance of the farthest state.

        Known for the shipped model (computing it costs half a second of start-up)."""
        import numpy as np

        if len(self.rowbase) == _KNOWN_MODEL[0]:
            return _KNOWN_MODEL[1]
        seen = np.zeros(len(self.rowbase), dtype=bool)
        seen[0] = True
        frontier, depth = np.array([0]), 0
        steps = np.arange(256)
        while True:
            nxt = np.unique(self.nextmove[(self.rowbase[frontier][:, None] + steps).ravel()])
            nxt = nxt[~seen[nxt]]
            if not len(nxt):
                return depth
            seen[nxt] = True
            frontier, depth = nxt, depth + 1

    def classify(self, text: str) -> str:
        import numpy as np

        if text.isupper():  # as py3langid does: shouted text reads like lower case
            text = text.lower()
        raw = text.encode("utf-8", errors="surrogatepass")
        n, k = len(raw), self.depth
        data = np.frombuffer(b"\xff" * (k - 1) + raw, dtype=np.uint8)
        nm, rowbase = self.nextmove, self.rowbase
        states = nm[rowbase[0] + data[:n]]
        for off in range(1, k):
            states = nm[rowbase[states] + data[off : off + n]]
        feats = self.output[states]
        feats = feats[feats >= 0]
        if not len(feats):
            return self.classes[int(np.argmax(self.pc))]
        idx, counts = np.unique(feats, return_counts=True)
        scores = np.log1p(counts.astype(np.float32)) @ self.ptc[idx] + self.pc
        return self.classes[int(scores.argmax())]


@functools.cache
def _model() -> _Model:
    return _Model()


def _by_script(text: str) -> str | None:
    if text.isascii():
        return None
    if _CYRILLIC_RE.search(text):
        uk, ru = _UK_ONLY.search(text) is not None, _RU_ONLY.search(text) is not None
        if uk != ru:
            return "uk" if uk else "ru"
        return None  # no telling letter (or both): the model decides (bg, mixed texts)
    for pattern, lang in _SCRIPTS:
        if len(pattern.findall(text)) >= 3:
            return lang
    if len(_HAN_RE.findall(text)) >= 3:
        return "zh"
    return None


@functools.lru_cache(maxsize=4096)
def _detect(text: str) -> str | None:
    if sum(map(len, _LETTERS_RE.findall(text))) < MIN_LETTERS:
        return None
    lang = _by_script(text)
    if lang is not None:
        return lang
    model = _model()
    with _lock:  # keep the shared model's use serialised, as the library expects
        return model.classify(text)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it has fewer than 20 letters."""
    if not text:
        return None
    return _detect(text[:MAX_CHARS])
