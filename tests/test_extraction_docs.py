"""docs/extraction.md: every ```example block runs against the extractors (a stale doc is a bug).

A block reads::

    text: Text me at for80 2sixseven one9zerofor
    country: US
    expect: phone +14802671904 obfuscated
    expect: none price

``country`` is optional. Each ``expect`` is ``TYPE VALUE [obfuscated]`` (an entity of that type
with that value is found, and when ``obfuscated`` is written it is flagged so) or ``none TYPE``
(no entity of that type at all). The ad is built exactly as the doc says:
``extract_ad(ad_from_dict({"id": "doc", "body": text, "country": country}))``.

Runs without Django: ``.venv/bin/pytest -p no:django -q tests/test_extraction_docs.py``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad, extractor_names

DOC = Path(__file__).resolve().parents[1] / "docs" / "extraction.md"
_FENCE = "```example"
# entity types an extractor emits beyond the registry names (the location extractor's call mode)
_EXTRA_TYPES = ("callmode",)


@dataclass(frozen=True, slots=True)
class Expect:
    type: str
    value: str | None  # None: "none TYPE", no entity of this type may be found
    obfuscated: bool = False


@dataclass(frozen=True, slots=True)
class Example:
    line: int  # line of the opening fence in the doc, for test ids and error messages
    text: str
    country: str | None
    expects: tuple[Expect, ...]


def _expect(spec: str, where: str) -> Expect:
    kind, _, rest = spec.strip().partition(" ")
    rest = rest.strip()
    if not kind or not rest:
        raise ValueError(f"{where}: 'expect:' needs 'TYPE VALUE [obfuscated]' or 'none TYPE', got {spec!r}")
    if kind == "none":
        if " " in rest:
            raise ValueError(f"{where}: 'expect: none TYPE' takes one type, got {rest!r}")
        return Expect(rest, None)
    obfuscated = rest.endswith(" obfuscated")
    if obfuscated:
        rest = rest[: -len(" obfuscated")].rstrip()
    return Expect(kind, rest, obfuscated)


def parse_examples(markdown: str, source: str = "docs/extraction.md") -> list[Example]:
    """Every ```example block of ``markdown``; raises ValueError listing every malformed block."""
    lines = markdown.splitlines()
    examples: list[Example] = []
    problems: list[str] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != _FENCE:
            i += 1
            continue
        start = i + 1  # 1-based line number of the fence
        where = f"{source}:{start}"
        text: str | None = None
        country: str | None = None
        expects: list[Expect] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            key, sep, value = lines[i].partition(":")
            value = value[1:] if value.startswith(" ") else value
            try:
                if not sep or key not in ("text", "country", "expect"):
                    raise ValueError(
                        f"{source}:{i + 1}: expected 'text:', 'country:' or 'expect:', got {lines[i]!r}"
                    )
                if key == "text":
                    if text is not None:
                        raise ValueError(f"{source}:{i + 1}: a block takes one 'text:' line")
                    text = value
                elif key == "country":
                    country = value.strip() or None
                else:
                    expects.append(_expect(value, f"{source}:{i + 1}"))
            except ValueError as exc:
                problems.append(str(exc))
            i += 1
        if i >= len(lines):
            problems.append(f"{where}: the example block is never closed with ```")
        if not text:
            problems.append(f"{where}: the example has no 'text:' line")
        elif not expects:
            problems.append(f"{where}: the example has no 'expect:' line")
        else:
            examples.append(Example(start, text, country, tuple(expects)))
        i += 1
    if problems:
        raise ValueError("malformed example blocks (fix the doc):\n" + "\n".join(problems))
    return examples


EXAMPLES = parse_examples(DOC.read_text(encoding="utf-8"))


def _run(example: Example):
    data = {"id": "doc", "body": example.text}
    if example.country is not None:
        data["country"] = example.country
    return extract_ad(ad_from_dict(data))


def _found(example: Example) -> str:
    return (
        "; ".join(f"{e.type} {e.value} obfuscated={e.obfuscated}" for e in _run(example).entities)
        or "nothing"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"extraction.md:{ex.line}" for ex in EXAMPLES])
def test_example(example: Example):
    entities = _run(example).entities
    for want in example.expects:
        of_type = [e for e in entities if e.type == want.type]
        if want.value is None:
            assert of_type == [], f"line {example.line}: expected no {want.type}, found {_found(example)}"
            continue
        hits = [e for e in of_type if e.value == want.value]
        assert hits, f"line {example.line}: expected {want.type} {want.value}, found {_found(example)}"
        if want.obfuscated:
            assert any(e.obfuscated for e in hits), (
                f"line {example.line}: {want.value} not flagged obfuscated"
            )


def test_spans_of_the_examples_are_the_raw_text_and_cards_stay_masked():
    for example in EXAMPLES:
        for e in _run(example).entities:
            raw = example.text[e.start : e.end]
            if e.type == "payment" and e.attrs.get("kind") == "card":
                digits = "".join(ch for ch in raw if ch.isdigit())
                assert e.attrs["raw_masked"] is True and len(e.raw) == len(raw)
                assert digits not in json.dumps(e.to_dict()), f"line {example.line}: card number kept"
                assert e.value == digits[:6] + "*" * (len(digits) - 10) + digits[-4:]
            else:
                assert e.raw == raw, f"line {example.line}: {e.type} raw {e.raw!r} != text span {raw!r}"


def test_the_doc_has_enough_examples_of_every_kind():
    assert len(EXAMPLES) >= 60
    expects = [x for ex in EXAMPLES for x in ex.expects]
    types = {*extractor_names(), *_EXTRA_TYPES}
    assert {x.type for x in expects} <= types | {"none"}, "an example names an unknown entity type"
    positive = {x.type for x in expects if x.value is not None}
    traps = {x.type for x in expects if x.value is None}
    assert types <= positive, f"entity types without an example: {sorted(types - positive)}"
    assert {"phone", "price", "age", "payment", "email", "url", "handle", "location"} <= traps
    assert sum(x.obfuscated for x in expects) >= 10
    assert len({ex.country for ex in EXAMPLES} & {"US", "GB", "ES", "FR", "RU", "RO", "PT", "BR", "DE"}) == 9
    assert any(ex.country is None for ex in EXAMPLES)  # region inference is shown too


def test_every_entity_type_has_a_section():
    doc = DOC.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### `([a-z]+)`", doc, re.M))
    missing = sorted({*extractor_names(), *_EXTRA_TYPES} - headings)
    assert missing == [], f"docs/extraction.md has no '### `TYPE`' section for {missing}"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("```example\ntext: call me\n```", "no 'expect:' line"),
        ("```example\nexpect: phone +1\n```", "no 'text:' line"),
        ("```example\ntext: x\nexpect: phone\n```", "needs 'TYPE VALUE"),
        ("```example\ntext: x\nexpect: none phone price\n```", "takes one type"),
        ("```example\ntext: x\nexpected: phone +1\n```", "expected 'text:'"),
        ("```example\ntext: x\nexpect: none phone", "never closed"),
    ],
)
def test_malformed_blocks_are_reported_not_skipped(block, message):
    with pytest.raises(ValueError, match=message):
        parse_examples(block, "doc.md")


def test_parser_reads_values_with_spaces_and_the_obfuscated_flag():
    block = (
        "```example\ntext: a\ncountry: US\nexpect: location New York City\nexpect: phone +1 obfuscated\n```"
    )
    [ex] = parse_examples(block)
    assert ex.country == "US" and ex.expects == (
        Expect("location", "New York City"),
        Expect("phone", "+1", True),
    )
