"""Sentence pairs of two texts measured word by word: how much of a sentence is in
verbatim shared passages (:func:`verbatim_sentences`: reused as it is, or reworded) and
how many of its terms the other sentence holds (:func:`shared_terms_many`: it says the same), and
whether an aligned pair carries the same content words, names and numbers aside (:func:`carries`).
Used by :func:`dedup.confirm.measures.align`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from scipy import sparse

from dedup.arrays import member
from dedup.params import DEFAULT, Params
from dedup.sketch.body import Sketch
from dedup.sketch.tokens import terms, tokens


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


_WORD = re.compile(r"\w+")
_LOWER_WORD = re.compile(r"\b[a-z][^\W\d]*\b")  # an ASCII word that opens in lower case, without digits


@lru_cache(maxsize=1 << 13)
def sentence_terms(text: str, stem: int = DEFAULT.stem) -> tuple[frozenset[str], frozenset[str]]:
    """The terms of a sentence (:func:`dedup.sketch.tokens.terms` of its tokens) and its
    content terms: those not written as a name or a number. A name is a capitalised word
    (the first word of the sentence too: it may be one, and a sentence's opening is no
    evidence of a rewrite); a number, a word with a digit. In a sentence without both
    cases (a script without case, a line in capitals) every term is content. Cached: an
    article's sentences are measured against many others.

    >>> terms_, content = sentence_terms("Kostas Kenteris, 31, missed eBay's drugs tests in Athens.")
    >>> sorted(terms_), sorted(content)
    (['31', 'athens', 'drugs', 'ebay', 'kenter', 'kostas', 'missed', 'tests'], ['drugs', 'ebay', 'missed', 'tests'])
    """
    if text.isascii():  # the same, faster
        lower = text.lower()
        every = terms(_WORD.findall(lower), stem)
        if lower == text or text.upper() == text:
            return frozenset(every), frozenset(every)
        return frozenset(every), frozenset(terms([w.lower() for w in _LOWER_WORD.findall(text)], stem))
    found = tokens(text)
    every = terms([w for w, _, _ in found], stem)
    if not (any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)):
        return frozenset(every), frozenset(every)
    content = terms([w for w, start, _ in found if not text[start].isupper() and not any(ch.isdigit() for ch in w)],
                    stem)
    return frozenset(every), frozenset(content)


def carries(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]],
            params: Params = DEFAULT) -> bool:
    """Whether two aligned sentences, as :func:`sentence_terms`, carry the same words: more
    than ``sentence_terms_shared`` of the content terms of the one with fewer are among the
    other's terms (each term once, unweighted: a rewrite keeps a sentence's common words;
    another report of the same story shares its names and numbers, and a team sheet is all
    names). Sentences without content terms carry nothing.

    >>> carries(sentence_terms("Fosters said the deal would make it the largest wine maker."),
    ...         sentence_terms("The deal would make Fosters the largest wine maker, it said."))
    True
    >>> carries(sentence_terms("Kenteris and Thanou missed tests in Athens, the IAAF said."),
    ...         sentence_terms("Wada will appeal if the IAAF does not clear Kenteris and Thanou of Athens charges."))
    False
    >>> carries(sentence_terms("A Titterrell, D Bell, S Borthwick, A Hazell."),
    ...         sentence_terms("A Titterrell (Sale Sharks), D Bell (Bath), S Borthwick (Bath), A Hazell (Gloucester)."))
    False
    """
    (terms_a, content_a), (terms_b, content_b) = a, b
    fewer, other = (content_a, terms_b) if len(content_a) <= len(content_b) else (content_b, terms_a)
    return len(fewer) > 0 and len(fewer & other) > params.sentence_terms_shared * len(fewer)
