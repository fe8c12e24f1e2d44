"""The scan as a Spark job: the local pipeline's per-article and per-pair functions, with
Spark doing what needs a cluster.

    read ─> clean (map) ─> repeated lines (global counts) ─> features (map)
        ─> document frequencies (global) ─> buckets: documents, anchors, sentences (shuffles)
        ─> confirm candidate pairs (join both articles, map) ─> stories (connected components)
        ─> attribution checks

The maps run :func:`dedup.clean.clean`, :func:`dedup.sketch.featurize` and the pipeline's
:func:`dedup.pipeline.keep_candidates` and :func:`dedup.pipeline.confirm_pairs` on Arrow
batches (``mapInArrow``). The shuffles are Spark's: a repartition by bucket key (or by
article pair) brings all rows of a bucket (or pair) into one partition, where the local
candidate functions pair and count them in NumPy (:mod:`dedup.spark.candidates`); joins
bring each candidate pair's articles together (:mod:`dedup.spark.confirm`); stories are
told per connected component (:mod:`dedup.spark.stories`). No rule is Spark's own, so the
pairs, relations, sources and stories equal :func:`dedup.scan.scan_articles`
(``tests/test_spark_job.py``).

What this driver owns: the shuffles and joins, document frequencies and repeated lines
counted over the cluster, connected components, and the Arrow layout of the records.

>>> from dedup.model import Article
>>> from dedup.spark.session import get_session
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> arts = [Article(id="a", text=text), Article(id="b", text=text + "\\nShare")]
>>> result = scan_articles_spark(get_session("local[2]"), arts)
>>> [(p.a, p.b, str(p.relation)) for p in result.report().pairs]
[('a', 'b', 'copy')]
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from dedup.clean import clean, drop_lines, line_table
from dedup.clean.repeated import boilerplate_line, carried_along, frequent_line
from dedup.confirm import CorpusIdf
from dedup.model import Article, ClaimCheck, Pair, Problem, Relation, Report, Story
from dedup.params import DEFAULT, Params
from dedup.pipeline import report_order
from dedup.relation.stories import story_order
from dedup.sketch import featurize
from dedup.spark.arrow import (ARTICLE_SCHEMA, articles_batch, articles_columns, as_signed, batch_articles, ragged,
                               spark_schema)
from dedup.spark.candidates import find_candidates
from dedup.spark.components import truncate as cut
from dedup.spark.confirm import confirm, filter_candidates
from dedup.spark.stories import stories_of

_LONG, _INT = pa.int64(), pa.int32()
CLEAN_SCHEMA = pa.schema([*ARTICLE_SCHEMA, ("line_hashes", pa.list_(_LONG)), ("line_chars", pa.list_(_LONG))])
CORPUS_SCHEMA = pa.schema([
    *ARTICLE_SCHEMA, ("words", _LONG),  # words of the body, as the report counts them
    ("doc_keys", pa.list_(_LONG)), ("anchors", pa.list_(_LONG)), ("anchor_pos", pa.list_(_INT)),
    ("sentence_keys", pa.list_(_LONG)),  # each sentence's band keys, sentence after sentence
    ("terms", pa.list_(_INT)), ("term_counts", pa.list_(pa.float32())),
    ("shingles", pa.binary()), ("n_words", _INT), ("digest", _LONG),
])
ARTICLES_PER_PARTITION = 10_000  # at most, for the maps (more partitions when the cluster has more cores)


@dataclass
class SparkScan:
    """What the Spark job found, as DataFrames (lazy; cached where reused).

    ``pairs``: ``i``, ``j`` (corpus positions), ``a``, ``b`` (ids), ``relation``, ``source`` and
    ``pair`` (the pair's JSON-contract entry); ``stories``: ``story`` (a cluster's JSON);
    ``articles``: the cleaned corpus with ``words``; ``attribution``: ``idx``, ``id``, ``checks`` (JSON).
    """

    articles: DataFrame
    pairs: DataFrame
    stories: DataFrame
    attribution: DataFrame
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def report(self, command: str | None = None, texts: bool = False) -> Report:
        """Everything collected into a local :class:`dedup.model.Report` (the JSON contract);
        ``texts``: with the articles' texts and bodies too (the HTML report shows them)."""
        pairs = report_order([Pair.from_dict(json.loads(r.pair)) for r in self.pairs.select("pair").toLocalIterator()])
        stories = story_order([Story.from_dict(json.loads(r.story)) for r in self.stories.toLocalIterator()])
        attribution = {r.id: [ClaimCheck.from_dict(c) for c in json.loads(r.checks)]
                       for r in self.attribution.toLocalIterator()}
        columns = ["idx", "id", "title", "published", "publisher", "byline", "url", "attribution", "removed", "words"]
        rows = self.articles.select(*columns, *(("text", "body", "line_origins") if texts else ())).orderBy("idx")
        articles, words = [], {}
        for r in rows.toLocalIterator():
            articles.append(Article(id=r.id, text=r.text if texts else "", title=r.title, published=r.published,
                                    publisher=r.publisher, byline=r.byline, url=r.url,
                                    attribution=list(r.attribution or []), removed=list(r.removed or []),
                                    body=r.body if texts else None,
                                    line_origins=list(r.line_origins or []) if texts else []))
            words[r.id] = r.words
        stats = dict(self.stats)
        stats["pairs"] = {r.value: sum(p.relation == r for p in pairs) for r in Relation}
        return Report(articles, pairs, stories, attribution, list(self.problems), stats, command, word_counts=words)

    def write_parquet(self, folder: str, mode: str = "error") -> None:
        """Parquet tables ``pairs``, ``stories`` and ``articles`` under ``folder`` (any path Spark can write)."""
        self.pairs.select("a", "b", "relation", "source", "pair").write.mode(mode).parquet(f"{folder}/pairs")
        self.stories.write.mode(mode).parquet(f"{folder}/stories")
        checks = self.attribution.select("idx", F.col("checks").alias("attribution_check"))
        (self.articles.join(checks, "idx", "left")
         .select("idx", "id", "title", "published", "publisher", "byline", "url", "attribution",
                 "attribution_check", "removed", "words")
         .write.mode(mode).parquet(f"{folder}/articles"))


