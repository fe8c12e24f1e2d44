"""Tests for `dedup check` and `dedup index ...`, run in-process (outputs and exit codes), and
for the pre-commit hook and the composite action that wrap them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DIGEST, INDEPENDENT, ORIGINAL, WITH_ADS

from dedup.cli import main

REPO = Path(__file__).resolve().parent.parent


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def published(tmp_path, fixtures_dir) -> Path:
    """A folder of published articles: the SCMP original and an independent report."""
    folder = tmp_path / "published"
    folder.mkdir()
    for name in (ORIGINAL, INDEPENDENT):
        shutil.copy(fixtures_dir / name, folder / name)
    return folder


@pytest.fixture
def index(tmp_path, published, capsys) -> Path:
    path = tmp_path / "published.db"
    code, out, err = run(capsys, "index", "add", path, published, "--no-progress")
    assert code == 0 and out == "" and "+2 articles (2 in all)" in err
    return path


def test_check_finds_the_digest(capsys, index, fixtures_dir):
    code, out, err = run(capsys, "check", fixtures_dir / DIGEST, "--against", index)
    assert code == 1
    assert f"{fixtures_dir / DIGEST}:" in out and "derived" in out and ORIGINAL in out
    assert "1 of them matches published articles at --fail-on derived or above (1 derived)" in err
    assert "1 weaker match not listed (1 related)" in err and "Traceback" not in err


def test_check_clean_exits_0(capsys, index, fixtures_dir):
    code, out, err = run(capsys, "check", fixtures_dir / WITH_ADS, "--against", index)
    assert code == 0 and "no article copies or rewrites" in out
    assert "nothing at --fail-on derived or above" in err
    code, out, _ = run(capsys, "check", fixtures_dir / WITH_ADS, "--against", index, "--fail-on", "related")
    assert code == 1 and "related" in out


def test_fail_on_levels(capsys, tmp_path, index, fixtures_dir):
    copy = tmp_path / "copy.txt"
    copy.write_text((fixtures_dir / ORIGINAL).read_text(encoding="utf-8") + "\nShare this story\n", encoding="utf-8")
    assert run(capsys, "check", copy, "--against", index, "--fail-on", "copy")[0] == 1
    assert run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "--fail-on", "copy")[0] == 0
    assert run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "--fail-on", "partial")[0] == 0


def test_check_against_a_directory_leaves_out_the_new_files(capsys, published, fixtures_dir):
    shutil.copy(fixtures_dir / DIGEST, published / DIGEST)
    code, out, err = run(capsys, "check", published / DIGEST, "--against", published, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["checked"] == 1 and data["found"] == 1 and data["fail_on"] == "derived"
    (f,) = data["findings"]
    assert (f["a"], f["b"], f["relation"], f["source"]) == (ORIGINAL, DIGEST, "derived", ORIGINAL)
    assert f["path"] == str(published / DIGEST) and f["evidence"]  # not compared with itself


def test_sarif(capsys, index, fixtures_dir):
    code, out, _ = run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "--format", "sarif")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    run_ = sarif["runs"][0]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} == {"duplicate", "copy", "partial", "derived", "related"}
    (result,) = run_["results"]
    assert result["ruleId"] == "derived" and result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith(DIGEST) and loc["region"]["startLine"] >= 1
    assert ORIGINAL in result["message"]["text"]


def test_github_annotations(capsys, index, fixtures_dir):
    code, out, _ = run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "--format", "github")
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith(f"::error file={fixtures_dir / DIGEST},line=") and "title=dedup%3A derived::" in line
    assert "%25 of" in line  # '%' escaped as GitHub reads it


def test_usage_and_unreadable(capsys, tmp_path, index, fixtures_dir):
    assert run(capsys, "check", fixtures_dir / DIGEST)[0] == 2  # --against missing
    code, _, err = run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "--fail-on", "maybe")
    assert code == 2 and "invalid choice" in err
    code, _, err = run(capsys, "check", tmp_path / "nope.txt", "--against", index)
    assert code == 2 and "no such file" in err and "no new article could be read" in err
    code, _, err = run(capsys, "check", fixtures_dir / DIGEST, "--against", tmp_path / "absent.db")
    assert code == 2 and "no dedup index at" in err and not (tmp_path / "absent.db").exists()


def test_not_an_index_or_damaged_is_one_line_exit_2(capsys, tmp_path, index, fixtures_dir):
    notes = tmp_path / "notes.db"
    notes.write_text("not an index")
    for argv in (("check", fixtures_dir / DIGEST, "--against", notes), ("index", "stats", notes),
                 ("index", "add", notes, fixtures_dir / DIGEST)):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert err.startswith(f"dedup: error: {notes} is not a dedup index") and "Traceback" not in err
    data = bytearray(index.read_bytes())
    data[4096:] = b"\x5a" * (len(data) - 4096)
    index.write_bytes(bytes(data))
    for p in (Path(f"{index}-wal"), Path(f"{index}-shm")):
        p.unlink(missing_ok=True)
    code, out, err = run(capsys, "index", "stats", index)
    assert code == 2 and "is not a dedup index or is damaged" in err and "rebuild it with" in err
    assert "Traceback" not in err


def test_index_add_skips_existing_and_reports(capsys, tmp_path, index, published, fixtures_dir):
    code, _, err = run(capsys, "index", "add", index, published, fixtures_dir / DIGEST, "--no-progress")
    assert code == 0 and "+1 articles (3 in all); 2 already there, skipped" in err and "1 derived" in err
    code, out, _ = run(capsys, "index", "stats", index, "--format", "json")
    stats = json.loads(out)
    assert code == 0 and stats["articles"] == 3 and stats["params"]["doc_num_perm"] == 128
    code, out, _ = run(capsys, "index", "stats", index)
    assert code == 0 and "postings_sentence" in out
    code, out, _ = run(capsys, "index", "report", index, "--format", "json")
    assert code == 0 and any(p["relation"] == "derived" for p in json.loads(out)["pairs"])


def test_help_documents_exit_codes(capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert "0  no new article matches" in out and "1  at least one does" in out and "2  usage error" in out


def test_pre_commit_hook():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "dedup-check" and hook["require_serial"] is True
    assert hook["entry"].startswith("dedup check") and hook["language"] == "python"


def test_action_passes_inputs_through_env(tmp_path, index, fixtures_dir):
    """The composite action's script, run with bash as GitHub would (its venv stubbed with this dedup)."""
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    (step,) = action["runs"]["steps"]
    assert "${{" not in step["run"]  # inputs reach the script only through env:
    venv = tmp_path / "runner" / "dedup-venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "dedup").write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m dedup.cli \"$@\"\n")
    (venv / "dedup").chmod(0o755)
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path / "runner"), "DEDUP_ACTION_PATH": str(REPO),
           "DEDUP_PATHS": f"{fixtures_dir / DIGEST}\n{fixtures_dir / WITH_ADS}", "DEDUP_AGAINST": str(index),
           "DEDUP_FAIL_ON": "derived", "DEDUP_FORMAT": "github", "DEDUP_OUTPUT": str(tmp_path / "out.sarif"),
           "DEDUP_PYTHON": sys.executable}
    done = subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=") and DIGEST in done.stdout
    assert json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    env["DEDUP_PATHS"] = str(fixtures_dir / WITH_ADS)
    assert subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, timeout=300).returncode == 0
