"""The confirm stage on Spark: each candidate pair joined with its two articles, then the
pipeline's rule (:func:`dedup.pipeline.keep_candidates`) and confirmation
(:func:`dedup.pipeline.confirm_pairs`) on Arrow batches of pairs, with the IDF of the
whole corpus (a broadcast :class:`dedup.confirm.CorpusIdf`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from scipy import sparse

from dedup import candidates as cand
from dedup.confirm import Confirmer, CorpusIdf
from dedup.params import DEFAULT, Params
from dedup.pipeline import Bodies, confirm_pairs, keep_candidates, runs_needed
from dedup.spark.arrow import ARTICLE_FIELDS, article, spark_schema

if TYPE_CHECKING:
    from pyspark.core.broadcast import Broadcast

_LONG, _STR = pa.int64(), pa.string()
PAIR_SCHEMA = pa.schema([("i", _LONG), ("j", _LONG), ("a", _STR), ("b", _STR), ("relation", _STR),
                         ("source", _STR), ("pair", _STR)])
# what confirming a pair reads of each article
_CONFIRM_COLUMNS = [name for name, _ in ARTICLE_FIELDS] + ["terms", "term_counts", "shingles", "n_words", "digest"]
PAIRS_PER_BATCH = 500  # candidate pairs (each with both articles) per Arrow batch in the confirm stage


def filter_candidates(corpus: DataFrame, found: DataFrame, idf: Broadcast[CorpusIdf], params: Params = DEFAULT
                      ) -> DataFrame:
    """The pairs of ``found`` (:func:`dedup.spark.candidates.find_candidates`) that
    :func:`dedup.pipeline.keep_candidates` keeps, with their cosine (:data:`KEPT_SCHEMA`):
    each joined with both articles' term counts and shingles only, then :func:`_filter_rows`.
    ``idf``: a broadcast of the corpus's :class:`dedup.confirm.CorpusIdf`."""
    light = _with_articles(found, corpus, _FILTER_COLUMNS)
    return light.mapInArrow(_batched(_filter_rows, idf, params), spark_schema(KEPT_SCHEMA))


def confirm(corpus: DataFrame, candidates: DataFrame, idf: Broadcast[CorpusIdf], params: Params = DEFAULT
            ) -> DataFrame:
    """The reported pairs among ``candidates`` (:func:`filter_candidates`), as
    :data:`PAIR_SCHEMA`: each joined with both whole articles and confirmed by
    :func:`dedup.pipeline.confirm_pairs`. ``idf``: as for :func:`filter_candidates`."""
    whole = _with_articles(candidates, corpus, _CONFIRM_COLUMNS)
    return whole.mapInArrow(_batched(_confirm_rows, idf, params), spark_schema(PAIR_SCHEMA))


_FILTER_COLUMNS = ["terms", "term_counts", "shingles", "n_words"]
KEPT_SCHEMA = pa.schema([("i", _LONG), ("j", _LONG), ("cosine", pa.float32())])


def _with_articles(pairs: DataFrame, corpus: DataFrame, columns: list[str]) -> DataFrame:
    """``pairs`` with the ``columns`` of article ``i`` as struct ``A`` and of ``j`` as ``B``."""
    data = corpus.select("idx", F.struct(*columns).alias("d"))
    return (pairs.join(data.select(F.col("idx").alias("i"), F.col("d").alias("A")), "i")
            .join(data.select(F.col("idx").alias("j"), F.col("d").alias("B")), "j"))


