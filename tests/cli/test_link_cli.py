"""`tipwatch link` keeps the contract: one line per ad, same order, operations and explained links."""

import json
import subprocess
import sys

import typer

from tipwatch.cli import link_cmd

_RUN = (
    "import typer, sys\n"
    "from tipwatch.cli import link_cmd\n"
    "app = typer.Typer()\n"
    "app.callback()(lambda: None)\n"
    "link_cmd.register(app)\n"
    "app()\n"
)


def run_link(*args, stdin: bytes = b""):
    # Runs the command through its own register(app), whether or not the lead wired it yet.
    return subprocess.run(
        [sys.executable, "-c", _RUN, "link", *args], input=stdin, capture_output=True, timeout=120
    )


ADS = [
    {"id": "a1", "body": "Hi gentlemen, new in town. Call (213) 268-2856 now", "country": "US"},
    {"id": "b1", "body": "Selling my bike, 80 dollars, mail bike.seller@example.com"},
    {"id": "a2", "body": "Sweet girl, outcall only, text (213) 268-2856 or kik: rosie_luv"},
    {"id": "a3", "body": "Rosie here, message kik: rosie_luv", "country": "US"},
]


def test_link_contract_shape_order_and_singletons(tmp_path):
    src = tmp_path / "ads.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in ADS) + "\n\n{broken\n")
    out = tmp_path / "links.jsonl"
    proc = run_link(str(src), "--out", str(out), "--explain", "--workers", "1")  # duckdb, the default
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    mem = run_link(str(src), "--engine", "memory")
    assert mem.returncode == 0, mem.stderr.decode()
    mem_rows = [json.loads(line) for line in mem.stdout.decode().splitlines()]
    assert [(r["id"], r.get("operation"), r.get("links")) for r in mem_rows] == [
        (r["id"], r.get("operation"), r.get("links")) for r in rows
    ]
    assert [r["id"] for r in rows] == ["a1", "b1", "a2", "a3", None]
    assert rows[-1]["error"]["code"] == "jsonl.bad_json" and rows[-1]["line"] == 6
    a1, b1, a2, a3 = rows[:4]
    assert a1["operation"] == a2["operation"] == a3["operation"] != b1["operation"]
    assert a1["operation"].startswith("op-") and b1["operation"].startswith("op-")
    assert "links" not in b1 and b1["template"].startswith("tpl-")
    assert a1["links"] == [{"id": "a2", "via": ["phone:+12132682856"]}]
    assert {link["id"] for link in a2["links"]} == {"a1", "a3"}


def test_link_reads_stdin_and_gives_each_unlinked_ad_its_own_operation():
    lines = "\n".join(json.dumps({"id": f"x{i}", "body": f"lonely ad number {i}"}) for i in range(3))
    proc = run_link("-", stdin=lines.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["x0", "x1", "x2"]
    assert len({r["operation"] for r in rows}) == 3


def test_an_unknown_engine_or_bad_workers_exit_2_with_a_clear_message():
    proc = run_link("--workers", "-1", "-", stdin=b"")
    assert proc.returncode == 2 and b"--workers" in proc.stderr
    proc = run_link("--engine", "oracle", "-", stdin=b"")
    assert proc.returncode == 2 and b"duckdb, spark" in proc.stderr


def test_register_adds_the_command():
    app = typer.Typer()
    link_cmd.register(app)
    assert [c.name for c in app.registered_commands] == ["link"]
