"""Per-article features for the candidate stage, computed a batch of bodies at a time.

Everything the candidate channels and the corpus-wide TF-IDF need is kept as flat numpy
arrays (no per-article Python objects), so a million articles fit in memory and batches
can be computed in other processes and concatenated:

* ``doc_keys``: the LSH band keys of each article's word 5-gram MinHash;
* ``anchors``: each article's anchor shingles (hash ``% ANCHOR_MOD == 0``) and their
  positions (word index);
* ``sentence_keys``: the LSH band keys of each sentence's content-term MinHash;
* ``terms``: hashed content-term counts per article (a sparse row for TF-IDF);
* ``digest``: a hash of the article's word sequence (equal digests: same words).

>>> f = featurize(["Xi met Trong in Hanoi on Tuesday after talks.", "Scores came in."])
>>> f.n, f.doc_keys.shape[0], int(f.terms[1].sum())
(2, 2, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xxhash
from scipy import sparse

from dedup import candidates as cand
from dedup.sketch import SHINGLE, hash_words, minhash, sentences, shingles, terms, words

TERM_BITS = 24  # hashed term space for TF-IDF: 16M columns
TERM_MASK = (1 << TERM_BITS) - 1


@dataclass
class Features:
    """Features of ``n`` articles; ``*_doc`` arrays give the article of each row."""

    n: int
    doc_keys: np.ndarray  # (n, bands) uint64
    anchors: np.ndarray  # uint32
    anchor_doc: np.ndarray  # int32
    anchor_pos: np.ndarray  # int32
    sentence_keys: np.ndarray  # (m, bands) uint32
    sentence_doc: np.ndarray  # int32
    terms: sparse.csr_matrix  # (n, 2**TERM_BITS) term counts
    digest: np.ndarray  # (n,) uint64
    shingles: np.ndarray  # uint32, every article's word 5-grams in text order
    shingle_start: np.ndarray  # (n + 1,) int64: article i's are shingles[start[i]:start[i + 1]]
    words: np.ndarray  # (n,) int32 word count

    @staticmethod
    def concat(parts: Sequence["Features"]) -> "Features":
        """One Features for the articles of all ``parts``, in order."""
        offsets = np.cumsum([0] + [p.n for p in parts])
        return Features(
            int(offsets[-1]),
            _stack([p.doc_keys for p in parts], (0, cand.doc_bands()), np.uint64),
            _stack([p.anchors for p in parts], (0,), np.uint32),
            _stack([p.anchor_doc + np.int32(o) for p, o in zip(parts, offsets)], (0,), np.int32),
            _stack([p.anchor_pos for p in parts], (0,), np.int32),
            _stack([p.sentence_keys for p in parts], (0, cand.sentence_bands()), np.uint32),
            _stack([p.sentence_doc + np.int32(o) for p, o in zip(parts, offsets)], (0,), np.int32),
            sparse.vstack([p.terms for p in parts], format="csr") if parts else _no_terms(0),
            np.concatenate([p.digest for p in parts]) if parts else np.empty(0, np.uint64),
            _stack([p.shingles for p in parts], (0,), np.uint32),
            np.cumsum(np.concatenate([[0]] + [np.diff(p.shingle_start) for p in parts]), dtype=np.int64),
            _stack([p.words for p in parts], (0,), np.int32),
        )


def _used(params: tuple[int, int]) -> int:
    bands, rows = params
    return bands * rows


def _stack(blocks: list[np.ndarray], empty: tuple[int, ...], dtype) -> np.ndarray:
    return np.concatenate(blocks) if blocks else np.empty(empty, dtype)


def _no_terms(n: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((n, 1 << TERM_BITS), dtype=np.float32)


def featurize(bodies: Sequence[str], cache: dict[str, int] | None = None) -> Features:
    """The features of a batch of cleaned article bodies."""
    cache = {} if cache is None else cache
    doc_shingles, anchors, anchor_doc, anchor_pos, in_order = [], [], [], [], []
    n_words = np.zeros(len(bodies), np.int32)
    sentence_sets, sentence_doc = [], []
    rows, cols, counts, digest = [], [], [], np.empty(len(bodies), np.uint64)
    for d, body in enumerate(bodies):
        doc_words: list[str] = []
        doc_terms: list[str] = []
        term_bounds = [0]
        for s, e in sentences(body):
            w = words(body[s:e])
            doc_words += w
            doc_terms += terms(w)
            term_bounds.append(len(doc_terms))
        digest[d] = xxhash.xxh64_intdigest("\x00".join(doc_words).encode())
        ordered = shingles(hash_words(doc_words, cache), SHINGLE)
        in_order.append(ordered)
        n_words[d] = len(doc_words)
        doc_shingles.append(np.unique(ordered))
        at = np.flatnonzero(ordered % cand.ANCHOR_MOD == 0)
        anchors.append(ordered[at])
        anchor_doc.append(np.full(at.size, d, np.int32))
        anchor_pos.append(at.astype(np.int32))
        if not doc_terms:
            continue
        th = hash_words(doc_terms, cache)
        for i, j in zip(term_bounds, term_bounds[1:]):
            if j - i >= cand.SENTENCE_MIN_TERMS:
                u = np.unique(th[i:j])
                if u.size >= cand.SENTENCE_MIN_TERMS:
                    sentence_sets.append(u.astype(np.uint32))
                    sentence_doc.append(d)
        ids, c = np.unique(th & np.uint64(TERM_MASK), return_counts=True)
        rows.append(np.full(ids.size, d, np.int64)), cols.append(ids.astype(np.int64)), counts.append(c)
    n = len(bodies)
    counts_matrix = _no_terms(n) if not rows else sparse.csr_matrix(
        (np.concatenate(counts).astype(np.float32), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, 1 << TERM_BITS))
    return Features(
        n,
        cand.band_keys(minhash(doc_shingles, cand.DOC_PERM, used=_used(cand.doc_params())), *cand.doc_params()),
        np.concatenate(anchors) if anchors else np.empty(0, np.uint32),
        np.concatenate(anchor_doc) if anchor_doc else np.empty(0, np.int32),
        np.concatenate(anchor_pos) if anchor_pos else np.empty(0, np.int32),
        cand.band_keys(minhash(sentence_sets, cand.SENTENCE_PERM, used=_used(cand.sentence_params())),
                       *cand.sentence_params(), bits=32),
        np.asarray(sentence_doc, np.int32),
        counts_matrix,
        digest,
        np.concatenate(in_order) if in_order else np.empty(0, np.uint32),
        np.cumsum([0] + [s.size for s in in_order], dtype=np.int64),
        n_words,
    )
