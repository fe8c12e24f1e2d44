"""Tests for dedup.cli.config ([tool.dedup] in pyproject.toml) and -q/--quiet, through the CLI
run in-process in a temporary project (its own .git, so no pyproject.toml above it is read)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DIGEST, INDEPENDENT, ORIGINAL

from dedup.cli import main
from dedup.cli.config import Config, load


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, fixtures_dir, monkeypatch) -> Path:
    """A git repository (its .git a bare folder) with published/ (the SCMP original and an
    independent report) and articles/digest.txt (a rewrite of the original); the current folder."""
    (tmp_path / ".git").mkdir()
    for folder, names in (("published", (ORIGINAL, INDEPENDENT)), ("articles", (DIGEST,))):
        (tmp_path / folder).mkdir()
        for name in names:
            shutil.copy(fixtures_dir / name, tmp_path / folder / ("digest.txt" if name == DIGEST else name))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(root: Path, text: str) -> None:
    (root / "pyproject.toml").write_text(text, encoding="utf-8")


def test_check_takes_its_settings_from_pyproject(capsys, project):
    settings(project, '[tool.dedup]\nagainst = "published/"\n')
    code, out, err = run(capsys, "check", "articles/digest.txt")
    assert code == 1 and "articles/digest.txt:" in out and "derived" in out
    assert "published articles in published/: 1 of them matches" in err


def test_flags_override_pyproject(capsys, project):
    settings(project, '[tool.dedup]\nagainst = "nowhere.db"\nfail-on = "related"\n'
                      '[tool.dedup.check]\nformat = "json"\nfail-on = "copy"\n')
    code, out, _ = run(capsys, "check", "articles/digest.txt", "--against", "published")
    assert code == 0 and json.loads(out)["fail_on"] == "copy"  # the command's table wins over the top
    code, out, _ = run(capsys, "check", "articles/digest.txt", "--against", "published", "--fail-on", "derived",
                       "--format", "table")
    assert code == 1 and out.startswith("new article")


def test_found_from_a_subfolder_paths_relative_to_the_file(capsys, project, monkeypatch):
    settings(project, '[tool.dedup]\nagainst = "published/"\narticles = ["articles/"]\n')
    (project / "sub").mkdir()
    (project / "sub" / "pyproject.toml").write_text('[project]\nname = "other"\n')  # no [tool.dedup]: passed over
    config = load(str(project / "sub"))
    assert config.path == str(project / "pyproject.toml")
    (project / "articles" / "deep").mkdir()
    shutil.move(project / "articles" / "digest.txt", project / "articles" / "deep" / "digest.txt")
    monkeypatch.chdir(project / "articles")
    code, out, err = run(capsys, "check", "deep/digest.txt")
    assert code == 1 and "deep/digest.txt:" in out and f"published articles in {project / 'published/'}" in err


def test_search_stops_at_the_git_root(tmp_path, monkeypatch):
    settings(tmp_path, '[tool.dedup]\nfail-on = "copy"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert load(str(repo)) == Config()
    assert load(str(tmp_path)).defaults("check") == {"fail_on": "copy"}


@pytest.mark.parametrize("text, says", [
    ('[tool.dedup]\nfail-on = "maybe"\n', ':2: [tool.dedup] fail-on = "maybe": must be one of copy, partial, derived'),
    ('[tool.dedup]\nagainst = "p/"\nbogus = 1\n', ":3: [tool.dedup] bogus: unknown key (keys here: against, articles"),
    ('[tool.dedup]\nrelated-cosine = 0.5\n', ":2: [tool.dedup] related-cosine: detection thresholds are not settable"),
    ('[tool.dedup.check]\nthreshold = 0.9\n', ":2: [tool.dedup.check] threshold: detection thresholds are not settable"),
    ('[tool.dedup]\nformat = "json"\n', ":2: [tool.dedup] format: the formats differ by command: set format under "
                                        "[tool.dedup.scan] or [tool.dedup.check]"),
    ('[tool.dedup.scan]\nformat = "sarif"\n', ':2: [tool.dedup.scan] format = "sarif": must be one of table, md'),
    ('[tool.dedup]\narticles = "articles/"\n', ':2: [tool.dedup] articles = "articles/": must be a list of folders'),
    ('[tool.dedup]\nmax-article-mb = true\n', ":2: [tool.dedup] max-article-mb = true: must be a number of megabytes"),
    ('[tool.dedup]\nfollow-links = "yes"\n', ':2: [tool.dedup] follow-links = "yes": must be true or false'),
    ('[tool.dedup.index]\nagainst = "x"\n', ":1: [tool.dedup.index]: unknown table (tables: [tool.dedup.scan], "),
    ('[tool.dedup]\nagainst = \n', ":2: not valid TOML: "),
    ("[tool.dedup]\nx = " + "[" * 100_000 + "]" * 100_000 + "\n",  # was a RecursionError traceback
     ": not valid TOML: arrays or tables nested too deeply"),
    ("[tool.dedup]\nx = " + "{a=" * 100_000 + "}" * 100_000 + "\n", ": not valid TOML: arrays or tables nested"),
])
def test_bad_settings_are_one_line_naming_file_line_and_key(capsys, project, text, says):
    settings(project, text)
    for argv in (("check", "articles/digest.txt", "--against", "published"), ("scan", "articles"), ("--version",)):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert err == f"dedup: error: {project / 'pyproject.toml'}{says}" + err.split(says, 1)[1]
        assert err.count("\n") == 1 and "Traceback" not in err


def test_scan_format_after_the_flag_and_the_output_extension(capsys, project):
    settings(project, '[tool.dedup.scan]\nformat = "json"\n')
    code, out, _ = run(capsys, "scan", "published")
    assert code == 0 and json.loads(out)["articles"]
    code, out, _ = run(capsys, "scan", "published", "--format", "md")
    assert code == 0 and out.startswith("#")
    code, _, _ = run(capsys, "scan", "published", "-o", "report.md")
    assert code == 0 and (project / "report.md").read_text(encoding="utf-8").startswith("#")


def test_input_limits_from_pyproject_and_the_flags_that_override_them(capsys, project):
    settings(project, '[tool.dedup]\nmax-article-mb = 0.001\nfollow-links = true\n')
    code, _, err = run(capsys, "scan", "published")
    assert code == 2 and "over the 1.02 kB limit (--max-article-mb)" in err
    assert run(capsys, "scan", "published", "--max-article-mb", "1")[0] == 0
    (project / "outside").mkdir()
    (project / "outside" / "x.txt").write_text("A story told once, outside the folder, in plain words. " * 4)
    (project / "published" / "link").symlink_to(project / "outside")
    code, out, err = run(capsys, "scan", "published", "--max-article-mb", "1", "--format", "json")
    assert code == 0 and any(a["id"].endswith("x.txt") for a in json.loads(out)["articles"])
    code, out, err = run(capsys, "scan", "published", "--max-article-mb", "1", "--format", "json",
                         "--no-follow-links")
    assert code == 0 and "not followed" in err and not any(a["id"].endswith("x.txt")
                                                            for a in json.loads(out)["articles"])


def test_quiet_leaves_only_errors_on_stderr(capsys, project):
    settings(project, '[tool.dedup]\nagainst = "published/"\n')
    (project / "articles" / "latin1.txt").write_bytes("Caf\xe9 owners said the new rules hurt trade. ".encode("cp1252") * 5)
    (project / "articles" / "binary.txt").write_bytes(b"\x00\x01")
    code, out, err = run(capsys, "check", "articles")
    assert code == 1 and "warning: articles/latin1.txt" in err and "checked 2 new articles" in err
    code, quiet_out, err = run(capsys, "check", "articles", "-q")
    assert code == 1 and quiet_out == out
    assert err.splitlines() == ["dedup: warning: articles/binary.txt: binary file, not text (skipped)"]
    code, out, err = run(capsys, "scan", "articles", "-o", "r.json", "--quiet", "--progress")
    assert code == 0 and out == "" and err.count("\n") == 1 and "binary.txt" in err
    code, _, err = run(capsys, "index", "add", "idx.db", "published", "-q")
    assert code == 0 and err == ""
    code, _, err = run(capsys, "check", "nope.txt", "-q")
    assert code == 2 and "no such file" in err and "no new article could be read" in err