def _batched(fn, idf, params: Params):
    """A ``mapInArrow`` function applying ``fn(batch, idf, params)`` to :data:`PAIRS_PER_BATCH` rows at a time."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        corpus_idf = idf.value
        for batch in batches:
            for lo in range(0, batch.num_rows, PAIRS_PER_BATCH):
                yield fn(batch.slice(lo, PAIRS_PER_BATCH), corpus_idf, params)

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


def _confirmer(docs: pa.StructArray, corpus_idf: CorpusIdf, params: Params,
               bodies: Sequence[str] | None = None) -> Confirmer:
    """A :class:`Confirmer` of articles given as a struct array of :data:`_FILTER_COLUMNS`."""
    field = lambda name: pc.struct_field(docs, name)  # noqa: E731
    sizes = pc.list_value_length(field("terms")).fill_null(0).to_numpy()
    counts = sparse.csr_matrix((np.array(field("term_counts").flatten(), np.float32),
                                np.array(field("terms").flatten(), np.int32), np.r_[0, np.cumsum(sizes)]),
                               shape=(len(docs), 1 << params.term_bits))
    shingles = field("shingles")
    start = np.r_[0, np.cumsum(pc.binary_length(shingles).fill_null(0).to_numpy() // 4)].astype(np.int64)
    values = np.frombuffer(b"".join(x or b"" for x in shingles.to_pylist()), "<u4")
    n_words = np.array(field("n_words").fill_null(0), np.int32)
    return Confirmer(params).fit(bodies if bodies is not None else [""] * len(docs), counts,
                                 (values, start, n_words), idf=corpus_idf)


def _filter_rows(batch: pa.RecordBatch, corpus_idf: CorpusIdf, params: Params) -> pa.RecordBatch:
    """The candidate rows :func:`dedup.pipeline.keep_candidates` keeps, with their cosine:
    the anchor rows that need it get their verbatim run measured first. Row ``r``'s
    articles are local articles ``r`` and ``k + r`` (``k`` rows)."""
    k = batch.num_rows
    c = _confirmer(pa.concat_arrays([batch.column("A"), batch.column("B")]), corpus_idf, params)
    rows = np.arange(k)
    hits = batch.column("hits")
    found = cand.Candidates(np.stack([rows, rows + k], axis=1), np.array(batch.column("by_doc"), bool),
                            np.array(hits.is_valid(), bool), np.array(batch.column("by_sentence"), bool),
                            c.cosines(np.stack([rows, rows + k], axis=1)), np.full(k, cand.NOT_MEASURED, np.int64))
    need = found.by_anchor & runs_needed(found.cosine, params)
    if need.any():
        row = np.repeat(rows, pc.list_value_length(hits).fill_null(0).to_numpy())
        flat = hits.flatten()
        take = need[row]
        row = row[take]
        pairs, runs = cand.longest_runs(
            cand.AnchorHits(row, row + k, np.array(pc.struct_field(flat, "a"), np.int64)[take],
                            np.array(pc.struct_field(flat, "b"), np.int64)[take]),
            c.shingles_[0], c.shingles_[1], params.run_reach)
        found.anchor_run[pairs[:, 0]] = runs
    kept = np.flatnonzero(keep_candidates(found, params)[0])
    return pa.RecordBatch.from_arrays([batch.column("i").take(kept), batch.column("j").take(kept),
                                       pa.array(found.cosine[kept], pa.float32())], schema=KEPT_SCHEMA)


def _confirm_rows(batch: pa.RecordBatch, corpus_idf: CorpusIdf, params: Params) -> pa.RecordBatch:
    """Confirm kept candidate rows (each with both whole articles and its cosine) by
    :func:`dedup.pipeline.confirm_pairs` on a local corpus of the articles involved."""
    c = _LocalCorpus.of(batch)
    data = c.docs.to_pylist()
    articles = [article(d) for d in data]
    confirmer = _confirmer(c.docs, corpus_idf, params, Bodies(articles))
    digest = np.array([d["digest"] for d in data], np.int64).view(np.uint64)
    out = confirm_pairs(articles, confirmer, c.pairs, np.array(batch.column("cosine"), np.float32), digest, params)
    index_of = {a.id: int(g) for a, g in zip(articles, c.order)}
    return pa.RecordBatch.from_pydict({
        "i": [index_of[p.a] for p in out], "j": [index_of[p.b] for p in out],
        "a": [p.a for p in out], "b": [p.b for p in out], "relation": [p.relation.value for p in out],
        "source": [p.source for p in out], "pair": [json.dumps(p.to_dict()) for p in out],
    }, schema=PAIR_SCHEMA)
