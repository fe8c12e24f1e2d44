"""Tests for dedup.cli.articles: `dedup check` keeps the paths under the article folders named
(--articles or [tool.dedup] articles), says how many it left out, and needs --against."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import DIGEST, INDEPENDENT, ORIGINAL

from dedup.cli import main
from dedup.cli.articles import split_paths, under


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, fixtures_dir, monkeypatch):
    """published/ (the SCMP original, an independent report), articles/digest.txt (a rewrite of
    the original), a package.json; the current folder, a git root ([tool.dedup] set by each test)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "published").mkdir()
    (tmp_path / "articles").mkdir()
    for name in (ORIGINAL, INDEPENDENT):
        shutil.copy(fixtures_dir / name, tmp_path / "published" / name)
    shutil.copy(fixtures_dir / DIGEST, tmp_path / "articles" / "digest.txt")
    (tmp_path / "package.json").write_text('{"name": "site", "version": "1.0.0"}\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_under_folders_and_globs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert under("articles/a.md", ["articles/"]) and under("./articles/x/y/z.txt", ["articles"])
    assert not under("articles-old/a.md", ["articles/"]) and not under("a.md", ["articles/"])
    assert under(str(tmp_path / "articles" / "a.md"), ["articles/"])  # absolute and relative alike
    assert under("news/bbc/text/1.txt", ["news/*/text"]) and not under("news/bbc/1.txt", ["news/*/text"])
    assert under("anything.csv", ["."]) and under("-", ["articles/"])
    assert split_paths(["b/1.txt", "a/2.txt", "c.txt"], ["a", "b"]) == (["b/1.txt", "a/2.txt"], ["c.txt"])


def test_under_a_folder_whose_name_holds_glob_characters(tmp_path, monkeypatch):
    folder = tmp_path / "[draft] *"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert under("articles/a.md", ["articles/"]) and not under("other/a.md", ["articles/"])


def test_files_not_under_the_article_folders_are_left_out_and_counted(capsys, project):
    (project / "pyproject.toml").write_text('[tool.dedup]\nagainst = "published/"\narticles = ["articles/"]\n')
    code, out, err = run(capsys, "check", "articles/digest.txt", "package.json", "published/" + ORIGINAL)
    assert code == 1 and "articles/digest.txt:" in out
    assert "dedup: 2 files left out: not under the article folders (articles/)" in err
    assert "checked 1 new article" in err and "package.json" not in out


def test_nothing_under_the_article_folders_passes_with_a_valid_empty_output(capsys, project):
    (project / "pyproject.toml").write_text('[tool.dedup]\nagainst = "published/"\narticles = ["articles/"]\n')
    code, out, err = run(capsys, "check", "package.json", "--format", "json")
    assert code == 0 and json.loads(out) == {"against": "published/", "fail_on": "derived", "checked": 0,
                                             "published": None, "found": 0, "findings": []}
    assert err == "dedup: nothing to check: the 1 file given is not under the article folders (articles/)\n"
    code, out, err = run(capsys, "check", "package.json", "-q", "--format", "sarif", "-o", "found.sarif")
    assert code == 0 and json.loads(out)["runs"][0]["results"] == [] and err == ""
    assert json.loads((project / "found.sarif").read_text())["runs"][0]["results"] == []  # a file to upload, still


def test_the_articles_flag_replaces_the_setting(capsys, project):
    (project / "pyproject.toml").write_text('[tool.dedup]\nagainst = "published/"\narticles = ["elsewhere/"]\n')
    code, _, err = run(capsys, "check", "articles/digest.txt")
    assert code == 0 and "nothing to check" in err
    code, _, err = run(capsys, "check", "articles/digest.txt", "package.json", "--articles", "x", "--articles", "articles")
    assert code == 1 and "1 file left out: not under the article folders (x, articles)" in err


def test_no_article_folders_every_path_is_an_article_unless_required(capsys, project):
    code, _, err = run(capsys, "check", "articles/digest.txt", "--against", "published")
    assert code == 1 and "left out" not in err
    code, out, err = run(capsys, "check", "articles/digest.txt", "--against", "published", "--require-articles")
    assert code == 2 and out == ""
    assert err == ('dedup: error: which files are articles? name their folders: articles = ["articles/"] under '
                   "[tool.dedup] in pyproject.toml, or --articles FOLDER\n")


def test_against_is_needed_and_the_error_says_where_to_set_it(capsys, project):
    code, out, err = run(capsys, "check", "articles/digest.txt")
    assert code == 2 and out == ""
    assert err == ("dedup: error: check needs the published articles: --against INDEX|DIR, or "
                   'against = "published/" under [tool.dedup] in pyproject.toml\n')
