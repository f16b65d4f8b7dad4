"""Language identification, offline, with py3langid restricted to the languages tipwatch reads.

    >>> detect_language("Hola, soy nueva en la ciudad, llámame para más información")
    'es'

Restricting the model to :data:`LANGUAGES` makes it both more accurate (no Galician for
Spanish, no Serbian for Russian) and faster. Texts with fewer than :data:`MIN_LETTERS` letters
give None: too short to tell. Only the first :data:`MAX_CHARS` characters are looked at.
"""

from __future__ import annotations

import functools
import threading

__all__ = ["LANGUAGES", "MAX_CHARS", "MIN_LETTERS", "detect_language"]

# ISO 639-1 codes: the languages of the ads and job offers tipwatch targets.
LANGUAGES = (
    "en", "es", "fr", "pt", "de", "it", "nl", "ro", "pl", "uk", "ru", "bg", "cs", "hu", "el", "tr",
    "sq", "lt", "lv", "hr", "sv", "zh", "th", "vi", "id", "tl", "ar", "ja", "ko",
)  # fmt: skip
MIN_LETTERS = 20
MAX_CHARS = 400  # enough to tell a language; keeps the cost near 50-100 µs
_lock = threading.Lock()


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # py3langid >= 0.4 loads ``from_model_file``; older releases named it ``from_pickled_model``
    load = getattr(LanguageIdentifier, "from_model_file", None) or LanguageIdentifier.from_pickled_model
    ident = load(MODEL_FILE, norm_probs=False)
    ident.set_languages(list(LANGUAGES))
    return ident


def _letters_at_least(text: str, n: int) -> bool:
    count = 0
    for ch in text:
        if ch.isalpha():
            count += 1
            if count >= n:
                return True
    return False


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it has fewer than 20 letters."""
    if not text:
        return None
    text = text[:MAX_CHARS]
    if not _letters_at_least(text, MIN_LETTERS):
        return None
    ident = _identifier()
    with _lock:  # the identifier keeps scratch state; serialise rather than share it half-done
        lang, _score = ident.classify(text)
    return str(lang)