def articles_frame(spark: SparkSession, articles: Sequence[Article], slices: int | None = None) -> DataFrame:
    """A DataFrame of in-memory articles (``idx`` = their position), for :func:`scan_frame`."""
    batch = articles_batch(list(articles), range(len(articles)))
    table = pa.Table.from_batches([batch], ARTICLE_SCHEMA)
    df = spark.createDataFrame(table.to_pandas(), schema=spark_schema(ARTICLE_SCHEMA))
    return df.repartition(slices or spark.sparkContext.defaultParallelism, "idx")


def scan_articles_spark(spark: SparkSession, articles: Sequence[Article], problems: Sequence[Problem] = (),
                        params: Params = DEFAULT) -> SparkScan:
    """:func:`scan_frame` of articles held in memory."""
    return scan_frame(articles_frame(spark, articles), problems, params)


def scan_frame(articles: DataFrame, problems: Sequence[Problem] = (), params: Params = DEFAULT) -> SparkScan:
    """The Spark scan of ``articles``: a DataFrame with ``idx`` (the corpus order, as the
    local reader gives it: it decides each pair's ``a`` and ``b``) and the Article fields
    (``id`` and ``text`` at least; see :func:`dedup.spark.read.read_articles_spark`)."""
    spark = articles.sparkSession
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
    t0 = time.perf_counter()
    stats: dict[str, Any] = {"engine": "spark", "timings": {}}
    lap = _Laps(stats["timings"])
    # each stage's output is materialised with its lineage cut (checkpoint): later stages
    # read it several times, and a plan holding every stage before it grows too large
    stats["articles"] = n = articles.count()
    # spread the articles evenly (a reader gives one partition per input block, a few for a
    # file of GBs): every later map and shuffle inherits this parallelism
    parts = max(4 * spark.sparkContext.defaultParallelism, -(-n // ARTICLES_PER_PARTITION))
    cleaned = cut(articles.repartition(parts, "idx").mapInArrow(_clean_batches, spark_schema(CLEAN_SCHEMA)))
    corpus = cut(cleaned.join(repeated_lines(cleaned, params), "idx", "left")
                 .mapInArrow(lambda batches: _feature_batches(batches, params), spark_schema(CORPUS_SCHEMA)))
    lap("clean_and_sketch")
    terms, freq = document_frequencies(corpus)
    idf = spark.sparkContext.broadcast(CorpusIdf(terms, freq, n))
    found = cut(find_candidates(corpus, stats, params))
    channels = found.agg(F.count(F.when(F.col("by_doc"), 1)).alias("documents"), F.count("hits").alias("anchors"),
                         F.count(F.when(F.col("by_sentence"), 1)).alias("sentences")).first()
    candidates = cut(filter_candidates(corpus, found, idf, params))
    stats.update({f"candidates_{name}": int(count) for name, count in channels.asDict().items()})
    stats["candidates"] = candidates.count()  # as the local scan counts them: the pairs it confirms
    lap("candidates")
    pairs = cut(confirm(corpus, candidates, idf, params))
    lap("confirm")
    pairs, stories = stories_of(pairs, corpus, params)
    pairs, stories = cut(pairs), cut(stories)
    stats["stories"], stats["pairs_found"] = stories.count(), pairs.count()
    from dedup.spark.attribution import attribution_checks

    attribution = cut(attribution_checks(corpus.select("idx", "id", "publisher", "attribution"),
                                         pairs.select("i", "j", "relation"), params))
    lap("stories")
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return SparkScan(corpus.drop("doc_keys", "anchors", "anchor_pos", "sentence_keys", "terms", "term_counts",
                                 "shingles"),
                     pairs, stories, attribution, list(problems), stats)


class _Laps:
    """Seconds per stage into ``timings`` as each stage ends."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings, self.t = timings, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.t, 3)
        self.t = now


# -- maps: the local pipeline's per-article functions on Arrow batches -------------------------

def _clean_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """:func:`dedup.clean.clean` each article, and its line hashes (for :func:`repeated_lines`)."""
    for batch in batches:
        articles = batch_articles(batch)
        tables = [line_table(clean(a).body or "") for a in articles]
        sizes = np.array([h.size for h, _ in tables], np.int64)
        yield pa.RecordBatch.from_pydict({
            "idx": batch.column("idx"), **articles_columns(articles),
            "line_hashes": ragged(as_signed(np.concatenate([h for h, _ in tables]) if tables
                                            else np.empty(0, np.uint64)), sizes, _LONG),
            "line_chars": ragged(np.concatenate([c for _, c in tables]) if tables else np.empty(0, np.int64),
                                 sizes, _LONG),
        }, schema=CLEAN_SCHEMA)


def _feature_batches(batches: Iterator[pa.RecordBatch], params: Params) -> Iterator[pa.RecordBatch]:
    """Drop each article's repeated lines (``boiler``), then :func:`dedup.sketch.featurize`
    the batch: one row of feature lists per article."""
    for batch in batches:
        articles = batch_articles(batch)
        for a, boiler in zip(articles, batch.column("boiler").to_pylist()):
            if boiler:
                drop_lines(a, set(np.array(boiler, np.int64).view(np.uint64).tolist()))
        bodies = [a.body or "" for a in articles]
        f = featurize(bodies, params)
        n = len(articles)
        bands = f.sentence_keys.shape[1]
        order = np.argsort(f.sentence_doc, kind="stable")  # (mixed-script batches number sentences out of order)
        terms = f.terms.tocsr()
        shingle_bytes = f.shingles.astype("<u4").tobytes()
        offsets = pa.array((f.shingle_start * 4).astype(np.int32), _INT)
        yield pa.RecordBatch.from_pydict({
            "idx": batch.column("idx"), **articles_columns(articles),
            "words": [len(b.split()) for b in bodies],
            "doc_keys": ragged(as_signed(f.doc_keys.ravel()), np.full(n, f.doc_keys.shape[1]), _LONG),
            "anchors": ragged(f.anchors.astype(np.int64), np.bincount(f.anchor_doc, minlength=n), _LONG),
            "anchor_pos": ragged(f.anchor_pos.astype(np.int32), np.bincount(f.anchor_doc, minlength=n), _INT),
            "sentence_keys": ragged(f.sentence_keys[order].astype(np.int64).ravel(),
                                    np.bincount(f.sentence_doc, minlength=n) * bands, _LONG),
            "terms": ragged(terms.indices.astype(np.int32), np.diff(terms.indptr), _INT),
            "term_counts": ragged(terms.data.astype(np.float32), np.diff(terms.indptr), pa.float32()),
            "shingles": pa.BinaryArray.from_buffers(pa.binary(), n, [None, offsets.buffers()[1],
                                                                     pa.py_buffer(shingle_bytes)]),
            "n_words": f.words.astype(np.int32), "digest": as_signed(f.digest),
        }, schema=CORPUS_SCHEMA)


# -- global passes ------------------------------------------------------------------------------

def repeated_lines(cleaned: DataFrame, params: Params = DEFAULT) -> DataFrame:
    """``idx``, ``boiler``: each article's lines to drop, by the rule of
    :func:`dedup.clean.drop_repeated_lines` (:func:`dedup.clean.repeated.frequent_line`,
    :func:`dedup.clean.repeated.carried_along`, :func:`dedup.clean.repeated.boilerplate_line`),
    counted over the whole corpus."""
    total = F.aggregate("line_chars", F.lit(0).cast("long"), lambda acc, x: acc + x)
    lines = (cleaned.select("idx", total.alias("size"), F.explode(F.arrays_zip("line_hashes", "line_chars")).alias("l"))
             .select("idx", "size", F.col("l.line_hashes").alias("h"), F.col("l.line_chars").alias("c")))
    counted = lines.join(lines.groupBy("h").count().withColumnRenamed("count", "n"), "h")
    frequent = counted.where(frequent_line(F.col("n"), params)).select("idx", F.col("h").alias("f"),
                                                                       F.col("n").alias("fn"))
    along = frequent.join(counted, "idx").where(carried_along(F.col("n"), F.col("fn")))
    shared = along.groupBy("f", "idx").agg((F.sum("c") / F.greatest(F.first("size"), F.lit(1))).alias("shared"))
    spread = shared.groupBy(F.col("f").alias("h")).agg(F.sort_array(F.collect_list("shared")).alias("s"))
    n = F.size("s")
    median = (F.element_at("s", F.floor((n - 1) / 2).cast("int") + 1)
              + F.element_at("s", F.floor(n / 2).cast("int") + 1)) / 2
    boiler = spread.where(boilerplate_line(median, params)).select("h")
    return lines.join(boiler, "h").groupBy("idx").agg(F.collect_list("h").alias("boiler"))


def document_frequencies(corpus: DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Hashed term ids (sorted) and the number of articles holding each: the IDF of the corpus."""
    table = (corpus.select(F.explode("terms").alias("t")).groupBy("t").count().orderBy("t")).toArrow()
    return (table.column("t").to_numpy().astype(np.int64),
            table.column("count").to_numpy().astype(np.int64))
