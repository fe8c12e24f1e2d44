"""The Spark job equals the local scan: pairs (with scores, evidence and reasons), relations,
sources, stories and attribution checks, on the seeds, Clough–Stevenson, the PAN-13
subset and a generated corpus of 10,000 articles (real ``local[2]`` session, see conftest)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from dedup.model import Article
from dedup.ingest import read_articles
from dedup.scan import scan_articles

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
CLOUGH = SHARED / "clough-stevenson" / "texts"
PAN = SHARED / "pan13-no-obfuscation"


def _paths(*paths: Path) -> list[str]:
    missing = [p for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"benchmark corpus not found: {missing[0]}")
    return [str(p) for p in paths]


def _same(spark_report, local) -> None:
    key = lambda p: (p.a, p.b, p.relation, p.source)  # noqa: E731
    assert [key(p) for p in spark_report.pairs] == [key(p) for p in local.pairs]
    assert spark_report.pairs == local.pairs  # scores, evidence, quotes and reasons too
    assert spark_report.stories == local.stories
    assert spark_report.attribution == local.attribution
    ours, theirs = spark_report.to_dict(), local.to_dict()
    assert ours["articles"] == theirs["articles"]
    assert ours["problems"] == theirs["problems"]


def _parity(spark, paths: list[str]):
    from dedup.spark import scan_spark

    local = scan_articles(*read_articles(paths), workers=1)
    result = scan_spark(paths, spark=spark)
    report = result.report()
    _same(report, local)
    counts = ["articles", "candidates", "candidates_documents", "candidates_anchors", "candidates_sentences",
              "large_buckets"]
    assert {k: result.stats[k] for k in counts} == {k: local.stats[k] for k in counts}
    return report, result


def test_seeds(spark, fixtures_report):
    report, result = _parity(spark, [str(ROOT / "fixtures")])
    assert ("000_2d6f109265a5f0ce.txt", "003_c5174620e5321eb2.txt", "derived") in {
        (p.a, p.b, p.relation) for p in report.pairs}
    assert report.pairs == fixtures_report.pairs
    assert result.stats["articles"] == 5


def test_clough_stevenson(spark):
    report, _ = _parity(spark, _paths(CLOUGH))
    assert len(report.pairs) > 100


def test_pan13_subset(spark):
    report, _ = _parity(spark, _paths(PAN / "src", PAN / "susp"))
    assert sum(p.relation != "related" for p in report.pairs) > 400


def test_generated_corpus(spark, tmp_path_factory):
    """10,000 generated articles with injected copies, excerpts and edits (benchmarks/corpus.py,
    from the seeds plus ../shared when present), read from JSONL by Spark."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    work = tmp_path_factory.mktemp("corpus")
    corpus.generate(10_000, 0, SHARED, work, progress=False)
    path = corpus.paths(10_000, 0, work)["corpus"]
    report, result = _parity(spark, [str(path)])
    gold = corpus.read_gold(corpus.paths(10_000, 0, work)["gold"])
    found = {frozenset((p.a, p.b)) for p in report.pairs if p.relation != "related"}
    assert sum(frozenset((a, b)) in found for a, b, _ in gold) >= 0.99 * len(gold)


def test_repeated_lines_dropped_as_locally(spark):
    """A footer in many unrelated articles is dropped by the corpus-wide count (a global pass)."""
    from conftest import TextMaker
    from dedup.spark.job import scan_articles_spark

    maker = TextMaker(3)
    footer = "Kalome Ritavi Desk reports from the harbour office on weekdays and holidays"
    texts = ["\n".join(maker.sentence() for _ in range(6)) + "\n" + footer for _ in range(12)]
    make = lambda: [Article(id=f"a{k}", text=t) for k, t in enumerate(texts)]  # noqa: E731
    local = scan_articles(make(), workers=1)
    report = scan_articles_spark(spark, make()).report()
    assert any(r.startswith("repeated: ") for a in local.articles for r in a.removed)
    assert report.to_dict()["articles"] == local.to_dict()["articles"]
    assert report.pairs == local.pairs


def test_large_buckets_joined_as_locally(spark):
    """A text copied by 70 outlets fills buckets past every channel's cap (64 documents, 50
    anchors, 16 sentences): the same buckets are joined through their first row, counted, and
    the same pairs kept."""
    from conftest import TextMaker
    from dedup.spark.job import scan_articles_spark

    maker = TextMaker(5)
    wire = "\n".join(maker.sentence() for _ in range(12))
    other = "\n".join(maker.sentence() for _ in range(8))
    texts = [wire + f"\nFiled by desk {k}." for k in range(70)] + [other, other + "\nShare this story"]
    make = lambda: [Article(id=f"a{k:02d}", text=t) for k, t in enumerate(texts)]  # noqa: E731
    local = scan_articles(make(), workers=1)
    result = scan_articles_spark(spark, make())
    assert local.stats["large_buckets"] > 0
    assert result.stats["large_buckets"] == local.stats["large_buckets"]
    assert all(result.stats["large_by_channel"][c] > 0 for c in ("documents", "anchors", "sentences"))
    assert local.pairs and result.report().pairs == local.pairs


def test_parquet_output(spark, tmp_path):
    from dedup.spark import scan_spark

    result = scan_spark([str(ROOT / "fixtures")], spark=spark)
    result.write_parquet(str(tmp_path / "out"))
    pairs = spark.read.parquet(str(tmp_path / "out" / "pairs")).collect()
    local = {(p.a, p.b): p.to_dict() for p in result.report().pairs}
    assert {(r.a, r.b): json.loads(r.pair) for r in pairs} == local
    stories = [json.loads(r.story) for r in spark.read.parquet(str(tmp_path / "out" / "stories")).collect()]
    assert sorted(s["root"] for s in stories) == sorted(c.root for c in result.report().stories)
    articles = spark.read.parquet(str(tmp_path / "out" / "articles")).orderBy("idx").collect()
    expected = result.report().to_dict()["articles"]
    assert [a.id for a in articles] == [a["id"] for a in expected]
    assert [json.loads(a.attribution_check or "[]") for a in articles] == [a["attribution_check"] for a in expected]
