"""Tests for ``dedup scan --deduplicated OUT [--drop RELATIONS]``, run in-process."""

from __future__ import annotations

import json

import pytest
from conftest import DIGEST, ORIGINAL
from test_deduplicated import jsonl_lines, known_corpus

from dedup.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "feed.jsonl"
    path.write_text("\n".join(jsonl_lines(known_corpus())) + "\n", encoding="utf-8")
    return path


def test_writes_the_kept_rows_and_a_summary_without_the_report(capsys, feed, tmp_path):
    out = tmp_path / "clean.jsonl"
    code, stdout, stderr = run(capsys, "scan", str(feed), "--deduplicated", str(out))
    assert code == 0 and stdout == ""
    assert (f"dedup: wrote {out} (jsonl rows of {feed}): 17 articles in, 12 kept, 5 dropped in 4 clusters "
            "(duplicate, copy)") in stderr
    assert "feed.jsonl:5: invalid JSON" in stderr  # the rows that are no article are said, and not written
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12 and {r["id"]: r["replaces"] for r in rows}["b0"] == ["b0dup", "b0copy"]


def test_the_report_too_when_asked(capsys, feed, tmp_path):
    out, report = tmp_path / "clean.jsonl", tmp_path / "report.json"
    code, stdout, stderr = run(capsys, "scan", str(feed), "--deduplicated", str(out), "-o", str(report),
                               "--drop", "duplicate,copy,partial,related")
    assert code == 0 and stdout == ""
    assert "17 articles in, 10 kept, 7 dropped in 6 clusters (duplicate, copy, partial, related)" in stderr
    assert len(json.loads(report.read_text(encoding="utf-8"))["articles"]) == 17
    code, stdout, _ = run(capsys, "scan", str(feed), "--deduplicated", str(out), "--format", "md")
    assert code == 0 and stdout.startswith("# dedup report")


def test_to_stdout(capsys, fixtures_dir):
    code, stdout, stderr = run(capsys, "scan", str(fixtures_dir), "--deduplicated", "-", "--drop", "derived")
    assert code == 0
    records = [json.loads(line) for line in stdout.splitlines()]
    assert len(records) == 4 and {r["id"]: r["replaces"] for r in records}[ORIGINAL] == [DIGEST]
    assert "dedup: wrote stdout (jsonl records): 5 articles in, 4 kept, 1 dropped in 1 cluster (derived)" in stderr


@pytest.mark.parametrize("argv, message", [
    (["--drop", "copy"], "--drop needs --deduplicated OUT"),
    (["--deduplicated", "o.jsonl", "--drop", "copy,clone"], "--drop: 'clone' is not a relation (one of duplicate,"),
    (["--deduplicated", "o.jsonl", "--drop", ","], "--drop: no relation named"),
    (["--deduplicated", "o.csv"], "--deduplicated o.csv: the output is jsonl (the input's format"),
    (["--deduplicated", "-", "--format", "json"], "--deduplicated - and the report both go to stdout"),
    (["--deduplicated", "same.json", "-o", "same.json"], "--deduplicated and -o name the same file: same.json"),
    (["--deduplicated", "o.jsonl", "--engine", "spark"], "--deduplicated needs the local engine"),
])
def test_usage_errors_before_scanning(capsys, fixtures_dir, argv, message):
    code, stdout, stderr = run(capsys, "scan", str(fixtures_dir), *argv)
    assert code == 2 and stdout == ""
    assert stderr.startswith(f"dedup: error: {message}")
    assert "warning" not in stderr  # refused before reading anything


def test_unwritable_and_refused_outputs(capsys, tmp_path):
    feed = tmp_path / "again.jsonl"
    feed.write_text('{"id": "a", "text": "Budget approved.", "replaces": []}\n', encoding="utf-8")
    code, _, stderr = run(capsys, "scan", str(feed), "--deduplicated", str(tmp_path / "out.jsonl"))
    assert code == 2
    assert f"dedup: error: {feed}:1: already has a 'replaces' field" in stderr and "nothing written to" in stderr
    assert not (tmp_path / "out.jsonl").exists()
    code, _, stderr = run(capsys, "scan", str(feed), "--deduplicated", str(tmp_path / "no" / "out.jsonl"))
    assert code == 2 and f"dedup: error: cannot write {tmp_path / 'no' / 'out.jsonl'}: No such file" in stderr
    assert "Traceback" not in stderr
