"""Template and lexicon data: complete, consistent across languages, free of stray numbers."""

from __future__ import annotations

import re

import pytest

from tipwatch.demo._data import CHOICE, LANGS, SLOT, _compile, data, templates
from tipwatch.demo.phones import COUNTRIES, PhoneBook
from tipwatch.demo.slots import SLOT_NAMES

ALL = [t for fams in templates().values() for t in fams]


@pytest.mark.parametrize("tpl", ALL, ids=[t.id for t in ALL])
def test_template_translations_have_the_same_slots(tpl):
    assert set(tpl.text) == set(LANGS)
    per_lang = {}
    for lang, (titles, body) in tpl.text.items():
        slots = set()
        for parts in (*titles, *body):
            for p in parts:
                if isinstance(p, str):
                    # literal text never holds digits: every number in an ad is planted by a slot
                    assert not re.search(r"[0-9]", p), (tpl.id, lang, p)
                elif p[0] == SLOT:
                    slots.add(p[1])
                else:
                    assert p[0] == CHOICE and all(not re.search(r"[0-9{}]", o) for o in p[1])
        body_slots = {p[1] for parts in body for p in parts if not isinstance(p, str) and p[0] == SLOT}
        per_lang[lang] = body_slots
        assert slots <= SLOT_NAMES, (tpl.id, lang, slots - SLOT_NAMES)
    assert len({frozenset(s) for s in per_lang.values()}) == 1, (tpl.id, per_lang)


def test_kinds_have_enough_templates():
    t = templates()
    assert len(t["exploitation"]) >= 5  # operations reuse 2-5 templates each
    assert all(len(v) >= 3 for v in t.values())


def test_compile_reports_unbalanced_braces():
    with pytest.raises(ValueError, match="unbalanced"):
        _compile("call {phone", "x", set())


def test_compile_sees_messenger_before_phone():
    parts = _compile("Send photos on WhatsApp {phone}", "x", set())
    assert parts[-1] == (SLOT, "phone", "whatsapp")
    assert _compile("Call {phone}", "x", set())[-1] == (SLOT, "phone", None)


def test_lexicon_covers_every_language():
    d = data()
    for lang in LANGS:
        assert len(d["digits"][lang]) == 10
        assert len(d["age_words"][lang]) == 9
        for key in ("new", "youth", "hair", "job", "local_job", "item", "shift"):
            assert d[key][lang], (key, lang)
        for unit in ("hour", "half_hour", "night", "month", "deposit"):
            assert d["units"][unit][lang]
    assert all(isinstance(w, str) for forms in d["digits"]["de"] for w in forms)  # YAML "null" trap


def test_phone_bank_numbers_are_unique_and_valid():
    import phonenumbers

    book = PhoneBook()
    for country in COUNTRIES:
        values = [book.new(country, "private").value for _ in range(400)]
        assert len(set(values)) == len(values)
        for v in values[:50]:
            assert phonenumbers.is_valid_number(phonenumbers.parse(v))


def test_template_regexes_are_linear_on_hostile_input():
    import time

    for hostile in ("{" * 10**6, "{~" + "a|" * 500_000, "WhatsApp" + " " * 10**6 + "{phone}", "{a" * 500_000):
        t = time.perf_counter()
        try:
            _compile(hostile, "hostile", set())
        except ValueError:
            pass
        assert time.perf_counter() - t < 1.0
