"""Connected components of a large undirected graph, on Spark DataFrames.

The alternating large-star / small-star algorithm of Kiveris et al., "Connected Components
in MapReduce and Beyond" (SoCC 2014), in DataFrame operations only (no UDFs, no RDDs), so
the whole loop runs in the JVM. Every undirected edge is kept once, oriented from the larger
id to the smaller (``src > dst``): a node's smaller neighbours are its ``dst`` values, its
larger neighbours the ``src`` values pointing at it.

* large-star: every node ``u`` links each larger neighbour to ``m(u)``, the smallest of ``u``
  and its neighbours;
* small-star: every node ``u`` links itself and each smaller neighbour to the smallest of them.

Both preserve connectivity. The loop stops as soon as the edges form stars (every ``src``
has one edge and no ``dst`` is a ``src``), each then centred on its component's smallest id:
the fixed point of the iteration, which the paper shows is reached in O(log^2 n) iterations,
checked directly instead of by comparing edge sets. No step joins a DataFrame with itself:
Spark would then miss the cache of the previous iteration.

>>> from dedup.spark.session import get_session
>>> spark = get_session("local[2]")
>>> edges = spark.createDataFrame([(5, 3), (3, 9), (7, 8), (4, 4)], "src long, dst long")
>>> sorted(tuple(row) for row in connected_components(edges).collect())
[(3, 3), (4, 4), (5, 3), (7, 7), (8, 7), (9, 3)]
"""

from __future__ import annotations

import logging

import pyspark  # noqa: F401  (the root conftest.py skips this module without PySpark)
from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

log: logging.Logger = logging.getLogger(__name__)


class ComponentsDidNotConverge(RuntimeError):
    """The large-star / small-star loop ran ``max_iterations`` times without converging."""


def _rows(*structs: dict[str, Column | str]) -> Column:
    """A generator column: each input row becomes one output row per struct."""
    def field(name: str, value: Column | str) -> Column:
        return (F.col(value) if isinstance(value, str) else value).alias(name)

    return F.inline(F.array(*(F.struct(*(field(k, v) for k, v in struct.items())) for struct in structs)))


def _dedup(edges: DataFrame) -> DataFrame:
    # Partitioned by src, so that the small-star window on src needs no shuffle.
    return edges.repartition("src").distinct()


def _large_star(edges: DataFrame) -> DataFrame:
    # Edge (s, d) is listed under d (s is a larger neighbour) and under s (d is a smaller one).
    none = F.lit(None).cast("long")
    rows = edges.select(_rows({"node": "dst", "larger": "src", "smaller": none},
                              {"node": "src", "larger": none, "smaller": "dst"}))
    smallest = F.least("node", F.min("smaller").over(Window.partitionBy("node")))
    return _dedup(rows.select(F.col("larger").alias("src"), smallest.alias("dst")).where("src is not null"))


def _small_star(edges: DataFrame) -> DataFrame:
    # Edge (s, d), low = the smallest of the smaller neighbours of s: s and d both link to low.
    rows = edges.withColumn("low", F.min("dst").over(Window.partitionBy("src")))
    linked = rows.select(_rows({"src": "src", "dst": "low"}, {"src": "dst", "dst": "low"}))
    return _dedup(linked.where("src != dst"))


def _is_star_forest(edges: DataFrame) -> bool:
    """Does every ``src`` have a single edge, to a ``dst`` that is no ``src``?"""
    ends = edges.select(_rows({"node": "src", "out": F.lit(1)}, {"node": "dst", "out": F.lit(0)}))
    degrees = ends.groupBy("node").agg(F.sum("out").alias("out"), F.count("*").alias("degree"))
    return degrees.where("out > 0 and degree > 1").isEmpty()


def truncate(df: DataFrame) -> DataFrame:
    """``df`` materialised with its lineage cut: a reliable checkpoint if a directory is set."""
    try:
        has_dir = df.sparkSession.sparkContext.getCheckpointDir() is not None
    except Exception:  # Spark Connect has no SparkContext
        has_dir = df.sparkSession.conf.get("spark.checkpoint.dir", None) is not None
    return df.checkpoint() if has_dir else df.localCheckpoint()


def connected_components(edges: DataFrame, checkpoint_every: int = 2, max_iterations: int = 100) -> DataFrame:
    """Label every node of ``edges`` (long columns ``src``, ``dst``; self loops and duplicate
    edges allowed) with its component: a materialised DataFrame ``node``, ``component`` (the
    component's smallest node id), one row per node.

    Iterations are cached, and their lineage cut every ``checkpoint_every`` iterations
    (:meth:`DataFrame.checkpoint` when the SparkContext has a checkpoint directory, else
    :meth:`DataFrame.localCheckpoint`). Raises :class:`ComponentsDidNotConverge` when the
    edges are no star forest after ``max_iterations`` iterations.
    """
    if checkpoint_every < 1 or max_iterations < 1:
        raise ValueError("checkpoint_every and max_iterations must be at least 1")
    ends = edges.select(F.col("src").cast("long"), F.col("dst").cast("long"))
    oriented = ends.select(F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst"))
    pairs = truncate(_dedup(oriented))
    current = pairs.where("src != dst")  # self loops only contribute their node
    for iteration in range(1, max_iterations + 1):
        following = _small_star(_large_star(current))
        following = truncate(following) if iteration % checkpoint_every == 0 else following.persist()
        converged = _is_star_forest(following)  # fills the cache, so current's can go
        current.unpersist()  # a no-op unless current is a cache
        current = following
        if converged:
            log.info("connected components converged in %d iterations", iteration)
            break
    else:
        current.unpersist()
        raise ComponentsDidNotConverge(
            f"connected components did not converge in max_iterations={max_iterations} iterations")
    # Leaves are labelled with their centre, every other node of the input with itself.
    # current goes first: Spark renames the attributes of a second side that shares its lineage,
    # and so would miss its cache.
    labels = current.select(F.col("src").alias("node"), F.col("dst").alias("component")).unionByName(
        pairs.select(_rows({"node": "src", "component": "src"}, {"node": "dst", "component": "dst"})))
    result = truncate(labels.groupBy("node").agg(F.min("component").alias("component")))
    current.unpersist()
    return result
