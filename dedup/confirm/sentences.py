"""Sentence pairs of two texts measured word by word: how much of a sentence is in
verbatim shared passages (:func:`verbatim_sentences`: reused as it is, or reworded) and
how many of its terms the other sentence holds (:func:`shared_terms`: it says the same).
Used by :func:`dedup.confirm.measures.align`.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from dedup.arrays import member
from dedup.sketch.body import Sketch


def covered_words(mask: np.ndarray, n_words: int, shingle_words: int) -> np.ndarray:
    """Words covered by the shingles flagged in ``mask``."""
    starts = np.flatnonzero(mask)
    delta = np.bincount(starts, minlength=n_words + 1) - np.bincount(np.minimum(starts + shingle_words, n_words),
                                                                      minlength=n_words + 1)
    return np.cumsum(delta[:-1]) > 0


def verbatim_sentences(s: Sketch, other: Sketch, shingle_words: int, which: np.ndarray | None = None) -> np.ndarray:
    """Share of the words of each sentence of ``s`` (of sentences ``which``, when given) inside
    shingles that ``other`` holds: near 1 for a sentence reused as it is, low for one
    reworded (words moved, dropped or replaced).

    >>> a = Sketch("The council approved the new budget on Monday. Then everyone went home.")
    >>> b = Sketch("The council approved the new budget on Monday. Home everyone then went.")
    >>> verbatim_sentences(a, b, 5).round(2).tolist(), verbatim_sentences(a, b, 5, np.array([1])).tolist()
    ([1.0, 0.0], [0.0])
    """
    bounds = np.array(s.sentence_tokens, np.int64).reshape(-1, 2)
    if which is not None:
        bounds = bounds[which]
    n = s.shingles.size
    if n == 0 or other.unique_shingles.size == 0 or bounds.size == 0:
        return np.zeros(len(bounds))
    # only the shingles that reach into these sentences are looked up
    edges = np.zeros(n + 1, np.int64)
    np.add.at(edges, np.clip(bounds[:, 0] - shingle_words + 1, 0, n), 1)
    np.add.at(edges, np.clip(bounds[:, 1], 0, n), -1)
    needed = np.flatnonzero(np.cumsum(edges[:-1]) > 0)
    shared = np.zeros(n, bool)
    shared[needed] = member(s.shingles[needed], other.unique_shingles)
    covered = np.r_[0, np.cumsum(covered_words(shared, s.n_words, shingle_words))]
    return (covered[bounds[:, 1]] - covered[bounds[:, 0]]) / np.maximum(bounds[:, 1] - bounds[:, 0], 1)


def shared_terms_many(ma: sparse.csr_matrix, mb: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """:func:`shared_terms` of the row pairs ``(i[k], j[k])`` at once (rows with sorted
    distinct columns, as TF-IDF rows are), with numpy over the rows' columns.

    >>> m = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 1]], np.float32))
    >>> shared_terms_many(m, m, np.array([0, 1]), np.array([1, 1])).tolist()
    [1.0, 1.0]
    """
    i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
    width = np.int64(max(ma.shape[1], mb.shape[1], 1))

    def codes(m: sparse.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # (pair, column) codes
        n = (m.indptr[rows + 1] - m.indptr[rows]).astype(np.int64)
        pair = np.repeat(np.arange(rows.size, dtype=np.int64), n)
        nth = np.arange(pair.size, dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
        return pair * width + m.indices[m.indptr[rows][pair] + nth], n

    (ca, na), (cb, nb) = codes(ma, i), codes(mb, j)
    common = np.bincount(np.intersect1d(ca, cb, assume_unique=True) // width, minlength=i.size)
    fewer = np.minimum(na, nb)
    return np.where(fewer > 0, common / np.maximum(fewer, 1), 0.0)


def shared_terms(ma: sparse.csr_matrix, mb: sparse.csr_matrix, i: int, j: int) -> float:
    """Share of the terms of the sentence with fewer terms, of row ``i`` of ``ma`` and row
    ``j`` of ``mb``, that the other sentence holds (each term once, unweighted: a rewrite
    keeps a sentence's words, common or rare; a follow-up of the story shares its names).

    >>> m = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 1]], np.float32))
    >>> shared_terms(m, m, 0, 1), shared_terms(m, m[::-1], 1, 1)
    (1.0, 1.0)
    >>> shared_terms(m, sparse.csr_matrix(np.array([[0, 1, 1, 1]], np.float32)), 0, 0)
    0.5
    """
    ta, tb = ma.indices[ma.indptr[i]: ma.indptr[i + 1]], mb.indices[mb.indptr[j]: mb.indptr[j + 1]]
    fewer = min(np.unique(ta).size, np.unique(tb).size)
    return float(np.intersect1d(ta, tb).size / fewer) if fewer else 0.0
