"""``tipwatch watch``: match a watchlist against ads, usernames, chat-room and channel names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import typer

from tipwatch.cli._common import err, open_input, open_output

__all__ = ["FIELDS", "load_terms", "register", "watch", "watch_lines"]

FIELDS = ("title", "body", "text", "username", "name", "channel", "room")
_CHUNK = 256


def register(app: typer.Typer) -> None:
    app.command("watch")(watch)


def load_terms(path: Path) -> list[str]:
    """Terms of a watchlist file: one per line, '#' comments and blank lines ignored.

    Raises ``ValueError`` naming the file and line of a term with nothing to match.
    """
    from tipwatch.engine.termmatch import fold

    terms: list[str] = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        term = line.strip()
        if not term or term.startswith("#"):
            continue
        if not fold(term).text.strip():
            raise ValueError(
                f"{path}:{lineno}: this term has no letters or digits once folded; remove or spell it out"
            )
        terms.append(term)
    return terms


def watch_lines(lines: Iterable[bytes], matcher: Any) -> Iterator[dict[str, Any]]:
    """One result per non-blank JSON Lines record, in order (see :func:`watch`)."""
    from tipwatch.engine.pipeline import BLANK, decode_line, line_error

    def parse(line: bytes, lineno: int) -> tuple[Any, list[tuple[str, str]]] | dict[str, Any] | None:
        data, error = decode_line(line, lineno)
        if data is BLANK:
            return None
        if error is not None:
            return error
        if not isinstance(data, dict):
            return line_error(lineno, "watch.not_object", "each line must be a JSON object with an 'id'")
        fields = [(f, data[f]) for f in FIELDS if isinstance(data.get(f), str)]
        if not fields:
            return line_error(
                lineno, "watch.no_text", f"no text field: give one of {', '.join(FIELDS)}", data.get("id")
            )
        return data.get("id"), fields

    def flush(chunk: list[Any]) -> Iterator[dict[str, Any]]:
        texts = [text for item in chunk if isinstance(item, tuple) for _, text in item[1]]
        found = iter(matcher.find_many(texts))
        for item in chunk:
            if isinstance(item, dict):
                yield item
                continue
            rec_id, fields = item
            matches = []
            for field, _ in fields:
                for m in next(found):
                    d = m.to_dict()
                    d["field"] = field
                    matches.append(d)
            yield {"id": rec_id, "matches": matches}

    chunk: list[Any] = []
    for lineno, line in enumerate(lines, 1):
        item = parse(line, lineno)
        if item is None:
            continue
        chunk.append(item)
        if len(chunk) >= _CHUNK:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def watch(
    source: str = typer.Argument("-", help="JSON Lines file of records, or '-' for stdin."),
    terms: Path = typer.Option(
        ..., "--terms", help="Watchlist: one term per line; '#' comments, blank lines ignored."
    ),
    out: str = typer.Option(None, "--out", "-o", help="Write results here (default: stdout)."),
    phonetic: bool = typer.Option(
        True, "--phonetic/--no-phonetic", help="Sound-alike hits ('secks' for 'sex')."
    ),
    max_edits: int = typer.Option(
        1, "--max-edits", min=0, help="Typos allowed in words of 5+ letters (0: none)."
    ),
    allowlist: Path = typer.Option(None, "--allowlist", help="Extra benign words or phrases, one per line."),
) -> None:
    """Find watchlist terms, obfuscated or not, in ads, usernames, chat-room and channel names.

    Input lines: {"id", "title"?, "body"?} or {"id", "username" | "name" | "text" | "channel" | "room"}.
    Every string field among title, body, text, username, name, channel, room is matched.
    Output lines: {"id", "matches": [{"term", "matched", "start", "end", "field", "kind"}]} where
    start/end index the original string of that field and kind is exact, folded, phonetic or fuzzy.
    A line that cannot be read gives {"id", "line", "error": {"code", "reason"}} in its place.
    """
    from tipwatch.engine.pipeline import dumps, iter_lines
    from tipwatch.engine.termmatch import TermMatcher

    if not terms.is_file():
        err.print(f"[red]error:[/red] terms file not found: {terms} (give a text file, one term per line)")
        raise typer.Exit(2)
    try:
        term_list = load_terms(terms)
        extra = load_terms(allowlist) if allowlist is not None else []
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if not term_list:
        err.print(f"[red]error:[/red] {terms} holds no terms (one per line; '#' starts a comment)")
        raise typer.Exit(2)
    matcher = TermMatcher(term_list, allowlist=extra, phonetic=phonetic, max_edits=max_edits)
    errors = records = hits = 0
    with open_input(source) as fp, open_output(out) as fo:
        for result in watch_lines(iter_lines(fp), matcher):
            if "error" in result:
                errors += 1
            else:
                records += 1
                hits += bool(result["matches"])
            fo.write(dumps(result))
            fo.write(b"\n")
    err.print(f"watch: {records} record(s), {hits} with a match, {len(term_list)} term(s)")
    if errors:
        err.print(f"{errors} line(s) could not be read; see the 'error' objects in the output")
