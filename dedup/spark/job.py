"""The scan as a Spark job: the local pipeline's per-article and per-pair functions, with
Spark doing what needs a cluster.

    read ─> clean (map) ─> repeated lines (global counts) ─> features (map)
        ─> document frequencies (global) ─> buckets: documents, anchors, sentences (shuffles)
        ─> confirm candidate pairs (join both articles, map) ─> stories (connected components)
        ─> attribution checks

The maps run :func:`dedup.clean.clean`, :func:`dedup.features.featurize` and the scan's
``_confirm`` on Arrow batches (``mapInArrow``). The shuffles are Spark's: a repartition by
bucket key (or by article pair) brings all rows of a bucket (or pair) into one partition,
where the local candidate functions pair and count them in NumPy; joins bring each
candidate pair's articles together. Every candidate rule is the local one (bucket caps, anchor cells, sentence
hits, the cosine and verbatim-run filters), so the pairs, relations, sources and stories
equal :func:`dedup.scan.scan_articles` (``tests/test_spark_job.py``).

>>> from dedup.article import Article
>>> from dedup.spark.session import get_session
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> arts = [Article(id="a", text=text), Article(id="b", text=text + "\\nShare")]
>>> result = scan_articles_spark(get_session("local[2]"), arts)
>>> [(p["a"], p["b"], p["relation"]) for p in result.report().pairs]
[('a', 'b', 'duplicate')]
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.sql.types import LongType, StructField, StructType

from dedup import candidates as cand
from dedup.article import Article, Problem
from dedup.clean import REPEAT_MAX_SHARED, REPEAT_MIN_DOCS, clean, drop_lines, line_hashes
from dedup.confirm import Confirmer
from dedup.features import featurize
from dedup.relation import (DERIVED_OR_STRONGER, PARTIAL_RUN, RELATED_COSINE, STRENGTH, clusters,
                            orient_by_story)
from dedup.scan import Report, _Bodies, _confirm
from dedup.sketch import SHINGLE
from dedup.spark.components import _truncate as cut
from dedup.spark.arrow import (ARTICLE_FIELDS, ARTICLE_SCHEMA, article, articles_batch, articles_columns, as_signed,
                               batch_articles, ragged, spark_schema)

log = logging.getLogger("dedup.spark")

_LONG, _INT, _STR = pa.int64(), pa.int32(), pa.string()
CLEAN_SCHEMA = pa.schema([*ARTICLE_SCHEMA, ("line_hashes", pa.list_(_LONG))])
CORPUS_SCHEMA = pa.schema([
    *ARTICLE_SCHEMA, ("words", _LONG),  # words of the body, as the report counts them
    ("doc_keys", pa.list_(_LONG)), ("anchors", pa.list_(_LONG)), ("anchor_pos", pa.list_(_INT)),
    ("sentence_keys", pa.list_(_LONG)),  # each sentence's band keys, sentence after sentence
    ("terms", pa.list_(_INT)), ("term_counts", pa.list_(pa.float32())),
    ("shingles", pa.binary()), ("n_words", _INT), ("digest", _LONG),
])
PAIR_SCHEMA = pa.schema([("i", _LONG), ("j", _LONG), ("a", _STR), ("b", _STR), ("relation", _STR),
                         ("source", _STR), ("pair", _STR)])
STORY_SCHEMA = pa.schema([("kind", _STR), ("i", _LONG), ("j", _LONG), ("relation", _STR), ("json", _STR)])
# what confirming a pair reads of each article
_CONFIRM_COLUMNS = [name for name, _ in ARTICLE_FIELDS] + ["terms", "term_counts", "shingles", "n_words", "digest"]
ARTICLES_PER_PARTITION = 10_000  # at most, for the maps (more partitions when the cluster has more cores)
PAIRS_PER_BATCH = 500  # candidate pairs (each with both articles) per Arrow batch in the confirm stage


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
    stats: dict = field(default_factory=dict)

    def report(self, command: str | None = None, texts: bool = False) -> Report:
        """Everything collected into a local :class:`dedup.scan.Report` (the JSON contract);
        ``texts``: with the articles' texts and bodies too (the HTML report shows them)."""
        pairs = [json.loads(r.pair) for r in self.pairs.select("pair").toLocalIterator()]
        pairs.sort(key=lambda p: (-STRENGTH[p["relation"]], p["a"], p["b"]))
        stories = sorted((json.loads(r.story) for r in self.stories.toLocalIterator()),
                         key=lambda c: (-len(c["members"]), c["root"]))
        attribution = {r.id: json.loads(r.checks) for r in self.attribution.toLocalIterator()}
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
        stats["pairs"] = {rel: sum(p["relation"] == rel for p in pairs) for rel in STRENGTH}
        return SparkReport(articles, pairs, stories, attribution, list(self.problems), stats, command, words=words)

    def write_parquet(self, folder: str, mode: str = "error") -> None:
        """Parquet tables ``pairs``, ``stories`` and ``articles`` under ``folder`` (any path Spark can write)."""
        self.pairs.select("a", "b", "relation", "source", "pair").write.mode(mode).parquet(f"{folder}/pairs")
        self.stories.write.mode(mode).parquet(f"{folder}/stories")
        checks = self.attribution.select("idx", F.col("checks").alias("attribution_check"))
        (self.articles.join(checks, "idx", "left")
         .select("idx", "id", "title", "published", "publisher", "byline", "url", "attribution",
                 "attribution_check", "removed", "words")
         .write.mode(mode).parquet(f"{folder}/articles"))


