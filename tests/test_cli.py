"""Tests for dedup.cli, run in-process: outputs, formats, exit codes and bad input."""

from __future__ import annotations

import json

import pytest
from conftest import DIGEST, ORIGINAL

from dedup.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- the seed fixtures ------------------------------------------------------------------

def test_scan_prints_story_table(capsys, fixtures_dir):
    code, out, err = run(capsys, "scan", str(fixtures_dir))
    assert code == 0
    assert out.startswith("dedup: 5 articles")
    assert "STORIES" in out and "PAIRS" in out
    stories = out[out.index("STORIES"): out.index("PAIRS")]
    assert ORIGINAL in stories and DIGEST in stories and "derived" in stories
    assert "Traceback" not in err


def test_output_json_file(capsys, fixtures_dir, tmp_path):
    target = tmp_path / "out.json"
    code, out, err = run(capsys, "scan", str(fixtures_dir), "-o", str(target))
    assert code == 0
    assert out == ""
    assert str(target) in err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data["articles"]) == 5
    assert any(p["relation"] == "derived" and {p["a"], p["b"]} == {DIGEST, ORIGINAL} for p in data["pairs"])


def test_output_markdown_file(capsys, fixtures_dir, tmp_path):
    target = tmp_path / "out.md"
    code, out, _ = run(capsys, "scan", str(fixtures_dir), "--output", str(target))
    assert code == 0 and out == ""
    md = target.read_text(encoding="utf-8")
    assert md.startswith("# dedup report")
    assert md.index("## Stories") < md.index("## Evidence")


def test_output_txt_file_is_table(capsys, fixtures_dir, tmp_path):
    target = tmp_path / "out.txt"
    assert run(capsys, "scan", str(fixtures_dir), "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("dedup: 5 articles")


def test_format_json_to_stdout(capsys, fixtures_dir):
    code, out, _ = run(capsys, "scan", "--format", "json", str(fixtures_dir))
    assert code == 0
    data = json.loads(out)
    assert [a["id"] for a in data["articles"]] == sorted(p.name for p in fixtures_dir.iterdir())


def test_format_overrides_extension(capsys, fixtures_dir, tmp_path):
    target = tmp_path / "out.md"
    assert run(capsys, "scan", str(fixtures_dir), "-o", str(target), "--format", "json")[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["articles"]


def test_unknown_extension_defaults_to_table(capsys, fixtures_dir, tmp_path):
    target = tmp_path / "report.out"
    assert run(capsys, "scan", str(fixtures_dir), "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("dedup: ")


def test_unwritable_output(capsys, fixtures_dir, tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    code, _, err = run(capsys, "scan", str(fixtures_dir), "-o", str(target))
    assert code == 2
    assert "cannot write" in err and str(target) in err
    assert "Traceback" not in err


# --- bad input ------------------------------------------------------------------------------

STORY = ("The council approved the new budget on Monday after a long debate about schools. "
         "Members said the plan would fund two new libraries and repair old roads. "
         "The mayor thanked residents for their patience during the process.")


def test_bad_input_reported_good_input_scanned(capsys, tmp_path, maker):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(STORY, encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00\xff" * 50)
    (d / "empty.txt").write_bytes(b"")
    (d / "latin.txt").write_bytes(("Caf\xe9 owners in the old town said " + maker.paragraph(2)).encode("latin-1"))
    rows = [json.dumps({"id": "row1", "text": maker.article(2)}), '{"id": "row2", "text": "broken',
            json.dumps({"id": "row3", "text": maker.article(2)})]
    (d / "rows.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "scan", "--format", "json", str(d))
    assert code == 0
    assert "Traceback" not in err
    assert str(d / "binary.txt") in err
    assert str(d / "empty.txt") in err
    assert f"{d / 'rows.jsonl'}:2" in err
    assert f"{d / 'latin.txt'}:1: not valid UTF-8; read as cp1252" in err  # read, with a warning
    assert "3 input(s) could not be read" in err
    data = json.loads(out)
    ids = {a["id"] for a in data["articles"]}
    assert ids == {"good.txt", "latin.txt", "row1", "row3"}
    problems = {(p["path"], p["line"], p["level"]) for p in data["problems"]}
    assert problems == {(str(d / "binary.txt"), None, "error"), (str(d / "empty.txt"), None, "error"),
                        (str(d / "rows.jsonl"), 2, "error"), (str(d / "latin.txt"), 1, "warning")}


def test_bad_input_listed_in_table_report(capsys, tmp_path):
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "scan", str(tmp_path))
    assert code == 0
    assert "empty.txt" in out and "empty.txt" in err


def test_missing_path_named_next_to_good_input(capsys, tmp_path):
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    missing = tmp_path / "nope.txt"
    code, out, err = run(capsys, "scan", str(tmp_path / "good.txt"), str(missing))
    assert code == 0
    assert str(missing) in err and "no such file" in err
    assert "Traceback" not in err


def test_only_an_empty_file(capsys, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "scan", str(tmp_path))
    assert code == 2
    assert "no article could be read" in err and str(tmp_path) in err
    assert out == ""


def test_missing_path_only(capsys, tmp_path):
    missing = tmp_path / "nope"
    code, out, err = run(capsys, "scan", str(missing))
    assert code == 2
    assert str(missing) in err and "no such file" in err


def test_articles_without_content(capsys, tmp_path):
    (tmp_path / "a.txt").write_text("Leave a Reply\nView all\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("It is what it is.\n", encoding="utf-8")
    code, _, err = run(capsys, "scan", str(tmp_path))
    assert code == 0 and "Traceback" not in err


# --- usage ---------------------------------------------------------------------------------

def test_unknown_option(capsys, fixtures_dir):
    code, out, err = run(capsys, "scan", "--no-such-option", str(fixtures_dir))
    assert code == 2
    assert "--no-such-option" in err and "usage" in err.lower()
    assert out == ""


@pytest.mark.parametrize("argv", [[], ["scan"], ["frobnicate"], ["scan", "--format", "xml", "x"]])
def test_usage_errors(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "usage" in err.lower()


def test_version_and_help(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("dedup ")
    code, out, _ = run(capsys, "scan", "--help")
    assert code == 0 and "--format" in out and "PATH" in out
