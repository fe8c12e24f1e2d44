"""A story syndicated hundreds of times: no copy is lost to a bucket cap, in a scan or in
the index (issue 17, class 1).

Each copy sits in page chrome of its own (navigation, links and comments no other page
has), a third are cut after a few paragraphs with a "Read more" line, so their
sketches differ and their buckets are of every size, many over the caps.
"""

from __future__ import annotations

import random

import pytest

from dedup.check import check_articles
from dedup.index import Index
from dedup.model import Article, Relation
from dedup.scan import scan_articles


def syndicated(maker, copies: int, cut: bool) -> list[Article]:
    """The wire story and ``copies`` pages of it; ``cut``: every third page keeps only its
    first 3-6 paragraphs."""
    rnd = random.Random(copies)
    wire = [maker.paragraph(2) for _ in range(8)]
    out = [Article(id="wire", text="\n\n".join(wire), publisher="Wire", published="2024-03-01T06:00Z")]
    for k in range(copies):
        body = wire[: rnd.randint(3, 6)] + [f"Read more at site {k}"] if cut and k % 3 == 0 else wire
        before = [f"Site {k} | {maker.sentence(6)}", maker.sentence()]
        after = [f"Related: {maker.sentence(8)}" for _ in range(3)] + [f"Comment: {maker.sentence()}"
                                                                      for _ in range(rnd.randint(1, 4))]
        out.append(Article(id=f"copy{k:04d}", text="\n\n".join(before + body + after), publisher=f"Site {k}",
                           published=f"2024-03-0{1 + k % 3}T12:00Z"))
    return out


def _story_of_wire(articles: list[Article]):
    report = scan_articles(articles, workers=1)
    return report, next(s for s in report.stories if "wire" in s.members)


@pytest.mark.parametrize("copies", [300, 1000])
def test_every_copy_joins_the_originals_story(maker, copies):
    report, story = _story_of_wire(syndicated(maker, copies, cut=False))
    assert len(story.members) == copies + 1
    assert story.root == "wire"
    assert report.stats["large_buckets"] > 0  # the caps were met: the groups joined anyway


@pytest.mark.parametrize("copies", [300, 1000])
def test_cut_copies_join_the_originals_story(maker, copies):
    _, story = _story_of_wire(syndicated(maker, copies, cut=True))
    assert len(story.members) == copies + 1


@pytest.mark.parametrize("location", ["sqlite", "redis"])
def test_check_of_one_more_copy_finds_the_story_in_the_index(maker, tmp_path, location, request):
    *articles, one_more = syndicated(maker, 301, cut=False)
    where = tmp_path / "idx.db" if location == "sqlite" else request.getfixturevalue("redis_url") + "?prefix=fan"
    with Index.open(where) as index:
        index.add_many(articles, matches=False)
        result = check_articles([one_more], index)
        assert result.exit_code == 1
        assert max(p.relation for _, ms in result.matches for p in ms) >= Relation.COPY
