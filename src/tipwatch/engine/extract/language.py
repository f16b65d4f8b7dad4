"""Language identification, offline, with py3langid restricted to the languages tipwatch reads.

    >>> detect_language("Hola, soy nueva en la ciudad, llámame para más información")
    'es'

Restricting the model to :data:`LANGUAGES` makes it both more accurate (no Galician for
Spanish, no Serbian for Russian) and faster. Texts with fewer than :data:`MIN_LETTERS` letters
give None: too short to tell. Only the first :data:`MAX_CHARS` characters are looked at.

Scripts that name their language are decided without the model (Greek, Thai, Hangul, kana,
Han, Arabic; Cyrillic with letters only Ukrainian or only Russian writes), and results are
cached by text: repeated ads (templates, re-posts) cost a dictionary lookup.

Start-up: py3langid's model is LZMA-compressed (0.7 s to unpack). The tables derived from it
(about 86 MB) are memory-mapped from a cache folder ``langid-<key>/`` (the key changes with the
model file, :data:`LANGUAGES` and the format) when one exists: ``$TIPWATCH_CACHE_DIR`` when set
(written there when missing), else ``<sys.prefix>/share/tipwatch/cache``, which ``make`` fills at
install time (``python -m tipwatch.engine.extract.language --install-cache``) and which is only
read. Otherwise nothing is written anywhere: the engine has no hidden side effects.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

from tipwatch.engine._native import native

__all__ = ["LANGUAGES", "MAX_CHARS", "MIN_LETTERS", "detect_language", "detect_languages"]

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
_CACHE_VERSION = 1  # bump when the cached arrays change
# MIN_LETTERS letters, anything between them: matches at 0 as soon as enough are seen (no
# need to count every letter); the two classes are disjoint, so it cannot backtrack badly
_ENOUGH_LETTERS_RE = re.compile(rf"(?:[\W\d_]*[^\W\d_]){{{MIN_LETTERS}}}")
# one class per script; the first script found with enough letters decides
_SCRIPTS = (
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
)
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
# any letter of the scripts below, Cyrillic or Han: one scan rules them all out for most ads
_ANY_SCRIPT_RE = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")  # Ukrainian letters Russian does not write
_RU_ONLY = re.compile(r"[ыэёЫЭЁ]")  # Russian letters Ukrainian and Bulgarian do not write


class _Model:
    """py3langid's naive Bayes model, scored without a Python loop over the bytes.

    The tokenizer is an Aho-Corasick automaton over byte n-grams whose trie is at most
    ``depth`` bytes deep, so the state after byte ``i`` depends only on the ``depth`` bytes
    ending there. Running ``depth`` vectorised steps from the start state over every position
    at once (numpy) gives exactly the states of the byte-by-byte walk, at a fraction of the
    cost. Byte 0xFF (never in UTF-8) resets every state, so it pads the left edge.

    The transition table is kept in two derived forms so that each step is one gather:
    ``step[p]`` is the row base of the state that transition ``p`` reaches (where the next
    byte's transition is found) and ``feature[p]`` the feature that state outputs. The table
    is 40 MB and random access into it is what a classification costs, so halving the
    gathers per step halves the time. The derived arrays are cached on disk (see
    :func:`_cache_dir`): py3langid's LZMA-compressed model takes half a second to unpack.
    """

    __slots__ = ("clang", "classes", "depth", "feature", "pc", "ptc", "start", "step")

    def __init__(self) -> None:
        arrays = _read_cache()
        if arrays is None:
            arrays = _derive()
        configured = _cache_dir()
        if configured is not None and not (configured / "complete").exists():
            _write_cache(arrays, configured)  # (from the install-time cache, if that was read)
        self.classes = [str(c) for c in arrays["classes"]]
        self.ptc, self.pc = arrays["ptc"], arrays["pc"]
        self.step, self.feature = arrays["step"], arrays["feature"]
        self.start, self.depth = int(arrays["start"]), int(arrays["depth"])
        self.clang = native("tipwatch.engine.extract._clang")  # None: numpy alone

    def classify(self, text: str) -> str:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[str]:
        """The language of each text, as :meth:`classify` would say one at a time.

        With the compiled scorer (``_clang``, see engine/_native.py) the tokenizer walks each
        text's bytes once and scores in double precision; a text whose two best languages are
        within float32 rounding of each other (or that has no feature) is answered by
        :meth:`classify_numpy`, the reference, so the answers are the reference's.
        """
        clang = self.clang
        if clang is None:
            return self.classify_numpy(texts)
        raws = [(t.lower() if t.isupper() else t).encode("utf-8", errors="surrogatepass") for t in texts]
        best = clang.classify(raws, self.step, self.feature, self.start, self.ptc, self.pc)
        classes = self.classes
        out = [classes[i] if i >= 0 else "" for i in best]
        ask = [k for k, i in enumerate(best) if i < 0]
        if ask:
            for k, lang in zip(ask, self.classify_numpy([texts[k] for k in ask]), strict=True):
                out[k] = lang
        return out

    def classify_numpy(self, texts: list[str]) -> list[str]:
        """:meth:`classify_many` with numpy (the reference; float32 scores as py3langid's).

        The byte-state walk runs once over all texts joined (each behind its own 0xFF pad,
        which resets the tokenizer, so no state crosses from one text into the next): six
        numpy gathers for a whole batch instead of six per text, with the table's hot rows
        still in the CPU cache. Scoring stays per text, with exactly the same arithmetic.
        """
        import numpy as np

        k = self.depth
        pad = b"\xff" * (k - 1)
        chunks: list[bytes] = []
        bounds: list[tuple[int, int]] = []
        o = 0
        for text in texts:
            if text.isupper():  # as py3langid does: shouted text reads like lower case
                text = text.lower()
            raw = text.encode("utf-8", errors="surrogatepass")
            chunks.append(pad)
            chunks.append(raw)
            bounds.append((o, o + len(raw)))  # positions whose windows start at this text's pad
            o += k - 1 + len(raw)
        data = np.frombuffer(b"".join(chunks), dtype=np.uint8).astype(np.int32)
        n = len(data) - (k - 1)
        take = self.step.take  # ``take`` skips fancy indexing's index parsing: a microsecond a step
        p = data[:n] + self.start
        for off in range(1, k):
            p = take(p)
            p += data[off : off + n]
        every = self.feature.take(p)
        return self._score_many(every, bounds)

    def _score_many(self, every: Any, bounds: list[tuple[int, int]]) -> list[str]:
        """``[self._score(every[a:b]) for a, b in bounds]`` with the counting done once for the
        batch: each text's features are tagged with its index, one sort orders them by text and
        then by feature, as :meth:`_score` orders each text's alone, so every text gets the
        same features in the same order with the same counts (integers: exact). The scoring
        (float32) stays per text with the very same calls on arrays of the same shapes."""
        import numpy as np

        if not bounds:
            return []
        lengths = np.array([b - a for a, b in bounds], dtype=np.int64)
        feats = np.concatenate([every[a:b] for a, b in bounds]).astype(np.int64)
        owner = np.repeat(np.arange(len(bounds), dtype=np.int64), lengths)
        keep = feats >= 0
        span = int(self.ptc.shape[0])  # features are below this: a key orders (text, feature)
        keys = owner[keep] * span + feats[keep]
        keys.sort()
        edge = np.empty(len(keys) + 1, dtype=bool)
        edge[0] = edge[-1] = True
        np.not_equal(keys[1:], keys[:-1], out=edge[1:-1])
        starts = edge.nonzero()[0]
        counts = (starts[1:] - starts[:-1]).astype(np.float32)
        first = keys[starts[:-1]]
        texts, features = np.divmod(first, span)
        cut = np.searchsorted(texts, np.arange(len(bounds) + 1)).tolist()
        ptc, pc, classes = self.ptc, self.pc, self.classes
        out: list[str] = []
        for i in range(len(bounds)):
            a, b = cut[i], cut[i + 1]
            if a == b:
                out.append(classes[int(np.argmax(pc))])
                continue
            scores = np.log1p(counts[a:b].copy()) @ ptc.take(features[a:b], axis=0) + pc
            out.append(classes[int(scores.argmax())])
        return out

    def _score(self, feats: Any) -> str:
        import numpy as np

        feats = feats[feats >= 0]
        if not len(feats):
            return self.classes[int(np.argmax(self.pc))]
        # counts of each feature (np.unique without its Python overhead; same order, same sums)
        feats.sort()
        edge = np.empty(len(feats) + 1, dtype=bool)
        edge[0] = edge[-1] = True
        np.not_equal(feats[1:], feats[:-1], out=edge[1:-1])
        bounds = edge.nonzero()[0]  # (np.flatnonzero and np.diff cost more in Python than in C)
        counts = (bounds[1:] - bounds[:-1]).astype(np.float32)
        scores = np.log1p(counts) @ self.ptc.take(feats[bounds[:-1]], axis=0) + self.pc
        return self.classes[int(scores.argmax())]


def _derive() -> dict[str, Any]:
    """The arrays :class:`_Model` uses, from py3langid's shipped model (about 0.7 s)."""
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # py3langid >= 0.4 loads ``from_model_file``; older releases named it ``from_pickled_model``
    load = getattr(LanguageIdentifier, "from_model_file", None) or LanguageIdentifier.from_pickled_model
    ident = load(MODEL_FILE, norm_probs=False)
    ident.set_languages(list(LANGUAGES))
    nextmove = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}")
    rowbase = np.asarray(ident._rowbase, dtype=np.int64)
    output = np.asarray(ident.tk_output, dtype=np.int32)
    if not (nextmove[rowbase + 0xFF] == 0).all():  # pragma: no cover - another model
        raise RuntimeError("py3langid model: byte 0xFF does not reset the tokenizer; pin py3langid 0.4")
    return {
        "classes": np.asarray(list(ident.nb_classes)),
        "ptc": np.ascontiguousarray(ident.nb_ptc, dtype=np.float32),
        "pc": np.asarray(ident.nb_pc, dtype=np.float32),
        # narrowed before the gather (row bases are < 2**31): no 80 MB int64 temporary at start-up
        "step": rowbase.astype(np.int32)[nextmove],
        "feature": output[nextmove],
        "start": np.int64(rowbase[0]),
        "depth": np.int64(_depth(nextmove, rowbase)),
    }


def _depth(nextmove: Any, rowbase: Any) -> int:
    """Longest n-gram of the tokenizer: breadth-first distance of the farthest state.

    Known for the shipped model (computing it costs half a second of start-up)."""
    import numpy as np

    if len(rowbase) == _KNOWN_MODEL[0]:
        return _KNOWN_MODEL[1]
    seen = np.zeros(len(rowbase), dtype=bool)  # pragma: no cover - another model
    seen[0] = True
    frontier, depth = np.array([0]), 0
    steps = np.arange(256)
    while True:
        nxt = np.unique(nextmove[(rowbase[frontier][:, None] + steps).ravel()])
        nxt = nxt[~seen[nxt]]
        if not len(nxt):
            return depth
        seen[nxt] = True
        frontier, depth = nxt, depth + 1


_CACHE_FILES = ("classes", "ptc", "pc", "step", "feature", "start", "depth")


def _cache_name() -> str | None:
    """The cache folder's name for this model build: ``langid-<key>``, the key made of the
    py3langid model file's size and time, the language list and this format's version."""
    try:
        from py3langid.langid import MODEL_DIR, MODEL_FILE

        st = os.stat(Path(MODEL_DIR) / MODEL_FILE)
    except (ImportError, OSError):
        return None
    key = hashlib.sha256(f"{_CACHE_VERSION}|{st.st_size}|{st.st_mtime_ns}|{','.join(LANGUAGES)}".encode())
    return f"langid-{key.hexdigest()[:16]}"


def _cache_dir() -> Path | None:
    """``$TIPWATCH_CACHE_DIR/langid-<key>`` (opt-in, None when unset): read, and written when
    missing."""
    base = os.environ.get("TIPWATCH_CACHE_DIR")
    name = _cache_name() if base else None
    return Path(base) / name if base and name else None


def install_cache_dir() -> Path | None:
    """``<sys.prefix>/share/tipwatch/cache/langid-<key>``: written once at install time (``make``
    runs ``python -m tipwatch.engine.extract.language --install-cache``), only read afterwards."""
    name = _cache_name()
    return Path(sys.prefix) / "share" / "tipwatch" / "cache" / name if name else None


def _read_cache() -> dict[str, Any] | None:
    """The derived arrays from the configured cache, else from the install-time one."""
    for folder in (_cache_dir(), install_cache_dir()):
        if folder is not None and (folder / "complete").exists():
            arrays = _read_folder(folder)
            if arrays is not None:
                return arrays
    return None


def _read_folder(folder: Path) -> dict[str, Any] | None:
    import numpy as np

    try:
        # memory-mapped: only the table pages that texts actually reach are read
        # (viewed as plain arrays: indexing a np.memmap costs a subclass wrapper per result)
        return {
            name: np.load(folder / f"{name}.npy", mmap_mode="r").view(np.ndarray) for name in _CACHE_FILES
        }
    except (OSError, ValueError):
        return None


def _write_cache(arrays: dict[str, Any], folder: Path | None = None) -> bool:
    """Best effort: a read-only or full disk only costs the next process the slow load."""
    import numpy as np

    folder = folder or _cache_dir()
    if folder is None:
        return False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in _CACHE_FILES:
            tmp = folder / f".{name}.{os.getpid()}.npy"
            np.save(tmp, arrays[name], allow_pickle=False)
            os.replace(tmp, folder / f"{name}.npy")
        (folder / "complete").write_text("ok\n")  # written last: a half-written folder is ignored
    except OSError:
        return False
    return True


def write_install_cache() -> Path | None:
    """Derive the arrays and write them to :func:`install_cache_dir` (None when that fails)."""
    folder = install_cache_dir()
    if folder is None:
        return None
    if (folder / "complete").exists():
        return folder
    return folder if _write_cache(_derive(), folder) else None


@functools.cache
def _model() -> _Model:
    return _Model()


def _by_script(text: str) -> str | None:
    if text.isascii() or _ANY_SCRIPT_RE.search(text) is None:
        return None  # Latin (with emoji, accents): the model decides
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


_NEEDS_MODEL = object()  # _cheap's answer when only the model can tell
_CACHE: dict[str, str | None] = {}  # text (first MAX_CHARS characters) -> language
_CACHE_SIZE = 4096


def _cheap(text: str) -> Any:
    """The language when it is decided without the model (too short, telling script)."""
    if _ENOUGH_LETTERS_RE.match(text) is None:
        return None
    lang = _by_script(text)
    return _NEEDS_MODEL if lang is None else lang


def _remember(text: str, lang: str | None) -> None:
    if len(_CACHE) >= _CACHE_SIZE:  # bounded; repeated ads (templates, re-posts) hit it
        _CACHE.clear()
    _CACHE[text] = lang


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it has fewer than 20 letters."""
    if not text:
        return None
    return detect_languages([text])[0]


def detect_languages(texts: list[str]) -> list[str | None]:
    """:func:`detect_language` of each text; the model scores the batch in one pass (faster
    per text than one call each, with the same answers)."""
    out: list[str | None] = [None] * len(texts)
    todo: dict[str, list[int]] = {}  # text for the model -> its positions in ``texts``
    for i, text in enumerate(texts):
        if not text:
            continue
        text = text[:MAX_CHARS]
        hit = _CACHE.get(text, _NEEDS_MODEL)
        if hit is _NEEDS_MODEL:
            hit = _cheap(text)
            if hit is _NEEDS_MODEL:
                todo.setdefault(text, []).append(i)
                continue
            _remember(text, hit)
        out[i] = hit
    if todo:
        model = _model()
        with _lock:  # keep the shared model's use serialised, as the library expects
            langs = model.classify_many(list(todo))
        for (text, where), lang in zip(todo.items(), langs, strict=True):
            _remember(text, lang)
            for i in where:
                out[i] = lang
    return out


if __name__ == "__main__":  # python -m tipwatch.engine.extract.language --install-cache
    if sys.argv[1:] != ["--install-cache"]:
        sys.exit("usage: python -m tipwatch.engine.extract.language --install-cache")
    where = write_install_cache()
    print(f"language model cache: {where or 'not written (read-only install?)'}", file=sys.stderr)
