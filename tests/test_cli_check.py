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
    assert "checked 1 new article against 2 published articles in " in err and "one another" not in err
    assert "1 of them matches published articles (1 derived) at --fail-on derived or above" in err
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
    calls = tmp_path / "calls"  # one line per run of dedup
    (venv / "dedup").write_text(f"#!/bin/sh\necho \"$*\" >> {calls}\n"
                                f"PYTHONPATH={REPO} exec {sys.executable} -m dedup.cli \"$@\"\n")
    (venv / "dedup").chmod(0o755)
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path / "runner"), "DEDUP_ACTION_PATH": str(REPO),
           "DEDUP_PATHS": f"{fixtures_dir / DIGEST}\n{fixtures_dir / WITH_ADS}", "DEDUP_AGAINST": str(index),
           "DEDUP_FAIL_ON": "derived", "DEDUP_FORMAT": "github", "DEDUP_OUTPUT": str(tmp_path / "out.sarif"),
           "DEDUP_PYTHON": sys.executable}
    done = subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=") and DIGEST in done.stdout
    assert json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    assert len(calls.read_text().splitlines()) == 1  # the annotations and the SARIF file from one run
    assert f"wrote {tmp_path / 'out.sarif'} (sarif)" in done.stderr
    env.update(DEDUP_PATHS=str(fixtures_dir / WITH_ADS), DEDUP_OUTPUT=str(tmp_path / "out.json"))
    assert subprocess.run(["bash", "-c", step["run"]], env=env, capture_output=True, timeout=300).returncode == 0
    assert json.loads((tmp_path / "out.json").read_text())["found"] == 0 and len(calls.read_text().splitlines()) == 2
    # empty against and fail-on: the repository's [tool.dedup] settings decide (copy: the digest passes)
    (tmp_path / "pyproject.toml").write_text(f'[tool.dedup]\nagainst = "{index}"\nfail-on = "copy"\n')
    env.update(DEDUP_PATHS=str(fixtures_dir / DIGEST), DEDUP_AGAINST="", DEDUP_FAIL_ON="", DEDUP_OUTPUT="")
    done = subprocess.run(["bash", "-c", step["run"]], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0 and f"published articles in {index}" in done.stderr, done.stderr
    assert "--fail-on copy" in done.stderr and calls.read_text().splitlines()[-1].endswith("--format=github")


# --- new articles among themselves, the published count, --output ----------------------------

def cli(*argv, cwd: Path) -> subprocess.CompletedProcess:
    """The real command line, in a process of its own."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "dedup.cli", *map(str, argv)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def copies(tmp_path, fixtures_dir) -> Path:
    """A repository whose articles/ holds a.txt (the SCMP original) and b.txt, a copy of it, and an
    empty published/."""
    repo = tmp_path / "repo"
    (repo / "articles").mkdir(parents=True)
    (repo / "published").mkdir()
    shutil.copy(fixtures_dir / ORIGINAL, repo / "articles" / "a.txt")
    shutil.copy(fixtures_dir / ORIGINAL, repo / "articles" / "b.txt")
    return repo


def test_new_copies_of_one_another_fail_against_an_empty_directory(copies):
    done = cli("check", "articles/a.txt", "articles/b.txt", "--against", "published", "--format", "json", cwd=copies)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert (data["checked"], data["published"], data["found"]) == (2, 0, 1)
    (f,) = data["findings"]
    assert (f["path"], f["among"], f["matched_path"]) == ("articles/b.txt", "new", "articles/a.txt")
    assert (f["a"], f["b"], f["source"], f["relation"]) == ("a.txt", "b.txt", "a.txt", "duplicate")
    assert ("dedup: checked 2 new articles against 0 published articles in published and against one another: "
            "1 of them matches other new articles (1 duplicate) at --fail-on derived or above") in done.stderr


def test_all_files_new_as_pre_commit_run_all_files_gives_them(capsys, copies, monkeypatch):
    """Every file given as new and --against their own folder: 0 published, the copy still found."""
    monkeypatch.chdir(copies)
    code, out, err = run(capsys, "check", "articles/a.txt", "articles/b.txt", "--against", "articles")
    assert code == 1 and "0 published articles in articles and against one another" in err
    (row,) = [line for line in out.splitlines() if line.startswith("articles/")]
    first = (copies / "articles" / "b.txt").read_text().splitlines().index(
        "In Vietnam, a 'shared destiny' and the US are likely to be high on Xi Jinping's agenda")  # after the ticker
    assert row.split()[:5] == [f"articles/b.txt:{first + 1}", "duplicate", "articles/a.txt", "new", "a.txt"]
    code, out, _ = run(capsys, "check", "articles", "--against", "published", "--format", "github")
    (line,) = out.splitlines()
    assert line.startswith(f"::error file=articles/b.txt,line={first + 1},") and "title=dedup%3A duplicate::" in line
    assert line.endswith("b.txt is a duplicate of a.txt (source: a.txt; cosine 1.00; 100%25 of b.txt in passages "
                         "shared with it), another new article (articles/a.txt)")
    assert run(capsys, "check", "articles/b.txt", "--against", "articles")[0] == 1  # a.txt published there


def test_a_new_article_matching_published_and_new_ones_gets_both(capsys, copies, monkeypatch, fixtures_dir):
    monkeypatch.chdir(copies)
    shutil.copy(fixtures_dir / ORIGINAL, copies / "published" / "original.txt")
    shutil.copy(fixtures_dir / DIGEST, copies / "articles" / "digest.txt")
    code, out, err = run(capsys, "check", "articles", "--against", "published", "--format", "json")
    assert code == 1 and json.loads(out)["published"] == 1
    found = [(f["path"], f["relation"], f["among"], f["matched_path"] or f["a"]) for f in json.loads(out)["findings"]]
    assert found == [("articles/a.txt", "duplicate", "published", "original.txt"),
                     ("articles/b.txt", "duplicate", "published", "original.txt"),
                     ("articles/b.txt", "duplicate", "new", "articles/a.txt"),
                     ("articles/digest.txt", "derived", "published", "original.txt"),
                     ("articles/digest.txt", "derived", "new", "articles/a.txt"),
                     ("articles/digest.txt", "derived", "new", "articles/b.txt")]
    assert ("against 1 published article in published and against one another: 3 of them match published articles "
            "(2 duplicate, 1 derived) and 2 match other new articles (1 duplicate, 2 derived) at --fail-on") in err


def test_an_empty_directory_says_0_published_articles(copies):
    done = cli("check", "articles/a.txt", "--against", "published", cwd=copies)
    assert done.returncode == 0 and "no article copies or rewrites" in done.stdout
    assert done.stderr == ("dedup: checked 1 new article against 0 published articles in published: "
                           "nothing at --fail-on derived or above\n")


def test_output_writes_a_second_format_from_the_same_run(capsys, tmp_path, index, fixtures_dir):
    sarif, found = tmp_path / "out.sarif", tmp_path / "found.json"
    code, out, err = run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "--format", "github",
                         "--output", sarif)
    assert code == 1 and out.startswith("::error file=") and f"dedup: wrote {sarif} (sarif)" in err
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "derived"
    code, out, _ = run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "-o", found)
    assert code == 1 and "derived" in out and json.loads(found.read_text())["findings"][0]["relation"] == "derived"
    code, _, err = run(capsys, "check", fixtures_dir / DIGEST, "--against", index, "-o", tmp_path / "no" / "x.sarif")
    assert code == 2 and err.splitlines()[-1].startswith(f"dedup: error: cannot write {tmp_path / 'no' / 'x.sarif'}: ")
