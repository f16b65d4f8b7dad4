"""The indicator catalogue: schema, semantic checks, content rules, versioning and docs."""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

import tipwatch
from tipwatch.engine.indicators import Catalogue, CatalogueError, load_catalogue
from tipwatch.engine.indicators import __main__ as cli
from tipwatch.engine.indicators._checks import schema
from tipwatch.engine.indicators.docs import render

DATA = Path(tipwatch.__file__).parent / "data"
REPO = Path(__file__).resolve().parents[3]
LANGS = {"en", "es", "fr", "ru", "ro", "pt", "de", "it", "pl", "uk"}
ADVICE_LANGS = {"en", "es", "fr", "ru", "ro"}


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the packaged catalogue in the packaged layout; returns the indicators dir."""
    shutil.copytree(DATA / "indicators", tmp_path / "indicators")
    shutil.copytree(DATA / "lexicons" / "indicators", tmp_path / "lexicons" / "indicators")
    return tmp_path / "indicators"


def _edit(path: Path, fn) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _ind(data: dict, ident: str) -> dict:
    return next(i for i in data["indicators"] if i["id"] == ident)


# -- schema and loading ------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12_and_the_assembled_catalogue_conforms(cat):
    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    errors = list(Draft202012Validator(schema()).iter_errors(cat.to_dict()))
    assert errors == []


def test_default_catalogue_is_loaded_once_and_cached():
    assert load_catalogue() is load_catalogue()


def test_loading_a_copy_from_a_path_gives_the_same_content(tree, cat):
    copy = load_catalogue(tree)
    assert copy is not cat
    assert copy.fingerprint == cat.fingerprint
    assert [i.id for i in copy.indicators] == [i.id for i in cat.indicators]


def test_indicator_fields_and_lookup(cat):
    ind = cat.indicator("recruit.visa_travel_paid")
    assert ind.applies_to == "job_offer" and ind.category == "deceptive_recruitment"
    assert ind.sources[0].key == "ilo_2009" and ind.file == "indicators/deceptive_recruitment.yaml"
    assert "visa and tickets paid" in cat.triggers(ind, "en")
    with pytest.raises(KeyError, match="no indicator 'nope.nope'"):
        cat.indicator("nope.nope")


def test_triggers_include_lexicon_terms_and_reference_terms_resolve(cat):
    fee = cat.indicator("recruit.upfront_fee")
    assert "placement fee" in cat.triggers(fee, "en")
    assert "предоплата" in cat.triggers(fee, "ru")
    combo = cat.indicator("recruit.no_experience_high_pay_abroad")
    assert combo.all_of == ["lexicon:no_experience", "lexicon:high_pay", "lexicon:abroad"]
    assert "sin experiencia" in cat.reference_terms("lexicon:no_experience", "es")
    assert cat.reference_terms("indicator:recruit.visa_travel_paid", "en")[0] == "visa and tickets paid"


def test_explain_fills_or_drops_the_matched_placeholder(cat):
    fee = cat.indicator("recruit.upfront_fee")
    assert '("registration fee")' in fee.explain("registration fee")
    bare = fee.explain()
    assert "{matched}" not in bare and "()" not in bare and "  " not in bare
    plain = cat.indicator("recruit.visa_travel_paid")
    assert plain.explain("x") == plain.explanation


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "low"),
        (29, "low"),
        (29.5, "review"),
        (30, "review"),
        (59, "review"),
        (60, "high"),
        (100, "high"),
        (150, "high"),
        (-3, "low"),
    ],
)
def test_band_for_score(cat, score, band):
    assert cat.band_for(score).name == band


# -- content rules -----------------------------------------------------------------------------


def test_at_least_40_indicators_covering_every_form_and_the_issue_categories(cat):
    assert len(cat.indicators) >= 40
    assert {f for i in cat.indicators for f in i.forms} == set(cat.forms)
    issue_categories = {
        "deceptive_recruitment", "control", "youth", "movement", "third_party_control",
        "off_platform_payment", "obscured_contact", "volume_and_network",
    }  # fmt: skip
    assert issue_categories <= {i.category for i in cat.indicators}
    assert set(cat.languages) == LANGS


def test_every_indicator_matches_in_ten_languages_or_is_computed(cat):
    weak = [i.id for i in cat.indicators if not i.computed and cat.coverage(i) != LANGS]
    assert weak == []


def test_phrase_lists_hold_3_to_40_phrases_per_language(cat):
    # Natural variants (word orders, inflections, ё/е spellings) need room; 40 keeps lists reviewable.
    bad = [
        (i.id, lang, len(p))
        for i in cat.indicators
        for lang, p in i.patterns.items()
        if not 3 <= len(p) <= 40
    ]
    bad += [
        (n, lang, len(t))
        for n, lex in cat.lexicons.items()
        for lang, t in lex.terms.items()
        if not 3 <= len(t) <= 40
    ]
    assert bad == []
    assert all(set(lex.terms) == LANGS for lex in cat.lexicons.values())
    assert all(set(i.patterns) == LANGS for i in cat.indicators if i.patterns)


def test_every_lexicon_is_used_by_some_indicator(cat):
    used = {n for i in cat.indicators for n in i.lexicons}
    used |= {
        r.split(":", 1)[1] for i in cat.indicators for r in [*i.all_of, *i.any_of] if r.startswith("lexicon:")
    }
    assert set(cat.lexicons) - used == set()


def test_no_phrase_triggers_two_indicators_on_the_same_kind_of_text(cat):
    owners: dict[tuple[str, str], list] = defaultdict(list)
    for ind in cat.indicators:
        for lang in LANGS:
            for phrase in cat.triggers(ind, lang):
                owners[(lang, phrase)].append(ind)
    clashes = [
        (key, a.id, b.id)
        for key, inds in owners.items()
        for a in inds
        for b in inds
        if a.id < b.id and (a.applies_to == b.applies_to or "any" in (a.applies_to, b.applies_to))
    ]
    assert clashes == []


def test_every_cited_source_resolves_to_a_full_citation(cat):
    cited = {s.key for i in cat.indicators for s in i.sources} | {
        k for lex in cat.lexicons.values() for k in lex.sources
    }
    assert cited <= set(cat.sources)
    assert all(s.ref.strip() for i in cat.indicators for s in i.sources)
    for src in cat.sources.values():
        assert src.title and src.author and src.publisher and 1900 < src.year <= 2026
        assert len(src.citation) > 60 and str(src.year) in src.citation, src.key
    required = {
        "unodc_indicators",
        "ilo_2009",
        "polaris_2017",
        "jht_2024_escort_ads",
        "unodc_glotip_2020",
        "fatf_2018",
        "vienna_forum_2008",
    }
    assert required <= cited


def test_public_indicators_give_advice_in_the_five_advice_languages(cat):
    public = [i for i in cat.indicators if i.public]
    assert len(public) >= 15
    assert sum(i.applies_to == "job_offer" for i in public) >= 12
    assert all(ADVICE_LANGS <= set(i.advice) for i in public)
    assert all(len(set(i.advice.values())) == len(i.advice) for i in public)  # not copied between languages


def test_weights_follow_the_evidence(cat):
    w = {i.id: i.weight for i in cat.indicators}
    lo, hi = cat.weight_range
    assert (lo, hi) == (1, 25) and all(lo <= x <= hi for x in w.values())
    predictive = ["control.trust_language", "contact.obfuscated_phone", "youth.youth_language"]
    assert min(w[i] for i in predictive) > 3 * w["movement.new_in_town"]
    assert w["youth.stated_age_under_18"] == hi
    assert w["youth.stated_age_18_to_22"] == 1
    for ident in ("movement.new_in_town", "youth.stated_age_18_to_22"):
        assert "not predictive" in cat.indicator(ident).evidence.lower()
    # Ethnicity is predictive but bias-prone: it must never reach the review band on its own.
    assert w["control.stated_ethnicity"] < cat.band_for(30).min


def test_explanations_are_one_plain_sentence_and_only_use_matched(cat):
    for ind in cat.indicators:
        text = ind.explain("x")
        assert text.endswith(".") and "{" not in text, ind.id
        assert not re.search(r"(?<!\bal)\. [A-Z]", text), ind.id  # one sentence ("et al. 2015" allowed)


# -- versioning --------------------------------------------------------------------------------


def test_current_version_fingerprint_is_recorded_so_content_changes_need_a_version_bump(cat):
    rows = [
        line.split("\t")
        for line in (DATA / "indicators" / "fingerprints.tsv").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    recorded = dict(rows)
    assert len(recorded) == len(rows), "a version is listed twice in fingerprints.tsv"
    assert recorded.get(cat.version) == cat.fingerprint, (
        "the catalogue content changed without a version bump: bump `version` in catalogue.yaml and "
        "append its fingerprint (python -m tipwatch.engine.indicators) to fingerprints.tsv"
    )


def test_fingerprint_ignores_comments_but_changes_with_content(tree, cat):
    path = tree / "movement.yaml"
    path.write_text("# a reviewer's comment\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_catalogue(tree).fingerprint == cat.fingerprint
    _edit(path, lambda d: d["indicators"][0].__setitem__("weight", 4))
    assert load_catalogue(tree).fingerprint != cat.fingerprint


# -- validation collects every problem ---------------------------------------------------------


def test_semantic_checks_report_every_injected_error_at_once(tree):
    def break_recruitment(d):
        visa = _ind(d, "recruit.visa_travel_paid")
        visa["lexicons"] = ["no_such_lexicon"]
        visa["sources"].append({"key": "no_such_source", "ref": "p. 1"})
        visa["patterns"]["xx"] = ["foo bar", "baz qux", "quux corge"]
        visa["weight"] = 30
        _ind(d, "recruit.upfront_fee")["computed"] = "no_such_signal"
        _ind(d, "recruit.urgent_departure")["forms"] = ["slavery"]
        _ind(d, "recruit.send_photos")["explanation"] = "Matched {phrase} in the ad, which is a sign."
        _ind(d, "recruit.vague_job")["patterns"]["en"].append("Easy Work")
        del _ind(d, "recruit.excessive_hours")["advice"]["ro"]
        _ind(d, "recruit.women_only_manual_abroad")["all_of"].append("indicator:recruit.nope")
        d["indicators"].append(dict(_ind(d, "recruit.housing_provided")))  # duplicate id

    _edit(tree / "deceptive_recruitment.yaml", break_recruitment)
    _edit(tree.parent / "lexicons" / "indicators" / "urgent.yaml", lambda d: d.__setitem__("name", "hurry"))
    (tree / "youth.yaml").write_text("indicators:\n  - id: youth.x\n    name: [unclosed\n", encoding="utf-8")

    with pytest.raises(CatalogueError) as info:
        load_catalogue(tree)
    problems = info.value.problems
    expected = {
        "unknown lexicon 'no_such_lexicon'": "recruit.visa_travel_paid",
        "unknown source 'no_such_source'": "recruit.visa_travel_paid",
        "unknown language 'xx'": "recruit.visa_travel_paid",
        "30 is greater than the maximum of 25": "recruit.visa_travel_paid",
        "unknown computed signal 'no_such_signal'": "recruit.upfront_fee",
        "unknown form 'slavery'": "recruit.urgent_departure",
        "only the placeholder {matched}": "recruit.send_photos",
        "'Easy Work' is not lower-case": "recruit.vague_job",
        "without advice in ro": "recruit.excessive_hours",
        "unknown indicator 'recruit.nope'": "recruit.women_only_manual_abroad",
        "duplicate id": "recruit.housing_provided",
    }
    for needle, ident in expected.items():
        hits = [p for p in problems if needle in p]
        assert hits, f"no problem mentions {needle!r}: {problems}"
        assert all("indicators/deceptive_recruitment.yaml:" in p and ident in p for p in hits), hits
    assert any("lexicons/indicators/urgent.yaml" in p and "name it 'urgent'" in p for p in problems)
    assert any(re.match(r"indicators/youth\.yaml:\d+: not valid YAML", p) for p in problems)
    assert len(problems) == len(set(problems))
    assert str(len(problems)) in str(info.value)


def test_schema_errors_name_the_file_line_and_indicator(tree):
    _edit(tree / "payment.yaml", lambda d: d["indicators"][1].update(applies_to="website", colour="red"))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tree)
    problems = info.value.problems
    assert len(problems) == 2
    assert all(p.startswith("indicators/payment.yaml:") and "'payment.hard_to_trace'" in p for p in problems)
    assert any("applies_to" in p and "'website'" in p for p in problems)
    assert any("'colour' was unexpected" in p for p in problems)


def test_catalogue_level_problems_bands_and_unknown_references(tree):
    def bad_head(d):
        d["bands"][1]["min"] = 35
        del d["sources"]["polaris_2017"]

    _edit(tree / "catalogue.yaml", bad_head)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tree)
    problems = info.value.problems
    assert any("band 'review' starts at 35, expected 30" in p for p in problems)
    polaris = [p for p in problems if "unknown source 'polaris_2017'" in p]
    assert {p.split(":")[0] for p in polaris} >= {
        "indicators/third_party.yaml",
        "lexicons/indicators/manual_work.yaml",
    }


def test_missing_head_file_is_reported(tmp_path):
    (tmp_path / "indicators").mkdir()
    with pytest.raises(CatalogueError, match="catalogue.yaml: missing"):
        load_catalogue(tmp_path / "indicators")


def test_validate_command_prints_version_or_lists_problems(tree, capsys, cat):
    assert cli.main([]) == 0
    assert capsys.readouterr().out.startswith(f"{cat.version}\t{cat.fingerprint}")
    _edit(tree / "movement.yaml", lambda d: d["indicators"][0].__setitem__("category", "travel"))
    assert cli.main([str(tree)]) == 1
    assert "unknown category 'travel'" in capsys.readouterr().err


# -- docs --------------------------------------------------------------------------------------


def test_docs_indicators_md_is_generated_from_the_catalogue(cat):
    committed = (REPO / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert committed == render(cat), (
        "regenerate: python -m tipwatch.engine.indicators.docs > docs/indicators.md"
    )


def test_docs_list_every_indicator_with_weight_sources_and_explanation(cat):
    text = render(cat)
    for ind in cat.indicators:
        section = text.split(f"### `{ind.id}`:", 1)[1].split("\n### ", 1)[0]
        assert f"**weight:** {ind.weight}" in section
        assert ind.explanation in section
        assert all(f"[`{s.key}`]" in section for s in ind.sources)
    assert all(f"**`{key}`**" in text for key in cat.sources)


# -- the min_score floor ----------------------------------------------------------------------


def test_min_score_is_part_of_the_content_and_the_schema(tree, cat):
    assert cat.indicator("youth.stated_age_under_18").to_dict()["min_score"] == 60
    assert "min_score" not in cat.indicator("youth.youth_language").to_dict()
    _edit(tree / "youth.yaml", lambda d: _ind(d, "youth.stated_age_under_18").__setitem__("min_score", 70))
    assert load_catalogue(tree).fingerprint != cat.fingerprint


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (101, "101 is greater than the maximum of 100"),
        (-1, "-1 is less than the minimum of 0"),
        ("high", "'high' is not of type 'integer'"),
    ],
)
def test_min_score_outside_0_to_100_is_a_schema_error_naming_the_indicator(tree, value, needle):
    _edit(tree / "youth.yaml", lambda d: _ind(d, "youth.minor_terms").__setitem__("min_score", value))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tree)
    hits = [p for p in info.value.problems if needle in p]
    assert hits and all(p.startswith("indicators/youth.yaml:") and "'youth.minor_terms'" in p for p in hits)


def test_a_floor_not_above_the_weight_is_reported_as_a_no_op(tree):
    _edit(tree / "youth.yaml", lambda d: _ind(d, "youth.youth_language").__setitem__("min_score", 18))
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tree)
    (problem,) = info.value.problems
    assert problem.startswith("indicators/youth.yaml:") and "'youth.youth_language'" in problem
    assert "min_score 18 is not above its weight 18" in problem and "remove it" in problem


def test_docs_explain_the_floor_and_mark_the_floored_indicators(cat):
    text = render(cat)
    assert "min_score" in text and "score = max(" in text
    section = text.split("### `youth.stated_age_under_18`:", 1)[1].split("\n### ", 1)[0]
    assert "**floor:** 60" in section
    readme = (DATA / "indicators" / "README.md").read_text(encoding="utf-8")
    assert "min_score" in readme and "high band" in readme
