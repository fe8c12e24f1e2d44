"""Pairs of rows that share a key: the bucket step of every LSH channel, in bounded memory.

A bucket larger than its cap is a group, not a clique: each member is paired with the
bucket's representative, its first row (the earliest article), so no article is lost to a
cap and the pairs stay linear in the bucket's size (a story syndicated a thousand times,
stock phrases). Such buckets are counted.

>>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [9, 9, 9, 9]], np.uint32)
>>> lsh_pairs(sig, bands=2, rows=2).tolist()
[[0, 1]]
>>> key_pairs(np.array([[7], [7], [7], [7]]), max_bucket=2).tolist()
[[0, 1], [0, 2], [0, 3]]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from dedup.arrays import unique
from dedup.params import DEFAULT
from dedup.sketch.minhash import band_keys
from dedup.spill import column

CHUNK_PAIRS = 1 << 20  # pairs (or rows) handled at a time where a stage could otherwise hold all
BUCKET_ROWS = 1 << 24  # keys sorted at once (see bucket_pairs)


@dataclass
class LshStats:
    """What the bucket step saw: buckets paired, buckets over the cap and their members, pairs."""

    buckets: int = 0
    large_buckets: int = 0  # over the cap: joined through their representative
    large_members: int = 0
    pairs: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def lsh_pairs(sig: np.ndarray, bands: int, rows: int, max_bucket: int = DEFAULT.doc_max_bucket,
              stats: LshStats | None = None) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, of rows that agree on all ``rows`` values of a band."""
    return key_pairs(band_keys(sig, bands, rows), max_bucket, stats)


