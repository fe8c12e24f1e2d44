"""Sentence pairs of two texts measured word by word: how much of a sentence is in
verbatim shared passages (:func:`sentence_shares`: reused as it is, or reworded) and how many of its terms the other sentence holds
(:func:`shared_terms_many`: it says the same), and how many aligned pairs carry the same
content words, names and numbers aside (:func:`carries_many`). Used by
:func:`dedup.confirm.measures.align`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from dedup.arrays import member, unique
from dedup.params import DEFAULT, Params
from dedup.sketch.body import Sketch


def covered_words(mask: np.ndarray, n_words: int, shingle_words: int) -> np.ndarray:
    """Words covered by the shingles flagged in ``mask``."""
    starts = np.flatnonzero(mask)
    delta = np.bincount(starts, minlength=n_words + 1) - np.bincount(np.minimum(starts + shingle_words, n_words),
                                                                      minlength=n_words + 1)
    return np.cumsum(delta[:-1]) > 0


def sentence_shares(s: Sketch, covered: np.ndarray, which: np.ndarray | None = None) -> np.ndarray:
    """Share of the words of each sentence of ``s`` (of sentences ``which``, when given)
    flagged in ``covered`` (one flag a word): with the words
    :func:`dedup.confirm.measures.lexical` found inside shingles the other text holds, near 1
    for a sentence reused as it is, low for one reworded (words moved, dropped or replaced).

    >>> sentence_shares(Sketch("One two three. Four five."), np.array([1, 1, 0, 0, 1], bool)).round(2).tolist()
    [0.67, 0.5]
    """
    chosen = s.sentence_tokens if which is None else [s.sentence_tokens[i] for i in np.asarray(which).tolist()]
    if not chosen:
        return np.zeros(0)
    bounds = np.array(chosen, np.int64)
    counted = np.r_[0, np.cumsum(covered)]
    return (counted[bounds[:, 1]] - counted[bounds[:, 0]]) / np.maximum(bounds[:, 1] - bounds[:, 0], 1)


def shared_terms_many(ma: sparse.csr_matrix, mb: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each row pair ``(i[k], j[k])`` of ``ma`` and ``mb`` (sentences as TF-IDF rows: sorted
    distinct columns), the share of the terms of the sentence with fewer terms that the other
    holds (each term once, unweighted), with numpy over the rows' columns.

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


def carries_many(chains: Sequence[tuple[Sketch, Sketch, np.ndarray, np.ndarray]], params: Params = DEFAULT
                 ) -> np.ndarray:
    """For each pair of texts ``(sa, sb, i, j)`` and each of its sentence pairs (sentence
    ``i[k]`` of ``sa``, ``j[k]`` of ``sb``), in that order: whether it carries the same
    words, all pairs at once with numpy. A sentence pair carries the same words when more than
    ``sentence_terms_shared`` of the content terms (:attr:`Sketch.sentence_content`: not
    names or numbers) of the sentence with fewer are among the other's terms (each term
    once, unweighted: a rewrite keeps a sentence's common words; another report of the
    same story shares its names and numbers, and a team sheet is all names). Sentences
    without content terms carry nothing.

    >>> a = Sketch("Fosters said the deal would make it the largest wine maker. Kenteris missed tests in Athens.")
    >>> b = Sketch("The deal would make Fosters the largest wine maker, it said. Wada will appeal if the IAAF "
    ...            "does not clear Kenteris of Athens charges.")
    >>> carries_many([(a, b, np.array([0, 1]), np.array([0, 1])), (a, b, np.array([1]), np.array([1]))]).tolist()
    [True, False, False]
    """
    sizes = np.array([len(i) for _, _, i, _ in chains], np.int64)
    if not sizes.sum():
        return np.zeros(0, bool)

    def gathered(side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # terms, content flags, row of each
        values, content, rows = [], [], []
        for base, chain in zip((np.cumsum(sizes) - sizes).tolist(), chains):
            s, which = chain[side], np.asarray(chain[side + 2], np.int64)
            starts = s.sentence_terms[1]
            n = starts[which + 1] - starts[which]
            row = np.repeat(np.arange(which.size, dtype=np.int64), n)
            at = np.arange(row.size, dtype=np.int64) + np.repeat(starts[which] - (np.cumsum(n) - n), n)
            values.append(s.sentence_terms[0][at]), content.append(s.sentence_content[at]), rows.append(row + base)
        return np.concatenate(values), np.concatenate(content), np.concatenate(rows)

    (va, ca, ra), (vb, cb, rb) = gathered(0), gathered(1)
    both = np.concatenate([va, vb])
    order = np.argsort(both, kind="stable")  # each term hash as a small number: (row, term) codes fit an int64
    ids = np.empty(both.size, np.int64)
    ids[order] = np.cumsum(np.r_[False, both[order][1:] != both[order][:-1]])
    width = np.int64(ids.max(initial=0) + 1)
    code_a, code_b = ra * width + ids[:va.size], rb * width + ids[va.size:]
    terms_a, terms_b, content_a, content_b = unique(code_a), unique(code_b), unique(code_a[ca]), unique(code_b[cb])
    rows = int(sizes.sum())
    na, nb = np.bincount(content_a // width, minlength=rows), np.bincount(content_b // width, minlength=rows)
    common_a = np.bincount(content_a[member(content_a, terms_b)] // width, minlength=rows)
    common_b = np.bincount(content_b[member(content_b, terms_a)] // width, minlength=rows)
    a_fewer = na <= nb
    fewer, common = np.where(a_fewer, na, nb), np.where(a_fewer, common_a, common_b)
    return (fewer > 0) & (common > params.sentence_terms_shared * fewer)
