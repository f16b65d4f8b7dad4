"""`tipwatch assess` and `tipwatch indicators evaluate|fit|validate`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from tipwatch.cli import indicators_cmd
from tipwatch.engine.indicators import load_catalogue

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def app():
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    indicators_cmd.register(app)
    return app


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


ESCORT = "Hi gentlemen, I am {name}, new girl in town, 19 years old, text only {phone}"


def network_ads():
    cities = ["Denver", "Austin", "Boston"]
    return [
        {"id": f"e{i}", "body": ESCORT.format(name=n, phone="929 272 7898"), "city": c, "country": "US"}
        for i, (n, c) in enumerate(zip(["Ana", "Mia", "Eva"], cities, strict=True))
    ]


def test_assess_keeps_order_contract_and_errors_in_place(app, tmp_path):
    src = write_jsonl(
        tmp_path / "ads.jsonl", [*network_ads()[:1], "{oops", {"id": "z", "body": "Room to let"}]
    )
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["assess", str(src), "--out", str(out), "--no-network"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["e0", None, "z"]
    assert lines[1]["error"]["code"] == "jsonl.bad_json" and lines[1]["line"] == 2
    first = lines[0]
    assert set(first) == {"id", "score", "band", "catalogue_version", "indicators"}
    assert first["catalogue_version"] == load_catalogue().version and first["band"] in (
        "low",
        "review",
        "high",
    )
    body = network_ads()[0]["body"]
    for f in first["indicators"]:
        assert body[f["start"] : f["end"]] == f["matched"]
    assert lines[2]["score"] == 0 and lines[2]["indicators"] == []


def test_assess_file_computes_contact_reuse_unless_told_not_to(app, tmp_path):
    src = write_jsonl(tmp_path / "ads.jsonl", network_ads())
    on, off = tmp_path / "on.jsonl", tmp_path / "off.jsonl"
    assert runner.invoke(app, ["assess", str(src), "-o", str(on)]).exit_code == 0
    assert runner.invoke(app, ["assess", str(src), "-o", str(off), "--no-network"]).exit_code == 0
    with_net = [json.loads(x) for x in on.read_text("utf-8").splitlines()]
    without = [json.loads(x) for x in off.read_text("utf-8").splitlines()]
    for a, b in zip(with_net, without, strict=True):
        ids_a = {f["id"] for f in a["indicators"]}
        assert "network.contact_reused_across_cities" in ids_a
        assert not any(f["id"].startswith("network.") for f in b["indicators"])
        assert a["score"] > b["score"]


def test_assess_stdin_and_kind(app):
    stdin = json.dumps({"id": "j", "body": "Work abroad, we keep your documents, no experience"}) + "\n"
    res = runner.invoke(app, ["assess", "-", "--kind", "ad"], input=stdin)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.splitlines()[0])["id"] == "j"
    assert runner.invoke(app, ["assess", "-", "--kind", "bogus"], input=stdin).exit_code == 2


def labelled(tmp_path: Path) -> Path:
    from tipwatch.demo import generate

    recs = []
    for ad, truth in generate(4, 300):
        ad["label"] = int(truth["kind"] in ("exploitation", "recruitment", "marriage"))
        recs.append(ad)
    return write_jsonl(tmp_path / "labelled.jsonl", recs)


def test_evaluate_prints_and_writes_the_tables(app, tmp_path):
    path, report = labelled(tmp_path), tmp_path / "report.md"
    res = runner.invoke(app, ["indicators", "evaluate", str(path), "--out", str(report)])
    assert res.exit_code == 0, res.output
    text = report.read_text("utf-8")
    assert "| ROC-AUC | PR-AUC |" in text and "## Indicators" in text and "| high |" in text
    auc = float(text.split("| ROC-AUC | PR-AUC |")[1].splitlines()[2].split("|")[1])
    assert auc > 0.9
    assert "| indicator | weight | support | positives | precision | lift | recall |" in res.stdout


def test_evaluate_names_the_line_of_a_bad_label(app, tmp_path):
    path = write_jsonl(
        tmp_path / "bad.jsonl", [{"id": "a", "body": "x", "label": 1}, {"id": "b", "body": "y"}]
    )
    res = runner.invoke(app, ["indicators", "evaluate", str(path)])
    assert res.exit_code == 2 and "bad.jsonl:2" in res.output and '"label"' in res.output


def test_fit_writes_weights_for_review_and_changes_nothing(app, tmp_path):
    before = load_catalogue().fingerprint
    path, out = labelled(tmp_path), tmp_path / "weights.yaml"
    res = runner.invoke(app, ["indicators", "fit", str(path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "NOT applied" in res.output and "| indicator | support | coefficient |" in res.stdout
    data = yaml.safe_load(out.read_text("utf-8"))
    assert set(data["weights"]) == {i.id for i in load_catalogue().indicators}
    assert load_catalogue().fingerprint == before


def test_validate_prints_version_and_fingerprint_or_every_problem(app, tmp_path):
    cat = load_catalogue()
    res = runner.invoke(app, ["indicators", "validate"])
    assert res.exit_code == 0 and cat.version in res.stdout and cat.fingerprint in res.stdout
    data = REPO / "src" / "tipwatch" / "data"
    shutil.copytree(data / "indicators", tmp_path / "indicators")
    shutil.copytree(data / "lexicons" / "indicators", tmp_path / "lexicons" / "indicators")
    head = tmp_path / "indicators" / "catalogue.yaml"
    text = head.read_text("utf-8")
    current = re.search(r'^version: "([^"]+)"', text, re.M).group(1)
    head.write_text(text.replace(f'version: "{current}"', "version: 7", 1), "utf-8")
    youth = tmp_path / "indicators" / "youth.yaml"
    youth.write_text(youth.read_text("utf-8").replace("weight: 18", "weight: 99", 1), "utf-8")
    res = runner.invoke(app, ["indicators", "validate", str(tmp_path / "indicators")])
    assert res.exit_code == 1
    assert "catalogue.yaml" in res.output and "youth.yaml" in res.output and "2 problem" in res.output


def test_docs_cli_md_has_a_section_per_command():
    text = (REPO / "docs" / "cli.md").read_text("utf-8")
    for cmd in ("assess", "indicators evaluate", "indicators fit", "indicators validate"):
        assert f"## tipwatch {cmd}\n" in text
