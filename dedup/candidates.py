"""Candidate pairs from MinHash LSH: never all pairs, only what shares a bucket.

Three channels feed the confirm stage:

* **documents**: MinHash of each article's word 5-grams, banded for Jaccard around
  :data:`DOC_THRESHOLD`: duplicates and copies.
* **passages**: anchors, the word 5-grams that winnowing picks (the smallest hash in
  every window of :data:`ANCHOR_WINDOW`: content-defined, so both texts pick the same
  ones in a passage they share, and any shared run of ``2 * ANCHOR_WINDOW`` 5-grams, a
  20-word passage, holds two); articles sharing :data:`ANCHOR_MIN_HITS` anchors on one
  diagonal share a verbatim passage however long the rest is: excerpts and embedded
  wire paragraphs.
* **sentences**: MinHash of each sentence's content terms (stemmed, stop words out),
  banded for Jaccard around :data:`SENTENCE_THRESHOLD`: a paraphrased sentence keeps
  most of its names, numbers and content words, so digests, rewrites and embedded
  passages collide sentence by sentence even when no 5-gram survives. A pair of
  articles becomes a candidate when :data:`SENTENCE_MIN_HITS` sentence pairs collide.

Buckets larger than ``max_bucket`` are skipped and counted (they hold boilerplate-like
sentences shared by many articles and would make the stage quadratic).

>>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 5], [9, 9, 9, 9]], np.uint32)
>>> lsh_pairs(sig, bands=2, rows=2).tolist()
[[0, 1]]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from dedup.arrays import member, unique
from dedup.spill import ArraySink

DOC_PERM, DOC_THRESHOLD = 128, 0.3
SENTENCE_PERM, SENTENCE_THRESHOLD, SENTENCE_MIN_TERMS, SENTENCE_MIN_HITS = 64, 0.25, 4, 2
ANCHOR_WINDOW, ANCHOR_MIN_HITS, ANCHOR_MAX_DOCS, ANCHOR_SLACK = 8, 2, 50, 32
MAX_BUCKET = 64
CHUNK_PAIRS = 1 << 20  # pairs (or rows) handled at a time where a stage could otherwise hold all
BUCKET_ROWS = 1 << 24  # keys sorted at once (see _bucket_pairs)
SENTENCE_MAX_BUCKET = 16  # sentences of common words collide by the dozen: not a paraphrase


@lru_cache(maxsize=None)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows that datasketch's MinHashLSH would choose for ``threshold``."""
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def doc_params() -> tuple[int, int]:
    return lsh_params(DOC_THRESHOLD, DOC_PERM)


def sentence_params() -> tuple[int, int]:
    return lsh_params(SENTENCE_THRESHOLD, SENTENCE_PERM)


def doc_bands() -> int:
    return doc_params()[0]


def sentence_bands() -> int:
    return sentence_params()[0]


_ROW_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93],
                    np.uint64)


def band_keys(sig: np.ndarray, bands: int, rows: int, bits: int = 64) -> np.ndarray:
    """One key per band: rows that agree on a band's values get the same key.

    Up to two 32-bit rows are packed exactly into 64 bits; more are mixed (collisions
    ~ 2**-64). ``bits=32`` halves the memory for a chance collision of 2**-32 per pair
    of rows (the sentence channel, with millions of rows, then needs two of them).

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 5]], np.uint32)
    >>> k = band_keys(sig, 2, 2); bool(k[0, 0] == k[1, 0]), bool(k[0, 1] == k[1, 1])
    (True, False)
    """
    s = sig[:, : bands * rows].astype(np.uint64).reshape(sig.shape[0], bands, rows)
    with np.errstate(over="ignore"):
        if rows <= 2 and bits == 64:
            return s[:, :, 0] << np.uint64(32) | (s[:, :, 1] if rows == 2 else np.uint64(0))
        key = np.zeros((sig.shape[0], bands), np.uint64)
        for r in range(rows):
            key = (key ^ s[:, :, r]) * _ROW_MIX[r % len(_ROW_MIX)]
            key ^= key >> np.uint64(29)
    return key if bits == 64 else (key >> np.uint64(32)).astype(np.uint32)


