"""`tipwatch extract` keeps the contract: JSON Lines in and out, one result per line, same order."""

import json
import subprocess
import sys

import pytest

from tipwatch.engine.pipeline import extract_line, extract_lines, iter_lines


def run_cli(*args, stdin: bytes):
    return subprocess.run(
        [sys.executable, "-m", "tipwatch.cli", *args], input=stdin, capture_output=True, timeout=120
    )


def test_extract_keeps_order_and_reports_bad_lines_in_place():
    lines = [
        json.dumps({"id": "a", "body": "Call me at +1 929 272 7898 tonight"}),
        "{not json",
        json.dumps({"id": "b", "body": "nothing here"}),
        "",
        json.dumps([1, 2]),
        json.dumps({"id": "c", "body": "email jane@example.com"}),
    ]
    proc = run_cli("extract", "-", stdin=("\n".join(lines) + "\n").encode())
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", None, "c"]
    assert out[1]["error"]["code"] == "jsonl.bad_json" and out[1]["line"] == 2
    assert out[3]["error"]["code"] == "ad.not_object" and out[3]["line"] == 5
    assert all("entities" in o for o in (out[0], out[2], out[4]))
    assert b"could not be read" in proc.stderr


def test_extract_rejects_a_bad_region_clearly():
    proc = run_cli("extract", "--region", "USA", "-", stdin=b"")
    assert proc.returncode == 2
    assert b"ISO 3166" in proc.stderr


def test_extract_reports_a_missing_file():
    proc = run_cli("extract", "/nonexistent/ads.jsonl", stdin=b"")
    assert proc.returncode == 2 and b"not found" in proc.stderr


def test_invalid_utf8_is_repaired_not_fatal():
    out = extract_line(b'{"id": "u", "body": "caf\xe9 \xff"}', 1)
    assert out["id"] == "u" and "entities" in out


def test_overlong_line_is_consumed_in_bounded_chunks(tmp_path):
    p = tmp_path / "big.jsonl"
    with p.open("wb") as f:
        f.write(b'{"id": "x", "body": "' + b"a" * (3 * 1024 * 1024) + b'"}\n')
        f.write(b'{"id": "y", "body": "ok"}\n')
    with p.open("rb") as f:
        lines = list(iter_lines(f, limit=1024 * 1024))
    assert len(lines) == 2
    assert extract_line(lines[0], 1)["error"]["code"] == "jsonl.too_long"
    assert extract_line(lines[1], 2)["id"] == "y"


@pytest.mark.parametrize("workers", [1, 2])
def test_parallel_extraction_keeps_input_order(workers):
    lines = [json.dumps({"id": str(i), "body": f"ad number {i}"}).encode() for i in range(300)]
    ids = [json.loads(o)["id"] for o in extract_lines(lines, workers=workers, chunksize=7)]
    assert ids == [str(i) for i in range(300)]


def test_output_to_a_device_writes_in_place_and_keeps_the_device(tmp_path):
    import os
    import stat

    from tipwatch.cli._common import open_output

    with open_output(os.devnull) as fp:
        fp.write(b"x")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    target = tmp_path / "out.jsonl"
    with open_output(str(target)) as fp:
        fp.write(b"{}\n")
        assert not target.exists()  # written under NAME.part until complete
    assert target.read_bytes() == b"{}\n"
