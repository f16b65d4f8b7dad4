"""Render a template family in one language into (title, body, entities with exact spans).

Spans are computed while the text is assembled, so ``ad[field][start:end] == raw`` holds
by construction; the tests check it on thousands of ads anyway. For speed, positions are
not tracked part by part: each entity remembers the index of its piece in the output list,
and one C-level pass over the piece lengths turns indices into offsets at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, repeat

from tipwatch.demo._data import CHOICE, Template, pick
from tipwatch.demo.slots import QUIET_SLOTS, SLOTS, Renderer

__all__ = ["render_ad"]


_KEYS: dict[int, tuple[tuple, tuple]] = {}


def _keys(parts: tuple) -> tuple:
    """Channel names of a sentence's parts: "price#0", "~#1" (the second choice) ... or None.

    Named by slot and rank, not position, so a language that puts the slot elsewhere in the
    sentence still reads the original's draws for it. Cached by identity: templates live as
    long as the process (the entry keeps ``parts`` alive, so the id is never reused).
    """
    hit = _KEYS.get(id(parts))
    if hit is None:
        seen: dict[str, int] = {}
        keys = []
        for p in parts:
            if p.__class__ is str or (p[0] != CHOICE and p[1] in QUIET_SLOTS):
                keys.append(None)  # draws nothing: no channel
                continue
            name = "~" if p[0] == CHOICE else p[1]
            n = seen[name] = seen.get(name, -1) + 1
            keys.append(f"{name}#{n}")
        hit = _KEYS[id(parts)] = (parts, tuple(keys))
    return hit[1]


def _parts(r: Renderer, parts: tuple, out: list[str], pending: list, cap: bool, sentence: object) -> None:
    """Append the rendered parts to ``out``; entity pieces go to ``pending`` as (index, piece).

    ``sentence`` names the sentence for the channel marks of a recorded or replayed ad.
    """
    rand = r.rng.random
    append = out.append
    mark = r.mark
    for p, key in zip(parts, repeat(None) if mark is None else _keys(parts)):  # noqa: B905
        if key is not None:
            mark((sentence, key))
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
    mark = r.mark
    titles, body = tpl.text[lang]
    ents: list[dict] = []
    out: list[str] = []
    pending: list = []
    if mark is not None:
        mark("title")
    _parts(r, titles[0] if len(titles) == 1 else pick(rng, titles), out, pending, True, "t")
    _entities(out, pending, "title", ents)
    title = "".join(out)

    if mark is not None:
        mark("order")
    order: Sequence[int] = range(len(body))
    if len(body) > 3 and rng.random() < 0.35:  # shuffle the middle sentences
        mid = list(range(1, len(body) - 1))
        rng.shuffle(mid)
        order = (0, *mid, len(body) - 1)
    joiner = "\n" if rng.random() < 0.2 else " "
    out = []
    pending = []
    for i, j in enumerate(order):
        if i:
            out.append(joiner)
        _parts(r, body[j], out, pending, True, j)  # channels follow the template's sentence
    if extras:
        if mark is not None:
            mark("sep")
        sep = pick(rng, (" | ", "\n", " "))
        for piece in extras:
            out.append(sep)
            pending.append((len(out), piece))
            out.append(piece[0])
    _entities(out, pending, "body", ents)
    return title, "".join(out), ents