def bucket_pairs(key: np.ndarray, max_bucket: int, stats: LshStats | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(a, b)`` row arrays of every pair of rows with an equal ``key``, a chunk at a time;
    in a bucket larger than ``max_bucket``, of each row with the bucket's first row only.

    More than :data:`BUCKET_ROWS` keys are split by a hash of their value into parts
    grouped one after the other (equal keys share a part), so the sort's memory is that of
    one part: at a million articles the 94 million anchors would take 1.5 GB at once.
    """
    key = np.asarray(key)
    parts = -(-key.shape[0] // BUCKET_ROWS)
    if parts <= 1:
        yield from _part_pairs(key, max_bucket, stats)
        return
    part = np.empty(key.shape[0], np.uint16)
    for lo in range(0, key.shape[0], CHUNK_PAIRS):
        part[lo: lo + CHUNK_PAIRS] = partition(key[lo: lo + CHUNK_PAIRS], parts)
    for p in range(parts):
        rows = np.flatnonzero(part == p)
        for a, b in _part_pairs(key[rows], max_bucket, stats):
            yield rows[a], rows[b]


def _part_pairs(key: np.ndarray, max_bucket: int, stats: LshStats | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    rows, bounds = bucket_rows(key)
    sizes = np.diff(bounds)
    for size in unique(sizes).tolist():
        group_starts = bounds[:-1][sizes == size]
        if size > max_bucket:  # a group: every member with the representative (rows ascend within a bucket)
            if stats:
                stats.large_buckets += group_starts.size
                stats.large_members += group_starts.size * size
            step = max(1, CHUNK_PAIRS // size)
            for lo in range(0, group_starts.size, step):
                members = rows[group_starts[lo: lo + step, None] + np.arange(size)[None, :]]
                yield np.repeat(members[:, 0], size - 1), members[:, 1:].ravel()
            continue
        iu, ju = np.triu_indices(size, 1)
        if stats:
            stats.buckets += group_starts.size
        step = max(1, CHUNK_PAIRS // iu.size)  # groups at a time: what callers derive stays bounded
        for lo in range(0, group_starts.size, step):
            members = rows[group_starts[lo: lo + step, None] + np.arange(size)[None, :]]  # (groups, size)
            yield members[:, iu].ravel(), members[:, ju].ravel()


def bucket_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``key`` that share their value with another row, grouped by value
    (``rows[bounds[g]:bounds[g + 1]]``, rows ascending within a group).

    Keys of 32 bits or less are sorted packed with their row in one 64-bit value (one
    in-place sort, 8 bytes a row); wider keys by an argsort. Only the rows in groups are
    kept past the sort: most keys are unique.

    >>> rows, bounds = bucket_rows(np.array([7, 3, 7, 1, 3, 7], np.uint32))
    >>> rows.tolist(), bounds.tolist()
    ([1, 4, 0, 2, 5], [0, 2, 5])
    """
    n = key.shape[0]
    if key.dtype.itemsize <= 4 and n < (1 << 32):
        packed = key.astype(np.uint64)
        for lo in range(0, n, CHUNK_PAIRS):  # in place, a chunk at a time: no full-size temporaries
            hi = min(lo + CHUNK_PAIRS, n)
            packed[lo:hi] <<= np.uint64(32)
            packed[lo:hi] |= np.arange(lo, hi, dtype=np.uint64)
        packed.sort()
        same = np.empty(max(n - 1, 0), bool)  # the same key as the next row
        for lo in range(0, n - 1, CHUNK_PAIRS):
            hi = min(lo + CHUNK_PAIRS, n - 1)
            same[lo:hi] = (packed[lo + 1: hi + 1] ^ packed[lo:hi]) < np.uint64(1 << 32)
        grouped = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        del same
        picked = packed[grouped]
        del packed
        rows, value = (picked & np.uint64(0xFFFFFFFF)).astype(np.int64), picked >> np.uint64(32)
    else:
        rows = np.argsort(key, kind="stable")
        value = key[rows]
        same = value[1:] == value[:-1]
        grouped = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
        del same
        rows, value = rows[grouped], value[grouped]
    first = np.flatnonzero(np.r_[True, value[1:] != value[:-1]]) if rows.size else np.empty(0, np.int64)
    return rows, np.r_[first, rows.size]


def key_pair_codes(keys: np.ndarray, max_bucket: int = DEFAULT.doc_max_bucket,
                   stats: LshStats | None = None) -> np.ndarray:
    """:func:`key_pairs` as sorted codes ``i * len(keys) + j`` (8 bytes a pair)."""
    n = keys.shape[0]
    per_band = []
    for band in range(keys.shape[1]):
        codes = [np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
                 for a, b in bucket_pairs(column(keys, band), max_bucket, stats)]
        if codes:
            per_band.append(unique(np.concatenate(codes)))
    if not per_band:
        return np.empty(0, np.int64)
    out = unique(np.concatenate(per_band))
    if stats:
        stats.pairs += out.size
    return out


def key_pairs(keys: np.ndarray, max_bucket: int = DEFAULT.doc_max_bucket, stats: LshStats | None = None) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, of rows with an equal key in some column (band)."""
    codes = key_pair_codes(keys, max_bucket, stats)
    n = keys.shape[0]
    return np.stack([codes // n, codes % n], axis=1)


def partition(codes: np.ndarray, parts: int) -> np.ndarray:
    """A partition in ``range(parts)`` for each code, by a multiplicative hash."""
    with np.errstate(over="ignore"):
        mixed = codes.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return ((mixed >> np.uint64(32)) % np.uint64(parts)).astype(np.int64)


def doc_pairs_from_items(item_pairs: np.ndarray, item_doc: np.ndarray, min_hits: int) -> np.ndarray:
    """Article pairs supported by at least ``min_hits`` distinct item pairs (other articles only)."""
    if item_pairs.size == 0:
        return np.empty((0, 2), np.int64)
    da, db = item_doc[item_pairs[:, 0]], item_doc[item_pairs[:, 1]]
    keep = da != db
    lo, hi = np.minimum(da, db)[keep].astype(np.int64), np.maximum(da, db)[keep].astype(np.int64)
    n = int(item_doc.max()) + 1
    codes, counts = np.unique(lo * n + hi, return_counts=True)
    codes = codes[counts >= min_hits]
    return np.stack([codes // n, codes % n], axis=1)


def merge_pairs(*pair_sets: np.ndarray) -> np.ndarray:
    """Union of pair arrays, sorted."""
    pairs = np.concatenate([p.reshape(-1, 2) for p in pair_sets]) if pair_sets else np.empty((0, 2))
    if pairs.size == 0:
        return np.empty((0, 2), np.int64)
    pairs = pairs.astype(np.int64)
    n = int(pairs.max()) + 1
    codes = unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)
