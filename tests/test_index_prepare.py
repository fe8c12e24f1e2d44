"""Tests for dedup.index.prepare: batches cleaned and sketched in worker processes, in order."""

from __future__ import annotations

import pytest
from conftest import TextMaker

from dedup import Article
from dedup.index import Index
from dedup.index.prepare import batches_of, prepare, prepared_batches


def _articles(n: int, seed: int = 11) -> list[Article]:
    maker = TextMaker(seed)
    out = [Article(id=f"a{i:03d}", text=maker.article(paragraphs=2)) for i in range(n)]
    return out + [Article(id="copy", text=out[0].text + "\n\nShared by a reader.")]


def _same(x, y) -> bool:
    (a, f), (b, g) = x, y
    return (a == b and (f.doc_keys == g.doc_keys).all() and (f.sentence_keys == g.sentence_keys).all()
            and (f.anchors == g.anchors).all() and (f.terms != g.terms).nnz == 0 and f.digest[0] == g.digest[0])


def test_workers_give_each_batch_in_order_as_prepare_does():
    arts = _articles(9)
    parallel = list(prepared_batches(batches_of(arts, 2), workers=2))
    assert [len(b) for b in parallel] == [2, 2, 2, 2, 2]
    assert all(_same(x, y) for got, batch in zip(parallel, batches_of(arts, 2)) for x, y in zip(got, prepare(batch)))
    assert arts[0].body is None  # the caller's articles are left alone


def test_a_bad_article_raises_when_its_batch_comes():
    arts = _articles(5)
    bad = Article(id="row", text=None, path="feed.jsonl", line=3)  # type: ignore[arg-type]
    got = []
    with pytest.raises(ValueError, match=r"^feed\.jsonl:3: the text of article 'row' must be a string"):
        for batch in prepared_batches(batches_of(arts[:4] + [bad] + arts[4:], 2), workers=2):
            got.append([a.id for a, _ in batch])
    assert got == [["a000", "a001"], ["a002", "a003"]]


def test_add_many_in_workers_stores_what_one_process_stores(index_location, tmp_path):
    arts = _articles(8)
    with Index.open(tmp_path / "one.db") as index:
        one = index.add_many(arts, batch=3, workers=1)
        stored = [(a.id, a.body) for a in index.articles()]
        report = index.report(workers=1)
    with Index.open(index_location) as index:
        several = index.add_many(iter(arts), batch=3, workers=2)  # an iterator, read a few batches ahead
        assert [(a.id, a.body) for a in index.articles()] == stored
        assert index.report(workers=1).pairs == report.pairs
    assert several == one and several.added == len(arts)
    assert [m.a for m in several["copy"]] == ["a000"]
