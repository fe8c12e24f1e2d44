"""Tests for dedup.confirm.sentences: sentences reused as they are or reworded, shared terms."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from dedup.confirm.sentences import shared_terms_many, verbatim_sentences
from dedup.sketch import Sketch


def test_verbatim_sentences_reused_moved_and_reworded(maker):
    s = [maker.sentence(14) for _ in range(4)]
    reworded = " ".join(w for k, w in enumerate(s[2].rstrip(".").split()) if k % 3 != 1) + "."
    a, b = Sketch(" ".join(s)), Sketch(" ".join([s[1], s[0], reworded, maker.sentence(14)]))
    shares = verbatim_sentences(a, b, 5)
    assert shares[0] == 1.0 and shares[1] == 1.0  # moved, not changed
    assert shares[2] < 0.5  # every third word dropped: few runs of five left
    assert shares[3] == 0.0  # dropped
    assert verbatim_sentences(a, b, 5, np.array([2, 0])).tolist() == [shares[2], shares[0]]


def shared_terms(ma: sparse.csr_matrix, mb: sparse.csr_matrix, i: int, j: int) -> float:
    """The reference, one pair at a time: share of the fewer-termed row's terms in the other."""
    ta, tb = ma.indices[ma.indptr[i]: ma.indptr[i + 1]], mb.indices[mb.indptr[j]: mb.indptr[j + 1]]
    fewer = min(np.unique(ta).size, np.unique(tb).size)
    return float(np.intersect1d(ta, tb).size / fewer) if fewer else 0.0


def test_shared_terms_many_equals_one_at_a_time():
    rng = np.random.default_rng(0)
    ma = sparse.random(30, 50, density=0.2, format="csr", dtype=np.float32, random_state=1)
    mb = sparse.random(20, 50, density=0.2, format="csr", dtype=np.float32, random_state=2)
    i, j = rng.integers(0, 30, 100), rng.integers(0, 20, 100)
    many = shared_terms_many(ma, mb, i, j)
    assert many.tolist() == [shared_terms(ma, mb, int(x), int(y)) for x, y in zip(i, j)]
    assert shared_terms_many(ma, mb, np.array([], np.int64), np.array([], np.int64)).size == 0
