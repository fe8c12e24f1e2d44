"""The candidate stage on Spark: the three channels of :mod:`dedup.candidates`, their
buckets gathered by one shuffle each and paired in NumPy by the local functions.

>>> from dedup.spark.session import get_session
>>> spark = get_session("local[2]")
>>> keyed = spark.createDataFrame([(0, 5), (1, 5), (2, 6), (3, 5)], "idx long, key long")
>>> sorted((r.i, r.j) for r in bucket_pairs(keyed, ["key"], 8, "example", {}).collect())
[(0, 1), (0, 3), (1, 3)]
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.sql.types import LongType, StructField, StructType

from dedup import candidates as cand
from dedup.params import DEFAULT, Params
from dedup.sketch.features import sentence_bands_rows
from dedup.spark.arrow import spark_schema
from dedup.spark.components import truncate as cut

log: logging.Logger = logging.getLogger("dedup.spark")

_LONG, _INT = pa.int64(), pa.int32()


def bucket_pairs(keyed: DataFrame, by: list[str], max_bucket: int, channel: str, stats: dict[str, Any],
                  extra: Sequence[str] = ()) -> DataFrame:
    """Every pair of rows of different articles sharing ``by`` (a bucket): ``i < j`` and the
    ``extra`` columns of each side as ``<name>_i``, ``<name>_j``. A bucket of more than
    ``max_bucket`` rows pairs each with its first row only (the lowest article, then the
    lowest ``extra`` values), counted in ``stats`` and logged, as the local scan does.

    One shuffle by ``by`` brings each bucket's rows into one partition, where the local
    scan's own pairing (:func:`dedup.candidates.bucket_pairs`, sorted in NumPy) pairs them.
    """
    fields = {f.name: f.dataType for f in keyed.schema.fields}
    schema = StructType([StructField("i", LongType()), StructField("j", LongType()),
                         *[StructField(f"{c}_{side}", fields[c]) for side in "ij" for c in extra]])
    rows = cut(keyed.repartition(*by).mapInArrow(_partition_pairs(by, max_bucket, extra, schema), schema))
    big = rows.where(F.col("i") < 0).groupBy("i").agg(F.sum("j").alias("n")).collect()
    large = {-r.i: int(r.n) for r in big}
    buckets, members = large.get(1, 0), large.get(2, 0)
    if buckets:
        log.info("%s: %d buckets over %d rows joined through their first row (%d rows)", channel, buckets,
                 max_bucket, members)
    stats["large_buckets"] = stats.get("large_buckets", 0) + buckets
    stats.setdefault("large_by_channel", {})[channel] = buckets
    return rows.where(F.col("i") >= 0)


def _partition_pairs(by: list[str], max_bucket: int, extra: Sequence[str], schema: StructType):
    """A ``mapInArrow`` function pairing the buckets of a partition (all rows of each of its
    buckets: see :func:`_bucket_pairs`). Two last rows carry the large buckets and their
    rows in ``j`` (``i`` = -1 and -2)."""
    arrow = to_arrow_schema(schema)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        table = partition_table(batches)
        if table is None:
            return
        idx, key = table.column("idx").to_numpy(), table.column(by[-1]).to_numpy()
        values = [table.column(c).to_numpy() for c in extra]
        group = table.column(by[0]).to_numpy() if len(by) > 1 else np.zeros(len(key), np.int8)
        del table
        order = np.lexsort((*values[::-1], idx))  # the local scan's row order: a large bucket's first row agrees
        idx, key, group, values = idx[order], key[order], group[order], [v[order] for v in values]
        lsh = cand.LshStats()
        for g in np.unique(group).tolist():  # a band at a time, as the local scan pairs them
            rows = np.flatnonzero(group == g)
            for a, b in cand.bucket_pairs(key[rows], max_bucket, lsh):
                a, b = rows[a], rows[b]
                other = idx[a] != idx[b]
                a, b = a[other], b[other]
                first = idx[a] < idx[b]
                a, b = np.where(first, a, b), np.where(first, b, a)
                yield pa.RecordBatch.from_arrays([pa.array(idx[a]), pa.array(idx[b]), *[pa.array(v[a]) for v in values],
                                                  *[pa.array(v[b]) for v in values]], schema=arrow)
        tail = {"i": [-1, -2], "j": [lsh.large_buckets, lsh.large_members]}
        yield pa.RecordBatch.from_pydict({f.name: tail.get(f.name, [None, None]) for f in arrow}, schema=arrow)

    return run


def find_candidates(corpus: DataFrame, stats: dict[str, Any], params: Params = DEFAULT) -> DataFrame:
    """Candidate pairs ``i < j`` from the three channels of :mod:`dedup.candidates`, with
    ``by_doc``, ``by_sentence`` and the anchor ``hits`` (positions in each) that
    :func:`dedup.pipeline.keep_candidates` reads (:func:`dedup.spark.confirm.filter_candidates`)."""
    docs = corpus.select("idx", F.posexplode("doc_keys").alias("band", "key"))
    by_doc = (bucket_pairs(docs, ["band", "key"], params.doc_max_bucket, "documents", stats)
              .select("i", "j").distinct().withColumn("by_doc", F.lit(True)))

    anchors = corpus.select("idx", F.explode(F.arrays_zip("anchors", "anchor_pos")).alias("z")).select(
        "idx", F.col("z.anchors").alias("anchor"), F.col("z.anchor_pos").alias("pos"))
    hits = bucket_pairs(anchors, ["anchor"], params.anchor_max_docs, "anchors", stats, ["pos"])
    by_anchor = hits.repartition("i", "j").mapInArrow(lambda batches: _anchor_cells(batches, params),
                                                      spark_schema(ANCHOR_SCHEMA))

    bands = sentence_bands_rows(params)[0]
    sentences = corpus.select("idx", F.posexplode("sentence_keys").alias("p", "key")).select(
        "idx", (F.col("p") % bands).alias("band"), F.floor(F.col("p") / bands).alias("s"), "key")
    by_sentence = (bucket_pairs(sentences, ["band", "key"], params.sentence_max_bucket, "sentences", stats, ["s"])
                   .repartition("i", "j").mapInArrow(lambda batches: _sentence_hits(batches, params.sentence_min_hits),
                                                     "i long, j long")
                   .withColumn("by_sentence", F.lit(True)))
    return (by_doc.join(by_anchor, ["i", "j"], "full").join(by_sentence, ["i", "j"], "full")
            .fillna(False, ["by_doc", "by_sentence"]))


ANCHOR_SCHEMA = pa.schema([("i", _LONG), ("j", _LONG), ("hits", pa.list_(pa.struct([("a", _INT), ("b", _INT)])))])


def partition_table(batches: Iterator[pa.RecordBatch]) -> pa.Table | None:
    """All rows of a partition (``None`` when it has none)."""
    batches = list(batches)
    return pa.Table.from_batches(batches) if batches else None


def _pair_runs(i: np.ndarray, j: np.ndarray, *within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows in order of article pair (then of ``within``), and where each pair's run starts."""
    code = (i << 32) | j  # corpus positions stay below 2**31
    order = np.lexsort((*within[::-1], code))
    code = code[order]
    return order, np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if code.size else np.empty(0, np.int64)


