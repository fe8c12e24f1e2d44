"""The passage channel: anchors two articles share on one diagonal, and the verbatim run
through them.

Anchors are the word 5-grams that winnowing picks (:func:`dedup.sketch.winnow`): content-
defined, so both texts pick the same ones in a passage they share. Articles sharing
``anchor_min_hits`` anchors on one diagonal (the same order and distance in both, give or
take ``anchor_slack`` words) share a verbatim passage however long the rest is: excerpts
and embedded wire paragraphs.

>>> s = [np.arange(0, 64, dtype=np.uint32), np.arange(32, 96, dtype=np.uint32)]
>>> anchor_pairs(s + [np.arange(200, 264, dtype=np.uint32)]).tolist()
[[0, 1]]
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from dedup.arrays import member, unique
from dedup.candidates.buckets import LshStats, bucket_pairs, partition
from dedup.params import DEFAULT, Params
from dedup.sketch.features import winnow
from dedup.spill import ArraySink


def anchor_pairs(shingle_sets: list[np.ndarray], params: Params = DEFAULT, stats: LshStats | None = None) -> np.ndarray:
    """Article pairs sharing ``min_hits`` anchors (:func:`winnow`) on one diagonal (see
    :func:`shared_anchor_pairs`); ``shingle_sets`` hold each article's shingles in text order.

    An anchor found in more than ``anchor_max_docs`` articles (a stock phrase, or a story
    syndicated many times) pairs each with its first article only.
    """
    start = np.r_[0, np.cumsum([s.size for s in shingle_sets])].astype(np.int64)
    values = np.concatenate(shingle_sets) if shingle_sets else np.empty(0, np.uint32)
    at = winnow(values, start, params.anchor_window)
    owner = np.searchsorted(start, at, side="right") - 1
    return shared_anchor_pairs(values[at], owner, at - start[owner], params, stats)


_CELLS = 1 << 14  # diagonal cells kept apart: +-8192 cells of anchor_slack words


def shared_anchor_pairs(anchors: np.ndarray, owner: np.ndarray, positions: np.ndarray, params: Params = DEFAULT,
                        stats: LshStats | None = None) -> np.ndarray:
    """Article pairs sharing ``anchor_min_hits`` anchors on one diagonal: in the same order and
    at the same distance from each other in both articles (give or take ``anchor_slack``
    words, for small edits), as in a shared passage; anchors that two articles share by
    chance, stock phrases, lie on different diagonals.

    ``owner[k]`` and ``positions[k]`` are the article and word position of ``anchors[k]``.
    """
    return anchor_hits(anchors, owner, positions, params, stats).pairs()


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

    def spilled(self, folder: str) -> "AnchorHits":
        """The same hits written to files in ``folder`` and mapped read-only: out of this
        process's memory until read (335 MB at a million articles)."""
        def kept(name: str) -> np.ndarray:
            sink = ArraySink(np.int64, path=os.path.join(folder, f"hits-{name}"))
            sink.add(getattr(self, name))
            return sink.result()

        return AnchorHits(*(kept(name) for name in ("a", "b", "pos_a", "pos_b")))

    def among(self, pairs: np.ndarray) -> "AnchorHits":
        """The hits of the article pairs ``pairs`` (rows ``(a, b)``, ``a < b``) only."""
        if self.a.size == 0 or len(pairs) == 0:
            return AnchorHits(*(x[:0] for x in (self.a, self.b, self.pos_a, self.pos_b)))
        n = int(max(self.b.max(), pairs[:, 1].max())) + 1
        keep = member(self.a * n + self.b, unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1]))
        return AnchorHits(self.a[keep], self.b[keep], self.pos_a[keep], self.pos_b[keep])


