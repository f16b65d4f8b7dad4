"""`tipwatch watch`: the JSON Lines contract, through the command's own Typer app."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from tipwatch.cli import watch_cmd


@pytest.fixture()
def run(tmp_path):
    app = typer.Typer()
    watch_cmd.register(app)

    @app.command("noop", hidden=True)
    def _noop() -> None:  # a second command keeps Typer from collapsing to a single-command app
        """Not used."""

    terms = tmp_path / "terms.txt"
    terms.write_text(
        "# watchlist\nsex\n\nGolden Star Models\n@vip_girls_madrid\nработа за границей\n", "utf-8"
    )

    def invoke(stdin: str, *args: str):
        return CliRunner().invoke(app, ["watch", "--terms", str(terms), *args, "-"], input=stdin)

    return invoke


def test_one_line_per_record_in_order_with_fields_and_spans(run):
    records = [
        {"id": "a", "title": "Hot S.E.X", "body": "call G0lden-Star Models now"},
        {"id": "b", "username": "vip_girls_madrid"},
        {"id": "c", "name": "nothing here"},
        {"id": "d", "text": "Ищу работу за границей? работа за границeй"},
        {"id": "e", "channel": "newbornsecks", "room": "s e x"},
    ]
    res = run("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", "e"]
    for rec, o in zip(records, out, strict=True):
        for m in o["matches"]:
            assert set(m) == {"term", "matched", "start", "end", "field", "kind"}
            assert rec[m["field"]][m["start"] : m["end"]] == m["matched"]
    assert [(m["term"], m["field"]) for m in out[0]["matches"]] == [
        ("sex", "title"),
        ("Golden Star Models", "body"),
    ]
    assert out[1]["matches"][0]["term"] == "@vip_girls_madrid"
    assert out[2]["matches"] == []
    assert [(m["matched"], m["kind"]) for m in out[3]["matches"]] == [
        ("работу за границей", "fuzzy"),
        ("работа за границeй", "folded"),
    ]
    assert {(m["field"], m["term"]) for m in out[4]["matches"]} == {("channel", "sex"), ("room", "sex")}


def test_bad_lines_give_error_objects_in_place(run):
    res = run(
        '{"id": "a", "body": "s3x"}\n{not json\n[1]\n{"id": "z", "price": 3}\n\n{"id": "b", "body": "ok"}\n'
    )
    assert res.exit_code == 0
    out = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [o.get("id") for o in out] == ["a", None, None, "z", "b"]
    assert out[1]["error"]["code"] == "jsonl.bad_json" and out[1]["line"] == 2
    assert out[2]["error"]["code"] == "watch.not_object"
    assert out[3]["error"]["code"] == "watch.no_text"


def test_missing_or_empty_terms_file_is_a_clear_error(tmp_path):
    app = typer.Typer()
    watch_cmd.register(app)
    app.command("noop", hidden=True)(lambda: None)
    res = CliRunner().invoke(app, ["watch", "--terms", str(tmp_path / "nope.txt"), "-"], input="")
    assert res.exit_code == 2 and "terms file not found" in res.output
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n", "utf-8")
    res = CliRunner().invoke(app, ["watch", "--terms", str(empty), "-"], input="")
    assert res.exit_code == 2 and "holds no terms" in res.output
    bad = tmp_path / "bad.txt"
    bad.write_text("sex\n!!!\n", "utf-8")
    res = CliRunner().invoke(app, ["watch", "--terms", str(bad), "-"], input="")
    assert res.exit_code == 2 and "bad.txt:2" in res.output


def test_options_reach_the_matcher(run):
    assert json.loads(run('{"id": 1, "text": "secks"}\n').stdout.splitlines()[0])["matches"]
    assert (
        json.loads(run('{"id": 1, "text": "secks"}\n', "--no-phonetic").stdout.splitlines()[0])["matches"]
        == []
    )


def test_bench_runs_and_prints_a_markdown_table(tmp_path):
    proc = subprocess.run(
        [sys.executable, "bench/termmatch_bench.py", "--mb", "0.05", "--terms", "200"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "| construction time |" in proc.stdout and "MB/s" in proc.stdout and "Command:" in proc.stdout
