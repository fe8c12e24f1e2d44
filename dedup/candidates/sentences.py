"""The sentence channel: articles whose sentences collide in the sentence MinHash bands.

A paraphrased sentence keeps most of its names, numbers and content words, so digests,
rewrites and embedded passages collide sentence by sentence even when no 5-gram
survives. A pair of articles becomes a candidate when ``sentence_min_hits`` distinct
sentence pairs collide (:func:`pairs_with_hits`, the one rule of the three drivers).

>>> keys = np.array([[1], [1], [2], [2], [3]], np.uint32)  # five sentences, one band
>>> doc_pairs_from_keys(keys, np.array([0, 1, 0, 1, 2], np.int32), max_bucket=16, min_hits=2).tolist()
[[0, 1]]
"""

from __future__ import annotations

import os

import numpy as np

from dedup.arrays import unique
from dedup.candidates.buckets import LshStats, bucket_pairs, partition
from dedup.spill import ArraySink
from dedup.spill import column as column_of


def pairs_with_hits(codes: np.ndarray, min_hits: int, in_place: bool = False) -> np.ndarray:
    """The article pairs that at least ``min_hits`` distinct colliding sentence pairs support:
    ``codes`` holds one article-pair code (any int64 numbering of the pairs) per distinct
    sentence pair; returns the codes listed ``min_hits`` times or more, sorted.
    ``in_place``: ``codes`` (int64) may be sorted where it is (no copy: tens of millions
    of codes at a million articles).

    >>> pairs_with_hits(np.array([7, 3, 7, 9, 7, 3]), 2).tolist()
    [3, 7]
    """
    if in_place and isinstance(codes, np.ndarray) and codes.dtype == np.int64:
        codes.sort()
    else:
        codes = np.sort(np.asarray(codes, np.int64))
    if codes.size == 0:
        return codes
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    counts = np.diff(np.r_[starts, codes.size])
    return codes[starts[counts >= min_hits]]


def doc_pairs_from_keys(keys: np.ndarray, item_doc: np.ndarray, max_bucket: int, min_hits: int,
                        stats: LshStats | None = None, folder: str | None = None,
                        part_items: int = 1 << 20) -> np.ndarray:
    """Article pairs with ``min_hits`` distinct pairs of items (sentences) sharing a key
    (a band bucket of at most ``max_bucket`` items), in bounded memory.

    The item pairs of each band are dealt, by article pair, into partitions (one per
    ``part_items`` items; files in ``folder`` when given), and each partition is counted
    alone: an item pair always lands in its article pair's partition, so the distinct item
    pairs of an article pair are counted whole. Memory holds one band's and one
    partition's pairs, not the tens of millions of all bands.
    """
    m = keys.shape[0]
    if m == 0:
        return np.empty((0, 2), np.int64)
    n = int(item_doc.max()) + 1
    # items by article first, so that a bucket over the cap joins through its lowest article's
    # first item, as the Spark job and the index choose (batches may sketch articles out of order)
    by_article = np.argsort(item_doc, kind="stable") if np.any(item_doc[1:] < item_doc[:-1]) else None
    if by_article is not None:
        item_doc = item_doc[by_article]
    parts = max(1, m // part_items) if folder is not None else 1
    sinks = [ArraySink(np.int64, path=None if folder is None else os.path.join(folder, f"sentence-pairs-{p}"))
             for p in range(parts)]
    for band in range(keys.shape[1]):
        column = column_of(keys, band)
        if by_article is not None:
            column = column[by_article]
        for a, b in bucket_pairs(column, max_bucket, stats):
            da, db = item_doc[a].astype(np.int64), item_doc[b].astype(np.int64)
            keep = da != db
            a, b, da, db = a[keep], b[keep], da[keep], db[keep]
            items = np.minimum(a, b) * m + np.maximum(a, b)
            if parts == 1:
                sinks[0].add(items)
                continue
            part = partition(np.minimum(da, db) * n + np.maximum(da, db), parts)
            order = np.argsort(part, kind="stable")
            bounds = np.r_[0, np.cumsum(np.bincount(part, minlength=parts))]
            items = items[order]
            for p in range(parts):
                sinks[p].add(items[bounds[p]: bounds[p + 1]])
    found = []
    for sink in sinks:
        items = unique(sink.read())
        if stats:
            stats.pairs += items.size
        da, db = item_doc[items // m].astype(np.int64), item_doc[items % m].astype(np.int64)
        del items
        codes = np.minimum(da, db) * n + np.maximum(da, db)
        del da, db
        found.append(pairs_with_hits(codes, min_hits, in_place=True))
        del codes
    codes = np.sort(np.concatenate(found)) if found else np.empty(0, np.int64)
    return np.stack([codes // n, codes % n], axis=1)