def anchor_hits(anchors: np.ndarray, owner: np.ndarray, positions: np.ndarray, params: Params = DEFAULT,
                stats: LshStats | None = None, folder: str | None = None, part_items: int = 1 << 22) -> AnchorHits:
    """The shared anchors behind :func:`shared_anchor_pairs`.

    Each shared anchor is held as its article pair's code, its diagonal and its two rows
    (20 bytes) until the cells with ``min_hits`` are known. With ``folder``, the shared
    anchors are dealt by article pair into partitions (one per ``part_items`` anchors,
    files there) and each partition is counted alone, as
    :func:`dedup.candidates.sentences.doc_pairs_from_keys` does.
    """
    empty = np.empty(0, np.int64)
    n = int(owner.max()) + 1 if owner.size else 1
    if n * n * _CELLS >= 1 << 63:
        raise ValueError(f"{n} articles: more than one scan can pair (about 20 million)")
    parts = max(1, anchors.shape[0] // part_items) if folder is not None else 1
    fields = (("pair", np.int64), ("diag", np.int32), ("a", np.int32), ("b", np.int32))
    sinks = [{name: ArraySink(dtype, path=None if folder is None else os.path.join(folder, f"anchor-{name}-{p}"))
              for name, dtype in fields} for p in range(parts)]
    for a, b in bucket_pairs(anchors, params.anchor_max_docs, stats):
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
        part = partition(hit["pair"], parts)
        order = np.argsort(part, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(part, minlength=parts))]
        for name in hit:
            values = hit[name][order]
            for p in range(parts):
                sinks[p][name].add(values[bounds[p]: bounds[p + 1]])
    found = [full_cells(*(sink[name].read() for name, _ in fields), params.anchor_min_hits, params.anchor_slack)
             for sink in sinks]
    found = [f for f in found if f[0].size]
    if not found:
        return AnchorHits(empty, empty, empty, empty)
    a, b = np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])
    return AnchorHits(owner[a].astype(np.int64), owner[b].astype(np.int64),
                      positions[a].astype(np.int64), positions[b].astype(np.int64))


def full_cells(pair: np.ndarray, diag: np.ndarray, a: np.ndarray, b: np.ndarray, min_hits: int, slack: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``(a, b)`` of the shared anchors in a (pair, diagonal cell) with ``min_hits``:
    cells of ``slack`` words along the diagonal (``diag``: position in a minus in b), on two
    staggered grids. Only the anchors of pairs with ``min_hits`` anywhere are put in cells
    (most pairs share one anchor by chance)."""
    many = _repeated(pair, min_hits)
    if many.size < pair.size:
        pair, diag, a, b = pair[many], diag[many], a[many], b[many]
    kept = np.zeros(pair.size, bool)
    for shift in (0, slack // 2):  # two staggered grids: neighbours share a cell in one
        codes = pair * _CELLS + np.clip((diag.astype(np.int64) + shift) // slack + _CELLS // 2, 0, _CELLS - 1)
        kept[_repeated(codes, min_hits)] = True
    return a[kept].astype(np.int64), b[kept].astype(np.int64)


def _repeated(codes: np.ndarray, min_hits: int) -> np.ndarray:
    """The positions of the codes found ``min_hits`` times or more, ascending.

    >>> _repeated(np.array([4, 1, 4, 2, 4]), 2).tolist()
    [0, 2, 4]
    """
    ordered = np.sort(codes)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if ordered.size else np.empty(0, np.int64)
    counts = np.diff(np.r_[starts, ordered.size])
    return np.flatnonzero(member(codes, ordered[starts[counts >= min_hits]]))


def longest_runs(hits: AnchorHits, shingles: np.ndarray, start: np.ndarray, reach: int = DEFAULT.run_reach,
                 chunk: int = 1 << 16) -> tuple[np.ndarray, np.ndarray]:
    """Article pairs (as :meth:`AnchorHits.pairs`) and, for each, the longest run of equal
    consecutive shingles through one of its shared anchors, counted up to ``reach`` on
    each side: a verbatim passage of ``run + shingle_words - 1`` words at least.

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


