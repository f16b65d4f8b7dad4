"""Render a template family in one language into (title, body, entities with exact spans).

Spans are computed while the text is assembled, so ``ad[field][start:end] == raw`` holds
by construction; the tests check it on thousands of ads anyway. For speed, positions are
not tracked part by part: each entity remembers the index of its piece in the output list,
and one C-level pass over the piece lengths turns indices into offsets at the end.
"""

from __future__ import annotations

from itertools import accumulate

from tipwatch.demo._data import CHOICE, Template, pick
from tipwatch.demo.slots import SLOTS, Renderer

__all__ = ["render_ad"]


def _parts(r: Renderer, parts: tuple, out: list[str], pending: list, cap: bool) -> None:
    """Append the rendered parts to ``out``; entity pieces go to ``pending`` as (index, piece)."""
    rand = r.rng.random
    append = out.append
    for p in parts:
        if p.__class__ is str:
            append(p)
        elif p[0] == CHOICE:
            opts = p[1]
            append(opts[int(rand() * len(opts))])
        else:
            v = SLOTS[p[1]](r, p[2])
            if v.__class__ is str:
                if cap and v and v[0].islower() and len(v[0].upper()) == 1:
                    v = v[0].upper() + v[1:]  # a sentence opening with a slot: "Young and fresh, ..."
                append(v)
            else:
                pending.append((len(out), v))
                append(v[0])
        cap = False


def _entities(out: list[str], pending: list, fld: str, ents: list[dict]) -> None:
    if not pending:
        return
    offsets = list(accumulate(map(len, out), initial=0))
    for idx, (text, spans) in pending:
        pos = offsets[idx]
        for s, e, typ, value, obf, attrs in spans:
            ent = {
                "type": typ,
                "value": value,
                "field": fld,
                "start": pos + s,
                "end": pos + e,
                "raw": text[s:e],
                "obfuscated": obf,
            }
            if attrs:
                ent.update(attrs)
            ents.append(ent)


def render_ad(r: Renderer, tpl: Template, lang: str, extras: list[tuple]) -> tuple[str, str, list[dict]]:
    """Title, body and entities of one ad; ``extras`` are contact pieces appended to the body."""
    rng = r.rng
    titles, body = tpl.text[lang]
    ents: list[dict] = []
    out: list[str] = []
    pending: list = []
    _parts(r, titles[0] if len(titles) == 1 else pick(rng, titles), out, pending, True)
    _entities(out, pending, "title", ents)
    title = "".join(out)

    order = body
    if len(body) > 3 and rng.random() < 0.35:  # shuffle the middle sentences
        mid = list(body[1:-1])
        rng.shuffle(mid)
        order = (body[0], *mid, body[-1])
    joiner = "\n" if rng.random() < 0.2 else " "
    out = []
    pending = []
    for i, sentence in enumerate(order):
        if i:
            out.append(joiner)
        _parts(r, sentence, out, pending, True)
    if extras:
        sep = pick(rng, (" | ", "\n", " "))
        for piece in extras:
            out.append(sep)
            pending.append((len(out), piece))
            out.append(piece[0])
    _entities(out, pending, "body", ents)
    return title, "".join(out), ents
