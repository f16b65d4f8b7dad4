"""Safe HTML of the text around an alert's span, the match wrapped in a <mark>."""

from __future__ import annotations

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = ["CONTEXT", "alert_snippet"]

CONTEXT = 80  # characters shown on each side of the match
_KINDS = {"exact", "folded", "phonetic", "fuzzy"}


def alert_snippet(text: str, start: int, end: int, matched: str, kind: str, label: str) -> SafeString:
    """``text`` cut to ``CONTEXT`` characters around [start, end) with the span marked.

    Every piece is escaped. When the span does not hold ``matched`` (the text changed, or a
    bad offset), only ``matched`` is shown, marked: a stored offset is never trusted blindly.
    """
    css = "watch-hit watch-" + (kind if kind in _KINDS else "other")
    if not (0 <= start < end <= len(text)) or text[start:end] != matched:
        return format_html('<mark class="{}" title="{}">{}</mark>', css, label, matched)
    a, b = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    parts = [
        "…" if a > 0 else "",
        escape(text[a:start]),
        format_html('<mark class="{}" title="{}">{}</mark>', css, label, text[start:end]),
        escape(text[end:b]),
        "…" if b < len(text) else "",
    ]
    return mark_safe("".join(parts))  # every piece above is escaped or built by format_html
