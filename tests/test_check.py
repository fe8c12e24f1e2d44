"""Tests for dedup.check: what the CI gate counts as found, and its exit code."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import DIGEST, ORIGINAL, WITH_ADS, seed_articles

from dedup.check import (EXIT_CLEAN, EXIT_FOUND, FAIL_ON, CheckResult, check_articles, fail_level, new_matches,
                         published_index, turned)
from dedup.index import Index
from dedup.model import Pair, Relation
from dedup.scan import scan_articles


def result(fail_on: str, *relations: str) -> CheckResult:
    new = seed_articles()[0]
    return CheckResult([(new, [Pair("old", new.id, Relation(r)) for r in relations])], fail_level(fail_on))


@pytest.mark.parametrize("fail_on, relations, found", [
    ("derived", ["related", "derived"], 1), ("derived", ["related"], 0), ("copy", ["duplicate", "partial"], 1),
    ("related", ["related"], 1), ("partial", ["derived", "related"], 0),
])
def test_found_at_the_level_or_stronger(fail_on, relations, found):
    r = result(fail_on, *relations)
    assert len(r.findings) == found and len(r.below) == len(relations) - found
    assert r.exit_code == (EXIT_FOUND if found else EXIT_CLEAN)


def test_fail_on_levels():
    assert [fail_level(f) for f in FAIL_ON] == [Relation.COPY, Relation.PARTIAL, Relation.DERIVED, Relation.RELATED]
    with pytest.raises(ValueError, match="The 'fail_on' parameter must be one of copy, partial"):
        fail_level("duplicate")


def test_seed_digest_against_a_folder_of_the_others(tmp_path):
    seeds = {a.id: a for a in seed_articles()}
    folder = tmp_path / "published"
    folder.mkdir()
    for name in (ORIGINAL, WITH_ADS):
        (folder / name).write_text(seeds[name].text, encoding="utf-8")
    index, problems = published_index(str(folder), [seeds[DIGEST]], str(tmp_path / "index.db"))
    with index:
        r = check_articles([seeds[DIGEST]], index)
    assert problems == [] and [(f.match.a, f.match.relation) for f in r.findings] == [(ORIGINAL, Relation.DERIVED)]
    assert r.findings[0].path.endswith(DIGEST) and r.findings[0].lines[0] >= 1 and r.exit_code == EXIT_FOUND
    assert [p.a for p in r.below] == [WITH_ADS]
    with Index.open(tmp_path / "index.db", create=False) as index:
        assert len(index) == 2


def by_id() -> dict:
    return {a.id: a for a in seed_articles()}


def test_new_articles_are_compared_with_one_another_as_scan_does(tmp_path):
    """The digest and its original, both new, against an empty index: the pair ``dedup scan``
    finds (digest first, so its ``a``), turned so the finding is on the digest, the copy."""
    seeds = by_id()
    new = [seeds[DIGEST], seeds[ORIGINAL], seeds[WITH_ADS]]
    (scanned,) = [p for p in scan_articles([by_id()[a.id] for a in new]).pairs if p.relation >= "derived"]
    assert (scanned.a, scanned.b, scanned.source) == (DIGEST, ORIGINAL, ORIGINAL)
    with Index.open(tmp_path / "empty.db") as index:
        r = check_articles(new, index)
    (f,) = r.findings
    assert (f.article.id, f.among, f.other.id, f.matched_path) == (DIGEST, "new", ORIGINAL, seeds[ORIGINAL].path)
    assert f.match == turned(scanned) and (f.match.a, f.match.b, f.match.source) == (ORIGINAL, DIGEST, ORIGINAL)
    assert f.match.scores.containment_ba == scanned.scores.containment_ab
    assert [e.b_span for e in f.match.evidence] == [e.a_span for e in scanned.evidence]
    e = f.match.evidence[0]  # b: the digest's passage, at its offsets in the digest's text
    assert f.article.text[slice(*e.b_span)] == e.b and f.other.text[slice(*e.a_span)] == e.a
    assert r.exit_code == EXIT_FOUND
    assert {p.relation for p in r.below} == {Relation.RELATED} and len(r.below) == 2
    assert all(a.body is None and a.removed == [] for a in new)  # compared on copies: the caller's are as read


def test_a_new_copy_of_a_published_and_of_a_new_article_gets_both(tmp_path):
    seeds = by_id()
    copy = dataclasses.replace(seeds[ORIGINAL], id="copy.txt", path=None, text=seeds[ORIGINAL].text + "\nShare this")
    with Index.open(tmp_path / "published.db") as index:
        index.add(seeds[ORIGINAL])
        new = [dataclasses.replace(seeds[ORIGINAL], id="again.txt", path=None), copy]
        r = check_articles(new, index, fail_on="copy")
    assert [(f.article.id, f.match.a, f.among) for f in r.findings] == [
        ("again.txt", ORIGINAL, "published"), ("copy.txt", ORIGINAL, "published"), ("copy.txt", "again.txt", "new")]
    assert r.findings[2].matched_path == "again.txt"  # no file: its id


def test_new_matches_below_fail_on_do_not_fail(tmp_path):
    seeds = by_id()
    with Index.open(tmp_path / "empty.db") as index:
        r = check_articles([seeds[ORIGINAL], seeds[WITH_ADS]], index)
    assert r.findings == [] and [p.relation for p in r.below] == [Relation.RELATED] and r.exit_code == EXIT_CLEAN
    assert new_matches([seeds[ORIGINAL]]) == []  # one article: nothing to compare it with