@dataclass
class LshStats:
    buckets: int = 0
    skipped_buckets: int = 0
    skipped_members: int = 0
    pairs: int = 0
    extra: dict = field(default_factory=dict)


def lsh_pairs(sig: np.ndarray, bands: int, rows: int, max_bucket: int = MAX_BUCKET,
              stats: LshStats | None = None) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, of rows that agree on all ``rows`` values of a band."""
    return key_pairs(band_keys(sig, bands, rows), max_bucket, stats)


def _bucket_pairs(key: np.ndarray, max_bucket: int, stats: LshStats | None):
    """``(a, b)`` row arrays of every pair of rows with an equal ``key``, a chunk at a time;
    buckets larger than ``max_bucket`` are skipped and counted.

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
        part[lo: lo + CHUNK_PAIRS] = _partition(key[lo: lo + CHUNK_PAIRS], parts)
    for p in range(parts):
        rows = np.flatnonzero(part == p)
        for a, b in _part_pairs(key[rows], max_bucket, stats):
            yield rows[a], rows[b]


def _part_pairs(key: np.ndarray, max_bucket: int, stats: LshStats | None):
    rows, bounds = _buckets(key)
    sizes = np.diff(bounds)
    for size in unique(sizes).tolist():
        group_starts = bounds[:-1][sizes == size]
        if size > max_bucket:
            if stats:
                stats.skipped_buckets += group_starts.size
                stats.skipped_members += group_starts.size * size
            continue
        iu, ju = np.triu_indices(size, 1)
        if stats:
            stats.buckets += group_starts.size
        step = max(1, CHUNK_PAIRS // iu.size)  # groups at a time: what callers derive stays bounded
        for lo in range(0, group_starts.size, step):
            members = rows[group_starts[lo: lo + step, None] + np.arange(size)[None, :]]  # (groups, size)
            yield members[:, iu].ravel(), members[:, ju].ravel()


def _buckets(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``key`` that share their value with another row, grouped by value
    (``rows[bounds[g]:bounds[g + 1]]``, rows ascending within a group).

    Keys of 32 bits or less are sorted packed with their row in one 64-bit value (one
    in-place sort, 8 bytes a row); wider keys by an argsort. Only the rows in groups are
    kept past the sort: most keys are unique.

    >>> rows, bounds = _buckets(np.array([7, 3, 7, 1, 3, 7], np.uint32))
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


def key_pair_codes(keys: np.ndarray, max_bucket: int = MAX_BUCKET, stats: LshStats | None = None) -> np.ndarray:
    """:func:`key_pairs` as sorted codes ``i * len(keys) + j`` (8 bytes a pair)."""
    n = keys.shape[0]
    per_band = []
    for band in range(keys.shape[1]):
        codes = [np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
                 for a, b in _bucket_pairs(keys[:, band], max_bucket, stats)]
        if codes:
            per_band.append(unique(np.concatenate(codes)))
    if not per_band:
        return np.empty(0, np.int64)
    out = unique(np.concatenate(per_band))
    if stats:
        stats.pairs += out.size
    return out


def key_pairs(keys: np.ndarray, max_bucket: int = MAX_BUCKET, stats: LshStats | None = None) -> np.ndarray:
    """Unique pairs ``(i, j)``, ``i < j``, of rows with an equal key in some column (band)."""
    codes = key_pair_codes(keys, max_bucket, stats)
    n = keys.shape[0]
    return np.stack([codes // n, codes % n], axis=1)


def doc_pairs_from_keys(keys: np.ndarray, item_doc: np.ndarray, max_bucket: int, min_hits: int,
                        stats: LshStats | None = None, folder: str | None = None,
                        part_items: int = 1 << 20) -> np.ndarray:
    """:func:`doc_pairs_from_items` of :func:`key_pairs`, in bounded memory.

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
    parts = max(1, m // part_items) if folder is not None else 1
    sinks = [ArraySink(np.int64, path=None if folder is None else os.path.join(folder, f"sentence-pairs-{p}"))
             for p in range(parts)]
    for band in range(keys.shape[1]):
        for a, b in _bucket_pairs(np.ascontiguousarray(keys[:, band]), max_bucket, stats):
            da, db = item_doc[a].astype(np.int64), item_doc[b].astype(np.int64)
            keep = da != db
            a, b, da, db = a[keep], b[keep], da[keep], db[keep]
            items = np.minimum(a, b) * m + np.maximum(a, b)
            if parts == 1:
                sinks[0].add(items)
                continue
            part = _partition(np.minimum(da, db) * n + np.maximum(da, db), parts)
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
        doc = np.sort(np.minimum(da, db) * n + np.maximum(da, db))
        del da, db
        if doc.size == 0:
            continue
        starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
        counts = np.diff(np.r_[starts, doc.size])
        found.append(doc[starts[counts >= min_hits]])
    codes = np.sort(np.concatenate(found)) if found else np.empty(0, np.int64)
    return np.stack([codes // n, codes % n], axis=1)


def _partition(codes: np.ndarray, parts: int) -> np.ndarray:
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


def winnow(values: np.ndarray, start: np.ndarray, window: int = ANCHOR_WINDOW) -> np.ndarray:
    """Indices of the anchors of texts laid end to end in ``values`` (text ``i`` is
    ``values[start[i]:start[i + 1]]``): the position of the smallest value in every window
    of ``window`` consecutive values within a text (the first of equals), in order; a
    text shorter than a window gives its smallest.

    >>> winnow(np.array([5, 1, 7, 8, 2, 9, 3], np.uint32), np.array([0, 7]), window=3).tolist()
    [1, 4]
    """
    if values.size == 0:
        return np.empty(0, np.int64)
    doc = np.repeat(np.arange(start.size - 1), np.diff(start))
    picked = []
    if values.size >= window:
        windows = np.lib.stride_tricks.sliding_window_view(values, window)
        at = np.arange(windows.shape[0]) + windows.argmin(axis=1)
        picked.append(at[doc[: windows.shape[0]] == doc[window - 1:]])
    lengths = np.diff(start)
    short = np.flatnonzero((lengths > 0) & (lengths < window))
    picked += [start[d] + np.argmin(values[start[d]: start[d + 1]]) for d in short.tolist()]
    return unique(np.concatenate([np.atleast_1d(np.asarray(p, np.int64)) for p in picked]))


def anchor_pairs(shingle_sets: list[np.ndarray], window: int = ANCHOR_WINDOW, min_hits: int = ANCHOR_MIN_HITS,
                 max_docs: int = ANCHOR_MAX_DOCS, stats: LshStats | None = None) -> np.ndarray:
    """Article pairs sharing ``min_hits`` anchors (:func:`winnow`) on one diagonal (see
    :func:`shared_anchor_pairs`); ``shingle_sets`` hold each article's shingles in text order.

    Anchors found in more than ``max_docs`` articles are skipped (stock phrases).

    >>> s = [np.arange(0, 64, dtype=np.uint32), np.arange(32, 96, dtype=np.uint32)]
    >>> anchor_pairs(s + [np.arange(200, 264, dtype=np.uint32)]).tolist()
    [[0, 1]]
    """
    start = np.r_[0, np.cumsum([s.size for s in shingle_sets])].astype(np.int64)
    values = np.concatenate(shingle_sets) if shingle_sets else np.empty(0, np.uint32)
    at = winnow(values, start, window)
    owner = np.searchsorted(start, at, side="right") - 1
    return shared_anchor_pairs(values[at], owner, at - start[owner], min_hits, max_docs, stats)


_CELLS = 1 << 14  # diagonal cells kept apart: +-8192 cells of ANCHOR_SLACK words


def shared_anchor_pairs(anchors: np.ndarray, owner: np.ndarray, positions: np.ndarray,
                        min_hits: int = ANCHOR_MIN_HITS, max_docs: int = ANCHOR_MAX_DOCS,
                        stats: LshStats | None = None) -> np.ndarray:
    """Article pairs sharing ``min_hits`` anchors on one diagonal: in the same order and at
    the same distance from each other in both articles (give or take :data:`ANCHOR_SLACK`
    words, for small edits), as in a shared passage; anchors that two articles share by
    chance, stock phrases, lie on different diagonals.

    ``owner[k]`` and ``positions[k]`` are the article and word position of ``anchors[k]``.
    """
    return anchor_hits(anchors, owner, positions, min_hits, max_docs, stats).pairs()


@dataclass
class AnchorHits:
    """Anchors two articles share on one diagonal: article ``a[k] < b[k]``, at word
    ``pos_a[k]`` of ``a`` and ``pos_b[k]`` of ``b``."""

    a: np.ndarray
    b: np.ndarray
    pos_a: np.ndarray
    pos_b: np.ndarray

    def pairs(self) -> np.ndarray:
        """The article pairs, unique and sorted."""
        if self.a.size == 0:
            return np.empty((0, 2), np.int64)
        n = int(self.b.max()) + 1
        codes = unique(self.a * n + self.b)
        return np.stack([codes // n, codes % n], axis=1)

    def among(self, pairs: np.ndarray) -> "AnchorHits":
        """The hits of the article pairs ``pairs`` (rows ``(a, b)``, ``a < b``) only."""
        if self.a.size == 0 or len(pairs) == 0:
            return AnchorHits(*(x[:0] for x in (self.a, self.b, self.pos_a, self.pos_b)))
        n = int(max(self.b.max(), pairs[:, 1].max())) + 1
        keep = member(self.a * n + self.b, unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1]))
        return AnchorHits(self.a[keep], self.b[keep], self.pos_a[keep], self.pos_b[keep])


def anchor_hits(anchors: np.ndarray, owner: np.ndarray, positions: np.ndarray,
                min_hits: int = ANCHOR_MIN_HITS, max_docs: int = ANCHOR_MAX_DOCS,
                stats: LshStats | None = None, folder: str | None = None,
                part_items: int = 1 << 22) -> AnchorHits:
    """The shared anchors behind :func:`shared_anchor_pairs`.

    Each shared anchor is held as its article pair's code, its diagonal and its two rows
    (20 bytes) until the cells with ``min_hits`` are known. With ``folder``, the shared
    anchors are dealt by article pair into partitions (one per ``part_items`` anchors,
    files there) and each partition is counted alone, as :func:`doc_pairs_from_keys` does.
    """
    empty = np.empty(0, np.int64)
    n = int(owner.max()) + 1 if owner.size else 1
    if n * n * _CELLS >= 1 << 63:
        raise ValueError(f"{n} articles: more than one scan can pair (about 20 million)")
    parts = max(1, anchors.shape[0] // part_items) if folder is not None else 1
    fields = (("pair", np.int64), ("diag", np.int32), ("a", np.int32), ("b", np.int32))
    sinks = [{name: ArraySink(dtype, path=None if folder is None else os.path.join(folder, f"anchor-{name}-{p}"))
              for name, dtype in fields} for p in range(parts)]
    for a, b in _bucket_pairs(anchors, max_docs, stats):
        da, db = owner[a].astype(np.int64), owner[b].astype(np.int64)
        keep = da != db
        a, b, da, db = a[keep], b[keep], da[keep], db[keep]
        swap = da > db
        hit = {"a": np.where(swap, b, a), "b": np.where(swap, a, b), "pair": np.minimum(da, db) * n + np.maximum(da, db)}
        hit["diag"] = positions[hit["a"]].astype(np.int64) - positions[hit["b"]]
        if parts == 1:
            for name, sink in sinks[0].items():
                sink.add(hit[name])
            continue
        part = _partition(hit["pair"], parts)
        order = np.argsort(part, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(part, minlength=parts))]
        for name in hit:
            values = hit[name][order]
            for p in range(parts):
                sinks[p][name].add(values[bounds[p]: bounds[p + 1]])
    found = [_full_cells(*(sink[name].read() for name, _ in fields), min_hits) for sink in sinks]
    found = [f for f in found if f[0].size]
    if not found:
        return AnchorHits(empty, empty, empty, empty)
    a, b = np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
    return AnchorHits(owner[a].astype(np.int64), owner[b].astype(np.int64),
                      positions[a].astype(np.int64), positions[b].astype(np.int64))


def _full_cells(pair: np.ndarray, diag: np.ndarray, a: np.ndarray, b: np.ndarray, min_hits: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``(a, b)`` of the shared anchors in a (pair, diagonal cell) with ``min_hits``."""
    kept = np.zeros(pair.size, bool)
    for shift in (0, ANCHOR_SLACK // 2):  # two staggered grids: neighbours share a cell in one
        codes = pair * _CELLS + np.clip((diag.astype(np.int64) + shift) // ANCHOR_SLACK + _CELLS // 2, 0, _CELLS - 1)
        ordered = np.sort(codes)
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if ordered.size else np.empty(0, np.int64)
        counts = np.diff(np.r_[starts, ordered.size])
        kept |= member(codes, ordered[starts[counts >= min_hits]])
    return a[kept].astype(np.int64), b[kept].astype(np.int64)


RUN_REACH = 16  # shingles looked at on each side of a shared anchor


def longest_runs(hits: AnchorHits, shingles: np.ndarray, start: np.ndarray, reach: int = RUN_REACH,
                 chunk: int = 1 << 16) -> tuple[np.ndarray, np.ndarray]:
    """Article pairs (as :meth:`AnchorHits.pairs`) and, for each, the longest run of equal
    consecutive shingles through one of its shared anchors, counted up to ``reach`` on
    each side: a verbatim passage of ``run + SHINGLE - 1`` words at least.

    ``shingles[start[i]:start[i + 1]]`` are article ``i``'s shingles in text order.

    >>> sh = np.array([1, 2, 3, 4, 9, 1, 2, 3, 5], np.uint32)
    >>> pairs, runs = longest_runs(AnchorHits(*(np.array([v]) for v in (0, 1, 0, 1))), sh, np.array([0, 4, 9]))
    >>> pairs.tolist(), runs.tolist()
    ([[0, 1]], [3])
    """
    pairs = hits.pairs()
    if pairs.size == 0:
        return pairs, np.empty(0, np.int64)
    run = np.concatenate([_runs_through(hits.a[k: k + chunk], hits.b[k: k + chunk], hits.pos_a[k: k + chunk],
                                        hits.pos_b[k: k + chunk], shingles, start, reach)
                          for k in range(0, hits.a.size, chunk)])
    n = int(hits.b.max()) + 1
    codes = hits.a * n + hits.b
    order = np.lexsort((-run, codes))
    codes, run = codes[order], run[order]
    first = np.r_[True, codes[1:] != codes[:-1]]
    return pairs, run[first]


def _runs_through(a, b, pos_a, pos_b, shingles, start, reach) -> np.ndarray:
    offsets = np.arange(-reach, reach + 1)
    pa, pb = pos_a[:, None] + offsets, pos_b[:, None] + offsets
    inside = (pa >= 0) & (pa < (start[a + 1] - start[a])[:, None]) & (pb >= 0) & (pb < (start[b + 1] - start[b])[:, None])
    same = inside & (shingles[np.where(inside, start[a][:, None] + pa, 0)]
                     == shingles[np.where(inside, start[b][:, None] + pb, 0)])
    return np.maximum(np.cumprod(same[:, reach:], axis=1).sum(axis=1)
                      + np.cumprod(same[:, reach::-1], axis=1).sum(axis=1) - 1, 0)


def merge_pairs(*pair_sets: np.ndarray) -> np.ndarray:
    """Union of pair arrays, sorted."""
    pairs = np.concatenate([p.reshape(-1, 2) for p in pair_sets]) if pair_sets else np.empty((0, 2))
    if pairs.size == 0:
        return np.empty((0, 2), np.int64)
    pairs = pairs.astype(np.int64)
    n = int(pairs.max()) + 1
    codes = unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)
