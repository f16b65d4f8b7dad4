"""The shipped data files parse and carry what the matcher relies on."""

from __future__ import annotations

from importlib import resources

from tipwatch.engine.termmatch._data import allowlist_entries, fold_table, single_letter_words


def test_fold_table_has_the_leet_map_and_its_rules():
    t = fold_table()
    assert t.leet["3"] == "e" and t.leet["0"] == "o" and t.leet["@"] == "a" and t.leet["$"] == "s"
    assert t.leet_alt["1"] == "l" and t.leet["1"] == "i"
    assert {"@", "!", "|", "+"} <= t.leet_inside and "$" not in t.leet_inside
    assert t.cyrillic["o"] == "\u043e" and t.latin["ß"] == "s"


def test_allowlist_holds_the_classic_false_positives():
    entries = set(allowlist_entries())
    for word in (
        "scunthorpe",
        "essex",
        "middlesex",
        "sussex",
        "sextant",
        "analysis",
        "therapist",
        "grape",
        "cocktail",
        "assassin",
        "dickens",
        "sechs",
        "oilseed rape",
    ):
        assert word in entries
    assert all(e == e.strip() and not e.startswith("#") for e in entries)


def test_single_letter_words_and_readme():
    assert {"a", "i", "y", "и"} <= single_letter_words() and "s" not in single_letter_words()
    readme = (
        resources.files("tipwatch")
        .joinpath("data")
        .joinpath("termmatch")
        .joinpath("README.md")
        .read_text("utf-8")
    )
    assert "Licence" in readme or "licence" in readme
