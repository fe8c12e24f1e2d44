"""The SARIF log of ``dedup check`` (issue 19, point 2): valid against the OASIS SARIF 2.1.0
schema (``tests/schemas/``, formats checked: a ``uri-reference`` with a space fails), one
percent-encoded root-relative URI and one fingerprint however the path was typed, levels
that agree with their rules.

The commands run in a subprocess (:mod:`hostile`) from a temporary git repository.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DIGEST, ORIGINAL
from hostile import run_dedup
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from dedup.check import Finding
from dedup.model import Article, Pair, Relation
from dedup.report.sarif import FINGERPRINT, artifact_location, sarif_log, source_root

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
STORY = ("The harbour authority closed the north pier on Friday after storm damage was found in its "
         "pilings. Engineers said repairs would take at least three months and cost several million. ") * 5
SPACED = "new/a copy.txt"
BAD = b"new/bad\xff.txt"  # a name that is not UTF-8: a copy of the digest


def validator() -> Draft4Validator:
    """The schema's own draft (04), with every format checked (``uri-reference`` is not a
    draft-04 format, so :class:`FormatChecker` with all of them, not the draft-04 one)."""
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    return Draft4Validator(SCHEMA, format_checker=FormatChecker())


def _location(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory, fixtures_dir) -> Path:
    """A git repository: ``pub/`` (a story and the SCMP original), ``new/a copy.txt`` (a copy of
    the story) and ``new/bad\\xff.txt`` (the digest of the original); and ``outside.txt``, a copy
    beside it, outside."""
    tmp = tmp_path_factory.mktemp("sarif")
    root = tmp / "repo"
    (root / "pub").mkdir(parents=True), (root / "new").mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "pub" / "story.txt").write_text(STORY, encoding="utf-8")
    shutil.copy(fixtures_dir / ORIGINAL, root / "pub" / ORIGINAL)
    (root / SPACED).write_text(STORY + "\nShare this story\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(root), BAD), "wb") as f:
        f.write((fixtures_dir / DIGEST).read_bytes())
    (tmp / "outside.txt").write_text(STORY, encoding="utf-8")
    return root


def check_sarif(repo: Path, *paths: str | Path, options: tuple[str, ...] = (), cwd: Path | None = None) -> dict:
    """``dedup check PATH... --against pub --format sarif`` run in ``cwd`` (default: the repository),
    its log validated against the schema."""
    cwd = cwd or repo
    proc = run_dedup(["check", *paths, "--against", os.path.relpath(repo / "pub", cwd), "--format", "sarif", *options],
                     cwd=cwd, timeout=60)  # a busy machine: about 3 s of CPU each, mostly imports
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr, proc.stderr
    log = json.loads(proc.stdout)
    validator().validate(log)
    return log


@pytest.fixture(scope="module")
def spellings(repo) -> dict[str, dict]:
    """The log of ``new/a copy.txt`` typed four ways: relative, ``./`` (with ``--fail-on copy``),
    absolute (``--fail-on related``), from ``new/``."""
    return {"relative": check_sarif(repo, SPACED), "dotted": check_sarif(repo, "./" + SPACED, options=("--fail-on", "copy")),
            "absolute": check_sarif(repo, repo / SPACED, options=("--fail-on", "related")),
            "from new/": check_sarif(repo, "a copy.txt", cwd=repo / "new")}


def test_one_uri_and_fingerprint_however_the_path_is_typed(repo, spellings):
    results = [log["runs"][0]["results"] for log in spellings.values()]
    assert all(len(r) == 1 for r in results)
    assert [_location(r[0]) for r in results] == [{"uri": "new/a%20copy.txt", "uriBaseId": "%SRCROOT%"}] * 4
    assert len({r[0]["partialFingerprints"][FINGERPRINT] for r in results}) == 1
    for log in spellings.values():
        assert log["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}


def test_a_folder_a_name_not_utf8_and_a_file_outside(repo, spellings):
    outside = repo.parent / "outside.txt"
    log = check_sarif(repo, "new", outside)
    results = {_location(r)["uri"]: r for r in log["runs"][0]["results"]}
    assert set(results) == {"new/a%20copy.txt", "new/bad%FF.txt", outside.resolve().as_uri()}
    assert _location(results[outside.resolve().as_uri()]) == {"uri": outside.resolve().as_uri()}  # no base
    assert all(_location(results[u])["uriBaseId"] == "%SRCROOT%" for u in ("new/a%20copy.txt", "new/bad%FF.txt"))
    bad = results["new/bad%FF.txt"]
    assert (bad["ruleId"], bad["properties"]["matched"]) == ("derived", ORIGINAL)
    assert "bad\\xff.txt" in bad["message"]["text"]
    assert len({r["partialFingerprints"][FINGERPRINT] for r in results.values()}) == 3
    # the article id is "a copy.txt" here and in spellings: the fingerprint is the path's
    assert results["new/a%20copy.txt"]["partialFingerprints"] == \
        spellings["relative"]["runs"][0]["results"][0]["partialFingerprints"]


def test_levels_agree_with_rules_at_fail_on(spellings):
    for name, strong in (("relative", {"duplicate", "copy", "partial", "derived"}),
                         ("dotted", {"duplicate", "copy"}), ("absolute", {r.value for r in Relation})):
        run = spellings[name]["runs"][0]
        rules = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
        assert rules == {r: "error" if r in strong else "warning" for r in rules}, (name, rules)
        assert run["results"] and all(r["level"] == rules[r["ruleId"]] for r in run["results"])
        assert run["invocations"] == [{"executionSuccessful": True}]


def test_the_old_uri_fails_the_schema(spellings):
    """The log as dedup wrote it before (the path as typed, its space unencoded) is invalid: the
    schema test can fail."""
    old = copy.deepcopy(spellings["relative"])
    _location(old["runs"][0]["results"][0]).clear()
    _location(old["runs"][0]["results"][0])["uri"] = SPACED
    with pytest.raises(ValidationError, match="is not a 'uri-reference'"):
        validator().validate(old)


def _finding(article: Article, relation: Relation = Relation.COPY, matched: str = "old.txt") -> Finding:
    return Finding(article, Pair(matched, article.id, relation))


def test_fingerprint_in_process(tmp_path):
    """Not the article id (it depends on how the path was typed), but the row, the match and the rule."""
    def fingerprints(*findings: Finding) -> list[str]:
        log = sarif_log(list(findings), describe=lambda f, against: "", root=str(tmp_path))
        return [r["partialFingerprints"][FINGERPRINT] for r in log["runs"][0]["results"]]

    path = str(tmp_path / "feed.jsonl")
    a, b = Article(id="feed.jsonl:1", text="x", path=path, line=1), Article(id="in/feed.jsonl:1", text="x", path=path, line=1)
    c = Article(id="feed.jsonl:2", text="x", path=path, line=2)
    first, same, row2, other_match, other_rule = fingerprints(
        _finding(a), _finding(b), _finding(c), _finding(a, matched="older.txt"), _finding(a, Relation.DERIVED))
    assert first == same and len({first, row2, other_match, other_rule}) == 4


def test_source_root(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    assert source_root(str(tmp_path / "sub")) == os.path.realpath(tmp_path / "sub")  # no repository: itself
    (tmp_path / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    assert source_root(str(tmp_path / "sub" / "deeper")) == os.path.realpath(tmp_path)


def test_a_linked_folder_is_inside_its_real_root(tmp_path):
    (tmp_path / "real" / "new").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert artifact_location(str(tmp_path / "link" / "new" / "a.txt"), os.path.realpath(tmp_path / "real")) \
        == {"uri": "new/a.txt", "uriBaseId": "%SRCROOT%"}


def test_new_articles_matching_one_another(repo):
    """Two new articles, one a copy of the other, against a folder with neither: a valid log whose
    result says the match is another new article and names it by its uri in the fingerprint."""
    twin = ("The city library reopened its east wing on Monday after a two-year renovation that added a "
            "reading garden. Volunteers moved forty thousand books back onto the new shelves by hand. ") * 5
    (repo / "twins").mkdir(exist_ok=True)
    (repo / "twins" / "first.txt").write_text(twin, encoding="utf-8")
    (repo / "twins" / "second copy.txt").write_text(twin + "\nShare this\n", encoding="utf-8")
    log = check_sarif(repo, "twins")
    (result,) = log["runs"][0]["results"]
    assert result["properties"]["among"] == "new"
    assert "another new article" in result["message"]["text"]
    assert _location(result)["uri"] in {"twins/first.txt", "twins/second%20copy.txt"}
    again = check_sarif(repo, str(repo / "twins" / "first.txt"), "./twins/second copy.txt")
    assert again["runs"][0]["results"][0]["partialFingerprints"] == result["partialFingerprints"]