@dataclass
class SparkReport(Report):
    """A :class:`Report` whose articles carry no text: their word counts come from the job."""

    words: dict = field(default_factory=dict)

    def article_dict(self, a: Article) -> dict:
        d = super().article_dict(a)
        d["words"] = self.words.get(a.id, 0)
        return d


def articles_frame(spark: SparkSession, articles: Sequence[Article], slices: int | None = None) -> DataFrame:
    """A DataFrame of in-memory articles (``idx`` = their position), for :func:`scan_frame`."""
    batch = articles_batch(list(articles), range(len(articles)))
    table = pa.Table.from_batches([batch], ARTICLE_SCHEMA)
    df = spark.createDataFrame(table.to_pandas(), schema=spark_schema(ARTICLE_SCHEMA))
    return df.repartition(slices or spark.sparkContext.defaultParallelism, "idx")


def scan_articles_spark(spark: SparkSession, articles: Sequence[Article], problems: Sequence[Problem] = ()
                        ) -> SparkScan:
    """:func:`scan_frame` of articles held in memory."""
    return scan_frame(articles_frame(spark, articles), problems)


def scan_frame(articles: DataFrame, problems: Sequence[Problem] = ()) -> SparkScan:
    """The Spark scan of ``articles``: a DataFrame with ``idx`` (the corpus order, as the
    local reader gives it: it decides each pair's ``a`` and ``b``) and the Article fields
    (``id`` and ``text`` at least; see :func:`dedup.spark.read.read_articles_spark`)."""
    spark = articles.sparkSession
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "1000")
    t0 = time.perf_counter()
    stats: dict = {"engine": "spark", "timings": {}}
    lap = _Laps(stats["timings"])
    # each stage's output is materialised with its lineage cut (checkpoint): later stages
    # read it several times, and a plan holding every stage before it grows too large
    stats["articles"] = n = articles.count()
    # spread the articles evenly (a reader gives one partition per input block, a few for a
    # file of GBs): every later map and shuffle inherits this parallelism
    parts = max(4 * spark.sparkContext.defaultParallelism, -(-n // ARTICLES_PER_PARTITION))
    cleaned = cut(articles.repartition(parts, "idx").mapInArrow(_clean_batches, spark_schema(CLEAN_SCHEMA)))
    corpus = cut(cleaned.join(repeated_lines(cleaned), "idx", "left")
                 .mapInArrow(_feature_batches, spark_schema(CORPUS_SCHEMA)))
    lap("clean_and_sketch")
    terms, freq = document_frequencies(corpus)
    idf = spark.sparkContext.broadcast((terms, freq, n))
    found = cut(find_candidates(corpus, stats))
    channels = found.agg(F.count(F.when(F.col("by_doc"), 1)).alias("documents"), F.count("hits").alias("anchors"),
                         F.count(F.when(F.col("by_sentence"), 1)).alias("sentences")).first()
    candidates = cut(filter_candidates(corpus, found, idf))
    stats.update({f"candidates_{name}": int(count) for name, count in channels.asDict().items()})
    stats["candidates"] = candidates.count()  # as the local scan counts them: the pairs it confirms
    lap("candidates")
    pairs = cut(confirm(corpus, candidates, idf))
    lap("confirm")
    pairs, stories = stories_of(pairs, corpus)
    pairs, stories = cut(pairs), cut(stories)
    stats["stories"], stats["pairs_found"] = stories.count(), pairs.count()
    from dedup.spark.attribution import attribution_checks

    attribution = cut(attribution_checks(corpus.select("idx", "id", "publisher", "attribution"),
                                         pairs.select("i", "j", "relation")))
    lap("stories")
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return SparkScan(corpus.drop("doc_keys", "anchors", "anchor_pos", "sentence_keys", "terms", "term_counts",
                                 "shingles"),
                     pairs, stories, attribution, list(problems), stats)


class _Laps:
    """Seconds per stage into ``timings`` as each stage ends."""

    def __init__(self, timings: dict) -> None:
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
        hashes = [line_hashes(clean(a).body or "") for a in articles]
        yield pa.RecordBatch.from_pydict({
            "idx": batch.column("idx"), **articles_columns(articles),
            "line_hashes": ragged(as_signed(np.concatenate(hashes) if hashes else np.empty(0, np.uint64)),
                                  np.array([h.size for h in hashes], np.int64), _LONG),
        }, schema=CLEAN_SCHEMA)


def _feature_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Drop each article's repeated lines (``boiler``), then :func:`dedup.features.featurize`
    the batch: one row of feature lists per article."""
    for batch in batches:
        articles = batch_articles(batch)
        for a, boiler in zip(articles, batch.column("boiler").to_pylist()):
            if boiler:
                drop_lines(a, set(np.array(boiler, np.int64).view(np.uint64).tolist()))
        bodies = [a.body or "" for a in articles]
        f = featurize(bodies)
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

def repeated_lines(cleaned: DataFrame) -> DataFrame:
    """``idx``, ``boiler``: each article's lines to drop, by the rule of
    :func:`dedup.clean.drop_repeated_lines` (lines in ``REPEAT_MIN_DOCS`` articles or more,
    where the median article carrying them has at most ``REPEAT_MAX_SHARED`` of its lines
    repeated ones), counted over the whole corpus."""
    lines = cleaned.select("idx", F.size("line_hashes").alias("size"), F.explode("line_hashes").alias("h"))
    frequent = lines.groupBy("h").count().where(F.col("count") >= REPEAT_MIN_DOCS).select("h")
    carried = lines.join(frequent, "h")
    shared = carried.groupBy("idx").agg((F.count("*") / F.greatest(F.first("size"), F.lit(1))).alias("shared"))
    spread = carried.join(shared, "idx").groupBy("h").agg(F.sort_array(F.collect_list("shared")).alias("s"))
    n = F.size("s")
    median = (F.element_at("s", F.floor((n - 1) / 2).cast("int") + 1)
              + F.element_at("s", F.floor(n / 2).cast("int") + 1)) / 2
    boiler = spread.where(median <= REPEAT_MAX_SHARED).select("h")
    return lines.join(boiler, "h").groupBy("idx").agg(F.collect_list("h").alias("boiler"))


def document_frequencies(corpus: DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Hashed term ids (sorted) and the number of articles holding each: the IDF of the corpus."""
    table = (corpus.select(F.explode("terms").alias("t")).groupBy("t").count().orderBy("t")).toArrow()
    return (table.column("t").to_numpy().astype(np.int64),
            table.column("count").to_numpy().astype(np.int64))


def _bucket_pairs(keyed: DataFrame, by: list[str], max_bucket: int, channel: str, stats: dict,
                  extra: Sequence[str] = ()) -> DataFrame:
    """Every pair of rows of different articles sharing ``by`` (a bucket): ``i < j`` and the
    ``extra`` columns of each side as ``<name>_i``, ``<name>_j``. Buckets of more than
    ``max_bucket`` rows are skipped, counted in ``stats`` and logged, as the local scan does.

    One shuffle by ``by`` brings each bucket's rows into one partition, where the local
    scan's own pairing (:func:`dedup.candidates._bucket_pairs`, sorted in NumPy) pairs them.
    """
    fields = {f.name: f.dataType for f in keyed.schema.fields}
    schema = StructType([StructField("i", LongType()), StructField("j", LongType()),
                         *[StructField(f"{c}_{side}", fields[c]) for side in "ij" for c in extra]])
    rows = cut(keyed.repartition(*by).mapInArrow(_partition_pairs(by, max_bucket, extra, schema), schema))
    big = rows.where(F.col("i") < 0).groupBy("i").agg(F.sum("j").alias("n")).collect()
    skipped = {-r.i: int(r.n) for r in big}
    buckets, members = skipped.get(1, 0), skipped.get(2, 0)
    if buckets:
        log.info("%s: %d buckets over %d rows skipped (%d rows)", channel, buckets, max_bucket, members)
    stats["skipped_buckets"] = stats.get("skipped_buckets", 0) + buckets
    stats.setdefault("skipped_by_channel", {})[channel] = buckets
    return rows.where(F.col("i") >= 0)


def _partition_pairs(by: list[str], max_bucket: int, extra: Sequence[str], schema: StructType):
    """A ``mapInArrow`` function pairing the buckets of a partition (all rows of each of its
    buckets: see :func:`_bucket_pairs`). Two last rows carry the skipped buckets and their
    rows in ``j`` (``i`` = -1 and -2)."""
    arrow = to_arrow_schema(schema)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        table = _partition_table(batches)
        if table is None:
            return
        idx, key = table.column("idx").to_numpy(), table.column(by[-1]).to_numpy()
        values = [table.column(c).to_numpy() for c in extra]
        group = table.column(by[0]).to_numpy() if len(by) > 1 else np.zeros(len(key), np.int8)
        del table
        lsh = cand.LshStats()
        for g in np.unique(group).tolist():  # a band at a time, as the local scan pairs them
            rows = np.flatnonzero(group == g)
            for a, b in cand._bucket_pairs(key[rows], max_bucket, lsh):
                a, b = rows[a], rows[b]
                other = idx[a] != idx[b]
                a, b = a[other], b[other]
                first = idx[a] < idx[b]
                a, b = np.where(first, a, b), np.where(first, b, a)
                yield pa.RecordBatch.from_arrays([pa.array(idx[a]), pa.array(idx[b]), *[pa.array(v[a]) for v in values],
                                                  *[pa.array(v[b]) for v in values]], schema=arrow)
        tail = {"i": [-1, -2], "j": [lsh.skipped_buckets, lsh.skipped_members]}
        yield pa.RecordBatch.from_pydict({f.name: tail.get(f.name, [None, None]) for f in arrow}, schema=arrow)

    return run


def find_candidates(corpus: DataFrame, stats: dict) -> DataFrame:
    """Candidate pairs ``i < j`` from the three channels of :mod:`dedup.candidates`, with
    ``by_doc``, ``by_sentence`` and the anchor ``hits`` (positions in each) that the confirm
    stage filters on, as :func:`dedup.scan.find_candidates` does."""
    docs = corpus.select("idx", F.posexplode("doc_keys").alias("band", "key"))
    by_doc = (_bucket_pairs(docs, ["band", "key"], cand.MAX_BUCKET, "documents", stats)
              .select("i", "j").distinct().withColumn("by_doc", F.lit(True)))

    anchors = corpus.select("idx", F.explode(F.arrays_zip("anchors", "anchor_pos")).alias("z")).select(
        "idx", F.col("z.anchors").alias("anchor"), F.col("z.anchor_pos").alias("pos"))
    hits = _bucket_pairs(anchors, ["anchor"], cand.ANCHOR_MAX_DOCS, "anchors", stats, ["pos"])
    by_anchor = hits.repartition("i", "j").mapInArrow(_anchor_cells, spark_schema(ANCHOR_SCHEMA))

    bands = cand.sentence_bands()
    sentences = corpus.select("idx", F.posexplode("sentence_keys").alias("p", "key")).select(
        "idx", (F.col("p") % bands).alias("band"), F.floor(F.col("p") / bands).alias("s"), "key")
    by_sentence = (_bucket_pairs(sentences, ["band", "key"], cand.SENTENCE_MAX_BUCKET, "sentences", stats, ["s"])
                   .repartition("i", "j").mapInArrow(_sentence_hits, "i long, j long")
                   .withColumn("by_sentence", F.lit(True)))
    return (by_doc.join(by_anchor, ["i", "j"], "full").join(by_sentence, ["i", "j"], "full")
            .fillna(False, ["by_doc", "by_sentence"]))


ANCHOR_SCHEMA = pa.schema([("i", _LONG), ("j", _LONG), ("hits", pa.list_(pa.struct([("a", _INT), ("b", _INT)])))])


def _partition_table(batches: Iterator[pa.RecordBatch]) -> pa.Table | None:
    """All rows of a partition (``None`` when it has none)."""
    batches = list(batches)
    return pa.Table.from_batches(batches) if batches else None


def _pair_runs(i: np.ndarray, j: np.ndarray, *within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows in order of article pair (then of ``within``), and where each pair's run starts."""
    code = (i << 32) | j  # corpus positions stay below 2**31
    order = np.lexsort((*within[::-1], code))
    code = code[order]
    return order, np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if code.size else np.empty(0, np.int64)


def _anchor_cells(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The article pairs of a partition's shared anchors (all of each pair's: see
    :func:`find_candidates`) with a diagonal cell of :data:`dedup.candidates.ANCHOR_MIN_HITS`,
    and the anchors in those cells as ``hits`` (:func:`dedup.candidates._full_cells`)."""
    table = _partition_table(batches)
    if table is None:
        return
    i, j = (np.array(table.column(c), np.int64) for c in ("i", "j"))
    pos_i, pos_j = (np.array(table.column(c), np.int32) for c in ("pos_i", "pos_j"))
    order, starts = _pair_runs(i, j)
    pair = np.zeros(order.size, np.int64)
    pair[starts] = 1
    pair = np.cumsum(pair) - 1  # each row's pair, in order
    kept, _ = cand._full_cells(pair, pos_i[order].astype(np.int64) - pos_j[order], np.arange(order.size),
                               np.arange(order.size), cand.ANCHOR_MIN_HITS)
    rows = order[kept]  # kept is ascending: the rows stay in pair order
    first = np.flatnonzero(np.r_[True, pair[kept][1:] != pair[kept][:-1]]) if kept.size else np.empty(0, np.int64)
    hits = pa.ListArray.from_arrays(pa.array(np.r_[first, kept.size], pa.int32()), pa.StructArray.from_arrays(
        [pa.array(pos_i[rows]), pa.array(pos_j[rows])], names=["a", "b"]))
    yield pa.RecordBatch.from_arrays([pa.array(i[rows][first]), pa.array(j[rows][first]), hits], schema=ANCHOR_SCHEMA)


def _sentence_hits(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The article pairs of a partition's colliding sentence pairs (all of each article
    pair's) with :data:`dedup.candidates.SENTENCE_MIN_HITS` distinct sentence pairs."""
    table = _partition_table(batches)
    if table is None:
        return
    i, j, s_i, s_j = (np.array(table.column(c), np.int64) for c in ("i", "j", "s_i", "s_j"))
    order, starts = _pair_runs(i, j, s_i, s_j)
    i, j, s_i, s_j = i[order], j[order], s_i[order], s_j[order]
    distinct = np.flatnonzero(np.r_[True, (i[1:] != i[:-1]) | (j[1:] != j[:-1]) | (s_i[1:] != s_i[:-1])
                                    | (s_j[1:] != s_j[:-1])]) if i.size else np.empty(0, np.int64)
    per_pair = np.diff(np.r_[np.searchsorted(distinct, starts), distinct.size])
    found = starts[per_pair >= cand.SENTENCE_MIN_HITS]
    yield pa.RecordBatch.from_arrays([pa.array(i[found]), pa.array(j[found])], names=["i", "j"])


# -- confirmation -----------------------------------------------------------------------------

def filter_candidates(corpus: DataFrame, found: DataFrame, idf) -> DataFrame:
    """The pairs of ``found`` (:func:`find_candidates`) that the local candidate stage keeps,
    with their cosine (:data:`KEPT_SCHEMA`): each joined with both articles' term counts and
    shingles only, then :func:`_filter_rows`. ``idf``: a broadcast of the corpus's (terms,
    document frequencies, articles)."""
    light = _with_articles(found, corpus, _FILTER_COLUMNS)
    return light.mapInArrow(_batched(_filter_rows, idf), spark_schema(KEPT_SCHEMA))


def confirm(corpus: DataFrame, candidates: DataFrame, idf) -> DataFrame:
    """The reported pairs among ``candidates`` (:func:`filter_candidates`), as
    :data:`PAIR_SCHEMA`: each joined with both whole articles and confirmed by the local
    scan's ``_confirm``. ``idf``: as for :func:`filter_candidates`."""
    whole = _with_articles(candidates, corpus, _CONFIRM_COLUMNS)
    return whole.mapInArrow(_batched(_confirm_rows, idf), spark_schema(PAIR_SCHEMA))


_FILTER_COLUMNS = ["terms", "term_counts", "shingles", "n_words"]
KEPT_SCHEMA = pa.schema([("i", _LONG), ("j", _LONG), ("cosine", pa.float32())])


def _with_articles(pairs: DataFrame, corpus: DataFrame, columns: list[str]) -> DataFrame:
    """``pairs`` with the ``columns`` of article ``i`` as struct ``A`` and of ``j`` as ``B``."""
    data = corpus.select("idx", F.struct(*columns).alias("d"))
    return (pairs.join(data.select(F.col("idx").alias("i"), F.col("d").alias("A")), "i")
            .join(data.select(F.col("idx").alias("j"), F.col("d").alias("B")), "j"))


def _batched(fn, idf):
    """A ``mapInArrow`` function applying ``fn(batch, idf)`` to :data:`PAIRS_PER_BATCH` rows at a time."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        corpus_idf = idf.value
        for batch in batches:
            for lo in range(0, batch.num_rows, PAIRS_PER_BATCH):
                yield fn(batch.slice(lo, PAIRS_PER_BATCH), corpus_idf)

    return run


@dataclass
class _LocalCorpus:
    """The articles of a batch of pair rows (``i``, ``j``, their articles as structs ``A``,
    ``B``), each once and in corpus order (so ``i < j`` stays ``a < b``)."""

    order: np.ndarray  # corpus positions
    pairs: np.ndarray  # local positions of each row's (i, j)
    docs: pa.StructArray

    @classmethod
    def of(cls, batch: pa.RecordBatch) -> "_LocalCorpus":
        ends = np.concatenate([np.array(batch.column("i"), np.int64), np.array(batch.column("j"), np.int64)])
        order, first = np.unique(ends, return_index=True)
        docs = pa.concat_arrays([batch.column("A"), batch.column("B")]).take(first)
        return cls(order, np.searchsorted(order, ends).reshape(2, -1).T, docs)


def _confirmer(docs: pa.StructArray, corpus_idf, bodies: Sequence[str] | None = None) -> Confirmer:
    """A :class:`Confirmer` of articles given as a struct array of :data:`_FILTER_COLUMNS`."""
    from scipy import sparse

    from dedup.features import TERM_BITS

    field = lambda name: pc.struct_field(docs, name)  # noqa: E731
    sizes = pc.list_value_length(field("terms")).fill_null(0).to_numpy()
    counts = sparse.csr_matrix((np.array(field("term_counts").flatten(), np.float32),
                                np.array(field("terms").flatten(), np.int32), np.r_[0, np.cumsum(sizes)]),
                               shape=(len(docs), 1 << TERM_BITS))
    shingles = field("shingles")
    start = np.r_[0, np.cumsum(pc.binary_length(shingles).fill_null(0).to_numpy() // 4)].astype(np.int64)
    values = np.frombuffer(b"".join(x or b"" for x in shingles.to_pylist()), "<u4")
    n_words = np.array(field("n_words").fill_null(0), np.int32)
    return Confirmer().fit(bodies if bodies is not None else [""] * len(docs), counts, (values, start, n_words),
                           corpus=corpus_idf)


def _filter_rows(batch: pa.RecordBatch, corpus_idf) -> pa.RecordBatch:
    """The candidates the local candidate stage keeps (:func:`dedup.scan.find_candidates`):
    every document-channel pair; sentence- and anchor-channel pairs at the related cosine;
    below it, anchor pairs whose shared anchors lie in a verbatim run long enough for a partial.
    Row ``r``'s articles are local articles ``r`` and ``k + r`` (``k`` rows)."""
    k = batch.num_rows
    c = _confirmer(pa.concat_arrays([batch.column("A"), batch.column("B")]), corpus_idf)
    pairs = np.stack([np.arange(k), np.arange(k) + k], axis=1)
    cosines = c.cosines(pairs)
    hits = batch.column("hits")
    anchor = np.array(hits.is_valid(), bool)
    keep = np.array(batch.column("by_doc"), bool)
    keep |= (np.array(batch.column("by_sentence"), bool) | anchor) & (cosines >= RELATED_COSINE)
    verbatim = anchor & ~keep
    if verbatim.any():
        row = np.repeat(np.arange(k), pc.list_value_length(hits).fill_null(0).to_numpy())
        flat = hits.flatten()
        take = verbatim[row]
        row = row[take]
        found, runs = cand.longest_runs(
            cand.AnchorHits(row, row + k, np.array(pc.struct_field(flat, "a"), np.int64)[take],
                            np.array(pc.struct_field(flat, "b"), np.int64)[take]),
            c.shingles_[0], c.shingles_[1])
        keep[found[runs >= PARTIAL_RUN[0] - SHINGLE + 1, 0]] = True
    kept = np.flatnonzero(keep)
    return pa.RecordBatch.from_arrays([batch.column("i").take(kept), batch.column("j").take(kept),
                                       pa.array(cosines[kept], pa.float32())], schema=KEPT_SCHEMA)


def _confirm_rows(batch: pa.RecordBatch, corpus_idf) -> pa.RecordBatch:
    """Confirm kept candidate rows (each with both whole articles and its cosine): the local
    scan's ``_confirm`` on a local corpus of the articles involved."""
    c = _LocalCorpus.of(batch)
    data = c.docs.to_pylist()
    articles = [article(d) for d in data]
    confirmer = _confirmer(c.docs, corpus_idf, _Bodies(articles))
    digest = np.array([d["digest"] for d in data], np.int64).view(np.uint64)
    out = _confirm(articles, confirmer, digest, c.pairs, np.array(batch.column("cosine"), np.float32))
    index_of = {a.id: int(g) for a, g in zip(articles, c.order)}
    return pa.RecordBatch.from_pydict({
        "i": [index_of[p["a"]] for p in out], "j": [index_of[p["b"]] for p in out],
        "a": [p["a"] for p in out], "b": [p["b"] for p in out], "relation": [p["relation"] for p in out],
        "source": [p["source"] for p in out], "pair": [json.dumps(p) for p in out],
    }, schema=PAIR_SCHEMA)


# -- stories ---------------------------------------------------------------------------------

def stories_of(pairs: DataFrame, corpus: DataFrame) -> tuple[DataFrame, DataFrame]:
    """Stories (:func:`dedup.relation.clusters`) from the connected components of the
    derived-or-stronger pairs, and the pairs with :func:`dedup.relation.orient_by_story`
    applied: both run per component on its members, its pairs and the related pairs
    touching it, which is all they read (returns ``(pairs, stories)``)."""
    from dedup.spark.components import connected_components

    strong_relations = sorted(DERIVED_OR_STRONGER)
    strong = pairs.where(F.col("relation").isin(strong_relations))
    comp = connected_components(strong.select(F.col("i").alias("src"), F.col("j").alias("dst")))
    comp_i = comp.select(F.col("node").alias("i"), F.col("component").alias("ci"))
    comp_j = comp.select(F.col("node").alias("j"), F.col("component").alias("cj"))
    fields = ["kind", "i", "j", "relation", "json"]
    strong_rows = strong.join(comp_i, "i").select(F.col("ci").alias("component"), F.lit("pair").alias("kind"),
                                                  "i", "j", "relation", F.col("pair").alias("json"))
    related = (pairs.where(F.col("relation") == "related").join(comp_i, "i", "left").join(comp_j, "j", "left"))
    related_rows = (related.where(F.col("ci").isNotNull()).select(F.col("ci").alias("component"), "i", "j", "pair")
                    .unionByName(related.where(F.col("cj").isNotNull() & (F.col("ci").isNull() | (F.col("cj") != F.col("ci"))))
                                 .select(F.col("cj").alias("component"), "i", "j", "pair"))
                    .select("component", F.lit("pair").alias("kind"), "i", "j", F.lit("related").alias("relation"),
                            F.col("pair").alias("json")))
    members = (comp.join(corpus.select(F.col("idx").alias("node"), "id"), "node")
               .select("component", F.lit("member").alias("kind"), F.col("node").alias("i"),
                       F.lit(None).cast("long").alias("j"), F.lit(None).cast("string").alias("relation"),
                       F.col("id").alias("json")))
    grouped = strong_rows.unionByName(related_rows).unionByName(members).select("component", *fields)
    out = cut(grouped.groupBy("component").applyInPandas(_story, spark_schema(STORY_SCHEMA)))
    story_json = out.where(F.col("kind") == "story").select(F.col("json").alias("story"))
    oriented = out.where(F.col("kind") == "pair").select("i", "j", F.col("json").alias("pair"))
    oriented = oriented.join(pairs.select("i", "j", "a", "b", "relation"), ["i", "j"])
    oriented = oriented.withColumn("source", F.get_json_object("pair", "$.source"))
    final = pairs.where(~F.col("relation").isin(strong_relations)).unionByName(
        oriented.select(*[n for n in PAIR_SCHEMA.names]))
    return final, story_json


def _story(group):
    """One component: its story and its oriented pairs (pandas in, pandas out)."""
    import pandas as pd

    members = group[group["kind"] == "member"].sort_values("i")
    pair_rows = group[group["kind"] == "pair"]
    pairs = [json.loads(s) for s in pair_rows["json"]]
    strong = [p for p, rel in zip(pairs, pair_rows["relation"]) if rel != "related"]
    stories = clusters(list(members["json"]), pairs)
    orient_by_story(strong, stories)
    index = {(p["a"], p["b"]): (i, j) for p, i, j in zip(pairs, pair_rows["i"], pair_rows["j"])}
    rows = [("story", None, None, None, json.dumps(s)) for s in stories]
    rows += [("pair", *index[(p["a"], p["b"])], p["relation"], json.dumps(p)) for p in strong]
    return pd.DataFrame(rows, columns=["kind", "i", "j", "relation", "json"]).astype(
        {"i": "Int64", "j": "Int64"})
