"""Safe HTML for an ad's text with every entity span marked and linked.

Every piece of text is escaped; spans become
``<a href="/entities/7/"><mark class="ent ent-phone" title="phone +1929…">…</mark></a>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = ["highlight"]

_CLASS_SAFE = re.compile(r"[^a-z0-9_-]")


def highlight(text: str, mentions: Iterable, url_for: Callable[[object], str]) -> SafeString:
    """Return ``text`` as HTML with each mention's [start, end) wrapped in a linked <mark>.

    ``mentions`` need ``start``, ``end``, ``obfuscated`` and ``entity`` (with ``type``,
    ``value``); overlapping or out-of-range spans are skipped, never trusted.
    """
    parts: list[str] = []
    cursor = 0
    n = len(text)
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        start, end = int(m.start), int(m.end)
        if start < cursor or end <= start or end > n:
            continue
        ent = m.entity
        parts.append(escape(text[cursor:start]))
        kind = _CLASS_SAFE.sub("", ent.type.lower())[:20] or "other"
        css = f"ent ent-{kind}" + (" ent-obf" if m.obfuscated else "")
        label = f"{ent.type} {ent.value}" + (" (obfuscated)" if m.obfuscated else "")
        parts.append(
            format_html(
                '<a class="ent-link" href="{}"><mark class="{}" title="{}">{}</mark></a>',
                url_for(ent),
                css,
                label,
                text[start:end],
            )
        )
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))  # every piece above is escaped or built by format_html
