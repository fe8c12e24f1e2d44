"""dedup.spark.components: large-star / small-star connected components against a union-find."""

import logging
import os
import random

import pytest

pytest.importorskip("pyspark")

from dedup.spark.components import ComponentsDidNotConverge, connected_components  # noqa: E402

BIG = 2**40


def union_find(edges):
    """{node: smallest node of its component}, the plain-Python reference."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: find(node) for node in parent}


def components(spark, edges, **kwargs):
    df = spark.createDataFrame(edges, "src long, dst long")
    result = connected_components(df, **kwargs)
    assert result.dtypes == [("node", "bigint"), ("component", "bigint")]
    rows = result.collect()
    labels = {row.node: row.component for row in rows}
    assert len(labels) == len(rows), "one row per node"
    return labels


def shuffled_path(n, seed):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return list(zip(order, order[1:]))


HAND_CASES = {
    "single edge": [(2, 1)],
    "descending chain of 50": [(i, i - 1) for i in range(50, 1, -1)],
    "star": [(0, leaf) for leaf in range(1, 30)] + [(leaf, 100) for leaf in range(101, 110)],
    "two components": [(1, 2), (2, 3), (10, 11), (11, 12), (3, 1)],
    "self loops": [(5, 5), (6, 6), (6, 7), (8, 8), (8, 8)],
    "duplicate edges": [(1, 2), (2, 1), (1, 2), (3, 4), (4, 3), (4, 3), (2, 3)],
    "ids near 2**40": [(BIG + 3, BIG + 1), (BIG + 1, BIG - 7), (BIG + 9, BIG + 8), (BIG - 7, 5)],
}


def test_hand_cases(spark):
    # One Spark run for all of them (Spark's cost is per job): case k's ids are shifted by k * 2**42.
    shifted = {name: [(a + (k << 42), b + (k << 42)) for a, b in edges]
               for k, (name, edges) in enumerate(HAND_CASES.items())}
    labels = components(spark, [edge for edges in shifted.values() for edge in edges])
    for name, edges in shifted.items():
        expected = union_find(edges)
        assert {node: labels.get(node) for node in expected} == expected, name
    assert len(labels) == sum(len(union_find(edges)) for edges in shifted.values())


def test_empty(spark):
    assert components(spark, []) == {}


def test_random_graph(spark):
    rng = random.Random(7)
    edges = [(rng.randrange(2000), rng.randrange(2000)) for _ in range(1500)]
    edges += [(BIG + a, BIG + b) for a, b in edges[:300]]  # a second, far-away id range
    expected = union_find(edges)
    assert len(set(expected.values())) > 100  # many components, some of them large
    assert components(spark, edges) == expected


def test_many_small_random_graphs(spark):
    # 400 graphs of 2-8 nodes with scattered ids, in one run: many shapes and orders of ids.
    rng = random.Random(11)
    edges = []
    for k in range(400):
        ids = rng.sample(range(1000), rng.randint(2, 8))
        graph = [(a, b) for a in ids for b in ids if a < b and rng.random() < 0.4] or [(ids[0], ids[1])]
        edges += [(k * 1000 + a, k * 1000 + b)[::rng.choice((1, -1))] for a, b in graph]  # either direction
    assert components(spark, edges) == union_find(edges)


def test_long_shuffled_path_checkpoints(spark, caplog):
    edges = shuffled_path(1000, seed=3)
    checkpoints = spark.sparkContext.getCheckpointDir().removeprefix("file:")
    before = sum(len(files) for _, _, files in os.walk(checkpoints))
    with caplog.at_level(logging.INFO, logger="dedup.spark.components"):
        assert components(spark, edges, checkpoint_every=2) == {node: 0 for node in range(1000)}
    iterations = [r.args[0] for r in caplog.records if "converged" in r.getMessage()]
    assert len(iterations) == 1 and iterations[0] >= 4, iterations  # several iterations, so several checkpoints
    assert sum(len(files) for _, _, files in os.walk(checkpoints)) > before


def test_local_checkpoint_without_checkpoint_dir(spark, monkeypatch):
    from pyspark import SparkContext

    checkpoints = spark.sparkContext.getCheckpointDir().removeprefix("file:")
    before = sum(len(files) for _, _, files in os.walk(checkpoints))
    monkeypatch.setattr(SparkContext, "getCheckpointDir", lambda self: None)
    edges = shuffled_path(12, seed=5) + [(100, 101)]
    assert components(spark, edges, checkpoint_every=1) == union_find(edges)
    assert sum(len(files) for _, _, files in os.walk(checkpoints)) == before  # local checkpoints only


def test_bad_arguments(spark):
    edges = spark.createDataFrame([(1, 2)], "src long, dst long")
    for kwargs in ({"checkpoint_every": 0}, {"max_iterations": 0}):
        with pytest.raises(ValueError):
            connected_components(edges, **kwargs)


def test_max_iterations_exceeded(spark):
    edges = spark.createDataFrame([(i, i - 1) for i in range(50, 1, -1)], "src long, dst long")
    with pytest.raises(ComponentsDidNotConverge, match="max_iterations=2"):
        connected_components(edges, max_iterations=2)
