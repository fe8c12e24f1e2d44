"""Incremental equals batch: articles added to an index one by one give the pairs, relations
and sources of `dedup scan` over the same articles (`Index.report`), on Clough-Stevenson
and the PAN-13 no-obfuscation subset (read from ``../shared/benchmarks``; skipped when
absent, as tests/test_quality_regression.py does).

On Clough-Stevenson the articles are added with their matches computed (``add``); the
matches returned at each add (with the IDF and bucket sizes of that moment) differ from
the final pairs on a few related pairs, which the test measures and bounds. PAN-13's
documents are long and pair with many: they are added with ``matches=False`` to keep
the test fast (the stored features are the same).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.index import Index
from dedup.ingest import read_articles
from dedup.model import Pair, Relation
from dedup.scan import scan_articles

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
CLOUGH = SHARED / "clough-stevenson" / "texts"
PAN = SHARED / "pan13-no-obfuscation"


def _paths(*paths: Path) -> list[str]:
    missing = [p for p in paths if not p.is_dir()]
    if missing:
        pytest.skip(f"benchmark corpus not found: {missing[0]}")
    return [str(p) for p in paths]


def _same(report, batch) -> None:
    key = lambda p: (p.a, p.b, p.relation, p.source)  # noqa: E731
    assert [key(p) for p in report.pairs] == [key(p) for p in batch.pairs]
    assert report.pairs == batch.pairs  # scores, evidence and reasons too
    assert report.stories == batch.stories


def test_clough_one_by_one_equals_scan(tmp_path):
    paths = _paths(CLOUGH)
    batch = scan_articles(read_articles(paths)[0])
    union: dict[tuple[str, str], Pair] = {}
    with Index.open(tmp_path / "clough.db") as index:
        for a in read_articles(paths)[0]:
            for m in index.add(a):
                union[m.a, m.b] = m
        _same(index.report(), batch)
    # matches as of each add: the same derived-or-stronger pairs but for a handful, and
    # only weak pairs (related at the time) come and go (measured: 5 of 635 differ)
    final = {(p.a, p.b): p.relation for p in batch.pairs}
    strong = lambda r: r is not None and Relation(r).derives  # noqa: E731
    differ = [k for k in set(final) | set(union)
              if strong(final.get(k)) != strong(union[k].relation if k in union else None)]
    assert len(differ) <= 10, differ
    assert len(set(final) ^ set(union)) <= 0.1 * len(final)


def test_pan13_equals_scan(tmp_path):
    paths = _paths(PAN / "susp", PAN / "src")
    articles = read_articles(paths)[0]
    batch = scan_articles(read_articles(paths)[0])
    with Index.open(tmp_path / "pan.db") as index:
        for a in articles:
            index.add(a, matches=False)
        _same(index.report(), batch)
