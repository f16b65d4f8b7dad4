"""Text normalisation with an offset map back into the original text."""

from tipwatch.engine.text.normalise import NormalisedText, normalise

__all__ = ["NormalisedText", "normalise"]
