"""The link job on DuckDB and Spark: identical output, operation recovery, agreement with the
in-process engine, idempotence and error objects."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest

from tipwatch.demo import generate
from tipwatch.engine import ad_from_dict
from tipwatch.engine.extract import extract_ad
from tipwatch.engine.link import EntityGraph, TemplateIndex
from tipwatch.engine.link.engines import get_engine, plan
from tipwatch.engine.link.job import LinkSettings, run_job


def _pairs(counter: Counter) -> int:
    return sum(v * (v - 1) // 2 for v in counter.values())


def _prf(pred: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    both = _pairs(Counter((truth[i], pred[i]) for i in truth))
    p = both / _pairs(Counter(pred.values()))
    r = both / _pairs(Counter(truth.values()))
    return p, r, 2 * p * r / (p + r)


def _run(lines: list[bytes], engine: str, **kw) -> bytes:
    out = io.BytesIO()
    run_job(lines, out, engine=engine, **kw)
    return out.getvalue()


def _ops(output: bytes) -> dict[str, str]:
    recs = [json.loads(line) for line in output.splitlines()]
    return {r["id"]: r["operation"] for r in recs if r.get("id")}


@pytest.fixture(scope="module")
def world():
    ads, truth = [], {}
    for ad, t in generate(seed=11, n_ads=1500):
        ads.append(json.dumps(ad, ensure_ascii=False).encode("utf-8"))
        truth[ad["id"]] = t["operation"] or f"benign:{ad['id']}"
    return ads, truth


@pytest.fixture(scope="module")
def duck(world):
    return _run(world[0], "duckdb", workers=2, explain=True)


@pytest.fixture(scope="module")
def spark_engine():
    """One Spark session for the module (starting one takes seconds)."""
    eng = get_engine("spark", spark_master="local[2]")
    yield eng


# A hand-made case: a hotel number on the ads of 12 independent women (a hub by spread), and
# one ring whose template attaches a loose ad with a phone of its own.
_RING = (
    "Hello gentlemen, new girl in town, sweet and discreet, incall and outcall all day and all "
    "night, real photos, no rush, call me on {p} for a date"
)
_SETTINGS = LinkSettings(hub_min=10, max_spread=3)


def _hand_made() -> list[bytes]:
    recs = []
    for w in range(12):
        for n in range(2):
            recs.append(
                {
                    "id": f"w{w:02d}-{n}",
                    "body": f"Woman {w} ad {n}: text +1 213 555 {w:04d} or the hotel desk +1 213 268 2856",
                    "country": "US",
                }
            )
    # 12 one-off sellers, each with a phone of their own, all showing one stock contact (as a
    # stock photo would be): single ads count as independent sellers, so the shared key is cut.
    for s in range(12):
        recs.append(
            {
                "id": f"one-{s:02d}",
                "body": f"Selling my sofa {s}, text +1 312 555 {s:04d}, photos from stock@photos-example.com",
                "country": "US",
            }
        )
    for n in range(4):
        recs.append({"id": f"ring-{n}", "body": _RING.format(p="+1 213 268 7000"), "country": "US"})
    recs.append({"id": "loose", "body": _RING.format(p="+1 213 268 9999"), "country": "US"})
    return [json.dumps(r).encode() for r in recs]


def test_the_plan_names_its_steps_and_components_runs():
    names = [s.name for s in plan()]
    assert (
        names.index("tpl_labels")
        < names.index("ad_templates")
        < names.index("op_labels")
        < names.index("result")
    )
    assert [s.name for s in plan() if s.kind == "cc"] == [
        "tpl_labels",
        "spread_labels",
        "contact_labels",
        "op_labels",
    ]
    assert {s.name for s in plan() if s.explain} == {"link_pairs", "link_top", "links"}


def test_duckdb_and_spark_give_identical_output(world, duck, spark_engine):
    spark = _run(world[0], "spark", workers=2, explain=True, spark_master="local[2]")
    assert spark == duck
    hand_duck = _run(_hand_made(), "duckdb", settings=_SETTINGS)
    hand_spark = _run(_hand_made(), "spark", settings=_SETTINGS, spark_master="local[2]")
    assert hand_spark == hand_duck


def test_hand_made_hub_and_template_join():
    ops = _ops(_run(_hand_made(), "duckdb", settings=_SETTINGS))
    # The hotel number is cut: each woman is an operation of her own two ads.
    assert len({ops[f"w{w:02d}-0"] for w in range(12)}) == 12
    assert all(ops[f"w{w:02d}-0"] == ops[f"w{w:02d}-1"] for w in range(12))
    # The stock contact on one-off ads is cut too: every seller stays alone.
    assert len({ops[f"one-{s:02d}"] for s in range(12)}) == 12
    # The template attaches the loose ad to the ring.
    assert ops["loose"] == ops["ring-0"] == ops["ring-3"]
    assert ops["loose"] != ops["w00-0"]


def test_duckdb_recovers_operations_and_agrees_with_the_memory_engine(world, duck):
    ads, truth = world
    pred = _ops(duck)
    p, r, f1 = _prf(pred, truth)
    # Measured (seed 11, 1,500 ads): see the printed figures; F1 0.99 on 3k in bench runs.
    print(f"duckdb vs truth: precision {p:.4f} recall {r:.4f} F1 {f1:.4f}")
    assert f1 >= 0.95
    templates, graph = TemplateIndex(), EntityGraph()
    for line in ads:
        ad = ad_from_dict(json.loads(line))
        x = extract_ad(ad)
        graph.add(ad.id, x, templates.add(ad.id, ad, x))
    mem = {i: graph.operation_of(i) for i in pred}
    p, r, f1 = _prf(pred, mem)
    print(f"duckdb vs memory engine: precision {p:.4f} recall {r:.4f} F1 {f1:.4f}")
    assert f1 >= 0.98


def test_output_has_one_line_per_input_line_with_links_and_deterministic_ids(world, duck):
    recs = [json.loads(line) for line in duck.splitlines()]
    assert [r["id"] for r in recs] == [json.loads(line)["id"] for line in world[0]]
    assert all(r["operation"].startswith("op-") and r["template"].startswith("tpl-") for r in recs)
    linked = [r for r in recs if "links" in r]
    assert linked and all(1 <= len(r["links"]) <= 5 and all(nb["via"] for nb in r["links"]) for r in linked)


def test_idempotent(world, duck):
    assert _run(world[0], "duckdb", workers=1, explain=True) == duck


def test_bad_lines_become_error_objects_in_place():
    lines = [
        b'{"id":"a","body":"Call (213) 268-2856"}',
        b"not json",
        b"",
        b'{"id":"b","body":"Text (213) 268-2856"}',
        b'{"id":"a","body":"again"}',
        b'{"x":1}',
    ]
    recs = [json.loads(line) for line in _run(lines, "duckdb").splitlines()]
    assert [r["id"] for r in recs] == ["a", None, "b", None, None]
    assert [r["error"]["code"] for r in recs if r["id"] is None] == [
        "jsonl.bad_json",
        "ad.duplicate_id",
        "ad.no_body",
    ]
    assert [r["line"] for r in recs if r["id"] is None] == [2, 5, 6]  # blank line 3 gives no output
    assert recs[0]["operation"] == recs[2]["operation"]


def test_given_entities_are_used_instead_of_extracting():
    # The phone is only in "entities" (as `tipwatch extract` would give it), not in the text.
    ent = {"type": "phone", "value": "+12132682856", "raw": "x", "start": 0, "end": 1, "field": "body"}
    lines = [json.dumps({"id": i, "body": "see the picture", "entities": [ent]}).encode() for i in "ab"]
    recs = [json.loads(line) for line in _run(lines, "duckdb").splitlines()]
    assert recs[0]["operation"] == recs[1]["operation"]


def test_unknown_engine_and_bad_settings_are_named():
    with pytest.raises(ValueError, match="duckdb, spark"):
        get_engine("oracle")
    with pytest.raises(ValueError, match="threshold"):
        run_job([], io.BytesIO(), settings=LinkSettings(threshold=2.0))
