"""Safe HTML for an ad's text with every entity span marked and linked, and indicator spans marked.

Every piece of text is escaped; entity spans become
``<a href="/entities/7/"><mark class="ent ent-phone" title="phone +1929…">…</mark></a>``;
indicator spans (the words that fired an indicator) become
``<mark class="ind" title="Urgent departure">…</mark>``. Indicator spans may overlap entity
spans and each other: the text is cut at every span boundary and each piece is wrapped in what
covers it, so the HTML always nests properly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = ["highlight"]

_CLASS_SAFE = re.compile(r"[^a-z0-9_-]")


def _valid(start, end, n: int) -> tuple[int, int] | None:
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        return None
    if start < 0 or end <= start or end > n:
        return None
    return start, end


def _attr(obj, name: str):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _indicator_pieces(text: str, start: int, end: int, marks: list[tuple[int, int, str]]) -> str:
    """``text[start:end]`` escaped, with the parts covered by indicator spans in <mark class="ind">."""
    if not marks:
        return escape(text[start:end])
    cuts = {start, end}
    for s, e, _label in marks:
        if s < end and e > start:
            cuts.add(max(s, start))
            cuts.add(min(e, end))
    points = sorted(cuts)
    out: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        labels = [label for s, e, label in marks if s <= a and e >= b]
        if labels:
            title = "; ".join(dict.fromkeys(labels))
            out.append(format_html('<mark class="ind" title="{}">{}</mark>', title, text[a:b]))
        else:
            out.append(escape(text[a:b]))
    return "".join(out)


def highlight(
    text: str, mentions: Iterable, url_for: Callable[[object], str], indicators: Iterable = ()
) -> SafeString:
    """Return ``text`` as HTML with each mention's [start, end) wrapped in a linked <mark>.

    ``mentions`` need ``start``, ``end``, ``obfuscated`` and ``entity`` (with ``type``,
    ``value``); overlapping or out-of-range spans are skipped, never trusted.
    ``indicators`` are objects or dicts with ``start``, ``end`` and ``name`` (or ``id``): the
    words that fired an indicator, marked ``<mark class="ind">``; out-of-range ones are skipped.
    """
    n = len(text)
    marks: list[tuple[int, int, str]] = []
    for ind in indicators:
        span = _valid(_attr(ind, "start"), _attr(ind, "end"), n)
        if span is not None:
            marks.append((span[0], span[1], str(_attr(ind, "name") or _attr(ind, "id") or "")))
    marks.sort()
    parts: list[str] = []
    cursor = 0
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        start, end = int(m.start), int(m.end)
        if start < cursor or end <= start or end > n:
            continue
        ent = m.entity
        parts.append(_indicator_pieces(text, cursor, start, marks))
        kind = _CLASS_SAFE.sub("", ent.type.lower())[:20] or "other"
        css = f"ent ent-{kind}" + (" ent-obf" if m.obfuscated else "")
        label = f"{ent.type} {ent.value}" + (" (obfuscated)" if m.obfuscated else "")
        parts.append(
            format_html(
                '<a class="ent-link" href="{}"><mark class="{}" title="{}">{}</mark></a>',
                url_for(ent),
                css,
                label,
                mark_safe(_indicator_pieces(text, start, end, marks)),  # escaped piece by piece
            )
        )
        cursor = end
    parts.append(_indicator_pieces(text, cursor, n, marks))
    return mark_safe("".join(parts))  # every piece above is escaped or built by format_html