def _anchor_cells(batches: Iterator[pa.RecordBatch], params: Params) -> Iterator[pa.RecordBatch]:
    """The article pairs of a partition's shared anchors (all of each pair's: see
    :func:`find_candidates`) with a diagonal cell of ``anchor_min_hits``, and the anchors
    in those cells as ``hits`` (:func:`dedup.candidates.full_cells`)."""
    table = partition_table(batches)
    if table is None:
        return
    i, j = (np.array(table.column(c), np.int64) for c in ("i", "j"))
    pos_i, pos_j = (np.array(table.column(c), np.int32) for c in ("pos_i", "pos_j"))
    order, starts = _pair_runs(i, j)
    pair = np.zeros(order.size, np.int64)
    pair[starts] = 1
    pair = np.cumsum(pair) - 1  # each row's pair, in order
    kept, _ = cand.full_cells(pair, pos_i[order].astype(np.int64) - pos_j[order], np.arange(order.size),
                              np.arange(order.size), params.anchor_min_hits, params.anchor_slack)
    rows = order[kept]  # kept is ascending: the rows stay in pair order
    first = np.flatnonzero(np.r_[True, pair[kept][1:] != pair[kept][:-1]]) if kept.size else np.empty(0, np.int64)
    hits = pa.ListArray.from_arrays(pa.array(np.r_[first, kept.size], pa.int32()), pa.StructArray.from_arrays(
        [pa.array(pos_i[rows]), pa.array(pos_j[rows])], names=["a", "b"]))
    yield pa.RecordBatch.from_arrays([pa.array(i[rows][first]), pa.array(j[rows][first]), hits], schema=ANCHOR_SCHEMA)


def _sentence_hits(batches: Iterator[pa.RecordBatch], min_hits: int) -> Iterator[pa.RecordBatch]:
    """The article pairs of a partition's colliding sentence pairs (all of each article
    pair's) with ``min_hits`` distinct sentence pairs (:func:`dedup.candidates.pairs_with_hits`)."""
    table = partition_table(batches)
    if table is None:
        return
    i, j, s_i, s_j = (np.array(table.column(c), np.int64) for c in ("i", "j", "s_i", "s_j"))
    order, _ = _pair_runs(i, j, s_i, s_j)
    i, j, s_i, s_j = i[order], j[order], s_i[order], s_j[order]
    distinct = np.r_[True, (i[1:] != i[:-1]) | (j[1:] != j[:-1]) | (s_i[1:] != s_i[:-1]) | (s_j[1:] != s_j[:-1])] \
        if i.size else np.zeros(0, bool)
    found = cand.pairs_with_hits((i[distinct] << 32) | j[distinct], min_hits)  # corpus positions stay below 2**31
    yield pa.RecordBatch.from_arrays([pa.array(found >> 32), pa.array(found & 0xFFFFFFFF)], names=["i", "j"])
