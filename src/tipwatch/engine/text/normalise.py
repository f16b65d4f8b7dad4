"""PLACEHOLDER: replaced by the normalisation module (NFKC, zero-width/bidi removal, TR39
confusables, HTML entities, white space) with an offset map."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NormalisedText", "normalise"]


@dataclass(slots=True)
class NormalisedText:
    """``text`` is the normalised string; ``offsets[i]`` is the index in ``original`` of the
    character that produced ``text[i]``; ``offsets[len(text)] == len(original)``."""

    original: str
    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of ``text`` to the half-open span of ``original`` it came from."""
        if start >= end:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + self._width(end - 1)

    def _width(self, i: int) -> int:
        # the original character(s) behind text[i] run up to the next distinct offset
        o = self.offsets[i]
        j = i + 1
        while j < len(self.offsets) and self.offsets[j] == o:
            j += 1
        nxt = self.offsets[j] if j < len(self.offsets) else len(self.original)
        return max(1, nxt - o)


def normalise(text: str) -> NormalisedText:
    return NormalisedText(text, text, list(range(len(text) + 1)))
