"""Tests for dedup.check: what the CI gate counts as found, and its exit code."""

from __future__ import annotations

import pytest
from conftest import DIGEST, ORIGINAL, WITH_ADS, seed_articles

from dedup.check import EXIT_CLEAN, EXIT_FOUND, FAIL_ON, CheckResult, check_articles, fail_level, published_index
from dedup.index import Index
from dedup.model import Pair, Relation


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
