"""TF-IDF weights fitted once on the corpus (scikit-learn's ``TfidfTransformer``, float32,
sparse, in place), then the measurements of candidate pairs.

Everything here looks only at the candidate pairs; the corpus is touched once, to fit the
weights (:class:`Confirmer`), or not at all when its document frequencies are known
(:class:`CorpusIdf`: an index, a Spark job).

>>> docs = ["Xi met Trong in Hanoi on Tuesday. They signed 36 deals. Trade grew.",
...         "On Tuesday Xi met Trong in Hanoi. The two sides signed 36 deals.",
...         "Football scores from the weekend were announced."]
>>> c = Confirmer().fit(docs).compare(0, 1)
>>> c.aligned, round(c.coverage_b, 2)
(2, 1.0)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from dedup.confirm.measures import Comparison, ShingleRun, align, lexical, similar_sentences
from dedup.confirm.quotes import Quotes, quote_terms, shared_quotes
from dedup.confirm.sentences import carries_many
from dedup.params import DEFAULT, Params
from dedup.sketch.body import Sketch
from dedup.sketch.features import featurize, term_mask


@dataclass(frozen=True)
class CorpusIdf:
    """The document frequencies of a corpus: hashed term ids (sorted), how many of its
    ``n`` articles hold each. Given to :meth:`Confirmer.fit`, the few articles compared
    are weighted as in that corpus (it must hold every term of theirs)."""

    terms: np.ndarray
    df: np.ndarray
    n: int


def document_frequencies(counts: sparse.csr_matrix, chunk: int = 1 << 22) -> np.ndarray:
    """How many rows of ``counts`` (each column once a row) hold each column, counted a
    chunk of entries at a time (``np.bincount`` copies its input to int64: 3 GB at a million
    articles; 32 MB a chunk)."""
    df = np.zeros(counts.shape[1], np.int64)
    for lo in range(0, counts.indices.size, chunk):
        df += np.bincount(counts.indices[lo: lo + chunk], minlength=counts.shape[1])
    return df


def smooth_idf(df: np.ndarray, n: int) -> np.ndarray:
    """scikit-learn's smooth IDF, ``log((1 + n) / (1 + df)) + 1``, computed in float32 step by
    step as ``TfidfTransformer.fit`` does for a float32 matrix: an IDF set from known
    document frequencies (an index's, a Spark job's) equals a fitted one bit for bit.

    >>> from sklearn.feature_extraction.text import TfidfTransformer
    >>> counts = sparse.csr_matrix(np.array([[1, 0, 2], [0, 0, 1], [3, 1, 1]], np.float32))
    >>> bool((smooth_idf(document_frequencies(counts), 3) == TfidfTransformer().fit(counts).idf_).all())
    True
    """
    plus_one = df.astype(np.float32) + np.float32(1)
    idf = np.full_like(plus_one, n + 1, dtype=np.float32)
    idf /= plus_one
    np.log(idf, out=idf)
    idf += np.float32(1)
    return idf


def weigh(tfidf: TfidfTransformer, counts: sparse.csr_matrix, block: int = 1 << 14) -> sparse.csr_matrix:
    """``tfidf.transform`` of the float32 ``counts``, in place, ``block`` rows at a time: each
    block a view sharing the matrix's memory (a whole-matrix transform makes a temporary of
    its size: 1.5 GB at a million articles; a block of news articles, some 13 MB). Sublinear
    TF times IDF, rows of unit length, each row on its own: any block gives the same weights."""
    m = counts if counts.dtype == np.float32 else counts.astype(np.float32)
    for lo in range(0, m.shape[0], block):
        hi = min(lo + block, m.shape[0])
        a, b = int(m.indptr[lo]), int(m.indptr[hi])
        view = sparse.csr_matrix((hi - lo, m.shape[1]), dtype=np.float32)
        view.data, view.indices = m.data[a:b], m.indices[a:b]
        # one index dtype for the view, as scikit-learn's kernels want
        view.indptr = (m.indptr[lo: hi + 1] - a).astype(m.indices.dtype)
        out = tfidf.transform(view, copy=False)
        if not np.shares_memory(out.data, m.data):
            m.data[a:b] = out.data
    return m


STEP = 1 << 21  # entries of the pairs' rows handled a step
GROUP_MIN = 32  # pairs sharing an article from which they are taken together (one product against its row; a
# group costs as much as some 30 pairs taken one by one: scipy's row indexing)


def row_dots(m: sparse.csr_matrix, pairs: np.ndarray, batch: int = 1 << 16) -> np.ndarray:
    """The dot product of rows ``i`` and ``j`` of ``m`` (float32) for each pair ``(i, j)``:
    the products of their shared columns summed in column order, one after another.

    Pairs that share an article with :data:`GROUP_MIN` or more others (candidates of a
    corpus whose articles share many sentences) are taken a group at a time: the other
    rows against the article's row laid out dense, one sparse product-by-vector per group
    (a walk through the other rows' entries); the rest pair by pair with scipy's
    element-wise product, ``batch`` pairs a step at most and at most ``STEP`` entries of
    their rows (unless one pair has more): it walks both rows' entries, whatever ``m``'s
    width (a corpus's vocabulary: millions of columns), and memory stays bounded. Both
    add the same products in the same order: the sums are equal to the bit, whichever
    way a pair is taken (numpy's pairwise sums would differ in the last bit).

    >>> m = sparse.csr_matrix(np.array([[1, 2, 0], [0, 3, 4], [5, 0, 6]], np.float32))
    >>> row_dots(m, np.array([[0, 1], [0, 2], [1, 2], [2, 2]])).tolist()
    [6.0, 5.0, 24.0, 61.0]
    """
    pairs = np.asarray(pairs, np.int64).reshape(-1, 2)
    out = np.zeros(len(pairs), np.float32)
    if len(pairs) == 0:
        return out
    seen = np.bincount(pairs.ravel(), minlength=m.shape[0])
    swap = seen[pairs[:, 1]] > seen[pairs[:, 0]]  # each pair grouped under its busier article
    pivot, other = np.where(swap, pairs[:, 1], pairs[:, 0]), np.where(swap, pairs[:, 0], pairs[:, 1])
    grouped = np.bincount(pivot, minlength=m.shape[0])[pivot] >= GROUP_MIN
    single = np.flatnonzero(~grouped)
    out[single] = _pair_dots(m, pairs[single], batch)
    at = np.flatnonzero(grouped)
    if at.size == 0:
        return out
    at = at[np.argsort(pivot[at], kind="stable")]
    pivot, other = pivot[at], other[at]
    cuts = np.flatnonzero(np.r_[True, pivot[1:] != pivot[:-1], True])
    dense = np.zeros(m.shape[1], np.float32)
    for lo, hi in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
        a, b = int(m.indptr[pivot[lo]]), int(m.indptr[pivot[lo] + 1])
        dense[m.indices[a:b]] = m.data[a:b]
        for k in range(lo, hi, batch):
            out[at[k: min(k + batch, hi)]] = m[other[k: min(k + batch, hi)]] @ dense
        dense[m.indices[a:b]] = 0
    return out


def _pair_dots(m: sparse.csr_matrix, pairs: np.ndarray, batch: int) -> np.ndarray:
    """:func:`row_dots` pair by pair: the element-wise product of the two rows, its entries summed
    in column order (a product by a vector of ones)."""
    out = np.zeros(len(pairs), np.float32)
    count = np.diff(m.indptr)
    reach = np.r_[0, np.cumsum(count[pairs[:, 0]] + count[pairs[:, 1]])]  # entries before each pair
    one = np.ones(1, np.float32)
    lo = 0
    while lo < len(pairs):
        hi = min(lo + batch, int(np.searchsorted(reach, reach[lo] + STEP, side="right")) - 1)
        hi = max(hi, lo + 1)
        step = pairs[lo:hi]
        products = m[step[:, 0]].multiply(m[step[:, 1]]).tocsr()
        # each row's products in one column: scipy's product by a vector adds them one after another
        # (a sum along the rows would add them pairwise), reading no vector as wide as the vocabulary
        column = sparse.csr_matrix((products.data, np.zeros_like(products.indices), products.indptr),
                                   shape=(hi - lo, 1))
        out[lo:hi] = column @ one
        lo = hi
    return out


class SortedColumns:
    """Hashed term id -> column for a few articles: a binary search in the sorted ids they
    hold, instead of an array over the whole hashed space (64 MB to fill for each check)."""

    def __init__(self, terms: np.ndarray) -> None:
        self.terms = terms

    def __getitem__(self, hashed: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.terms, hashed).astype(np.int32)


class Confirmer:
    """Corpus-wide TF-IDF weights, fitted once, then measurements of candidate pairs
    (sentences align at ``params.sentence_similarity``).

    The sketches of the articles being compared are built on demand; the ``cache_size``
    most recently used are kept, so compare pairs sorted by article to build each about once.
    """

    # set by fit()
    shingles_: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # see fit(); None: lexical() reads the bodies
    bodies_: Sequence[str]
    column_of_: np.ndarray | SortedColumns  # hashed term id -> column of the vocabulary
    tfidf_: TfidfTransformer
    docs_: sparse.csr_matrix | None  # each body's TF-IDF row (None once a driver no longer needs cosines)

    def __init__(self, params: Params = DEFAULT, cache_size: int = 4096) -> None:
        self.params = params
        self.cache_size = cache_size

    def fit(self, bodies: Sequence[str], counts: sparse.csr_matrix | None = None,
            shingles: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
            idf: CorpusIdf | None = None) -> Confirmer:
        """``counts``: hashed term counts per body (``Features.terms``), computed when not given;
        without ``idf``, reused in place for the weights (a copy at a million articles is
        gigabytes); ``shingles``: every body's shingles in text order, where each body's
        start, and word counts (``Features.shingles``, ``.shingle_start``, ``.words``), for
        :meth:`lexical`; ``idf``: the document frequencies of a larger corpus these bodies
        belong to, instead of the bodies' own."""
        self.shingles_ = shingles
        if counts is None:
            counts = featurize(bodies, self.params).terms
        self.bodies_ = bodies
        if idf is None:
            # the hashed columns in use, numbered densely in hashed order: the vocabulary
            present = np.zeros(counts.shape[1], bool)
            present[counts.indices] = True
            columns = np.flatnonzero(present)
            del present
            column_of = np.full(counts.shape[1], -1, np.int32)  # hashed term id -> column
            column_of[columns] = np.arange(columns.size, dtype=np.int32)
            indices = counts.indices.astype(np.int32, copy=False)
            for lo in range(0, indices.size, 1 << 24):  # the hashed ids become columns, in place
                np.take(column_of, indices[lo: lo + (1 << 24)], out=indices[lo: lo + (1 << 24)])
            self.column_of_ = column_of
        else:
            columns = np.unique(counts.indices).astype(np.int64)  # numbered as above: in hashed order
            self.column_of_ = SortedColumns(columns)
            indices = self.column_of_[counts.indices]
        compact = sparse.csr_matrix((counts.data.astype(np.float32, copy=False), indices, counts.indptr),
                                    shape=(counts.shape[0], max(columns.size, 1)), copy=False)
        if idf is None:
            df, n = document_frequencies(compact), compact.shape[0]
        else:
            df = idf.df[np.searchsorted(idf.terms, columns)] if columns.size else np.zeros(1, np.int64)
            n = idf.n
        self.tfidf_ = TfidfTransformer(sublinear_tf=True)
        self.tfidf_.idf_ = smooth_idf(df, n)
        self.docs_ = weigh(self.tfidf_, compact)
        self._cache: OrderedDict[int, tuple[Sketch, sparse.csr_matrix, Quotes]] = OrderedDict()
        self._light: OrderedDict[int, Sketch | ShingleRun] = OrderedDict()  # for lexical()
        return self

    @property
    def idf_(self) -> np.ndarray:
        """The IDF of each column (term) of the vocabulary."""
        return self.tfidf_.idf_

    def sketch(self, i: int) -> tuple[Sketch, sparse.csr_matrix, Quotes]:
        """Article ``i``'s sketch, the TF-IDF rows of its sentences, and its quotations."""
        hit = self._cache.get(i)
        if hit is not None:
            self._cache.move_to_end(i)
            return hit
        self.prepare([i])
        return self._cache[i]

    def prepare(self, indices: Iterable[int]) -> None:
        """Sketch the articles ``indices`` not cached yet all at once (:meth:`Sketch.many`),
        and weigh all their sentences in one transform, so that :meth:`compare` finds them
        ready: much faster than one by one."""
        todo = [i for i in dict.fromkeys(indices) if i not in self._cache]
        p = self.params
        self._keep(todo, Sketch.many([self.bodies_[i] for i in todo], p.shingle_words, p.stem))

    def _keep(self, indices: Sequence[int], sketches: Sequence[Sketch]) -> None:
        """Cache the sketches of articles ``indices`` with their sentences' TF-IDF rows."""
        if not indices:
            return
        hashes = np.concatenate([s.sentence_terms[0] for s in sketches])
        per_sentence = np.concatenate([np.diff(s.sentence_terms[1]) for s in sketches])
        sentences = np.r_[0, np.cumsum([len(s.sentence_terms[1]) - 1 for s in sketches])]
        cols = self.column_of_[(hashes & np.uint64(term_mask(self.params))).astype(np.int64)]
        counts = sparse.csr_matrix((np.ones(hashes.size, np.float32), cols, np.r_[0, np.cumsum(per_sentence)]),
                                   shape=(int(sentences[-1]), self.idf_.size))
        counts.sum_duplicates()
        rows = weigh(self.tfidf_, counts)
        for k, (i, s) in enumerate(zip(indices, sketches)):
            self._cache[i] = (s, rows[sentences[k]: sentences[k + 1]], quote_terms(s.body, self.params))
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def lexical(self, a: int, b: int, cosine: float = 0.0) -> Comparison:
        """Only the verbatim measures (Jaccard, containment, longest shared passage): the cheap
        first look at a pair whose cosine is too low for any relation that is not verbatim.
        From the shingles given to :meth:`fit` when there are (passages then have no offsets)."""
        sa, sb = self._lexical_sketch(a), self._lexical_sketch(b)
        c = Comparison(a, b, cosine=cosine)
        lexical(c, sa, sb, self.params)
        return c

    def _lexical_sketch(self, i: int) -> Sketch | ShingleRun:
        hit = self._cache.get(i)
        if hit is not None:
            return hit[0]
        light = self._light.get(i)
        if light is None:
            if self.shingles_ is not None:
                values, start, n_words = self.shingles_
                light = ShingleRun(values[start[i]:start[i + 1]], int(n_words[i]))
            else:
                p = self.params
                light = Sketch(self.bodies_[i], with_sentences=False, shingle_words=p.shingle_words, stem=p.stem)
            self._light[i] = light
            if len(self._light) > self.cache_size:
                self._light.popitem(last=False)
        return light

    def cosines(self, pairs: np.ndarray, batch: int = 1 << 16) -> np.ndarray:
        """TF-IDF cosine of each pair (:func:`row_dots` of the articles' rows)."""
        return row_dots(self.docs_, pairs, batch)

    def compare(self, a: int, b: int, cosine: float | None = None) -> Comparison:
        """Measure one pair; pass ``cosine`` when it was already computed in a batch."""
        return self.compare_many([(a, b)], None if cosine is None else [cosine])[0]

    def compare_many(self, pairs: Sequence[tuple[int, int]], cosines: Sequence[float] | None = None
                     ) -> list[Comparison]:
        """Measure pairs ``(a, b)`` (as :meth:`compare`), their sentence similarities from one
        sparse product (:func:`dedup.confirm.measures.similar_sentences`); ``cosines``: each
        pair's TF-IDF cosine, when already computed in a batch."""
        p = self.params
        sketches = {i: self.sketch(i) for i in dict.fromkeys(k for pair in pairs for k in pair)}
        if cosines is None:
            cosines = self.cosines(np.array(pairs, np.int64).reshape(-1, 2)).tolist()
        aligned = [k for k, (a, b) in enumerate(pairs)
                   if 0 < sketches[a][1].shape[0] * sketches[b][1].shape[0] <= p.max_aligned_cells]
        similar = dict(zip(aligned, similar_sentences([(sketches[pairs[k][0]][1], sketches[pairs[k][1]][1])
                                                       for k in aligned], p.sentence_similarity)))
        out, chains = [], []
        for k, ((a, b), cosine) in enumerate(zip(pairs, cosines)):
            (sa, ma, qa), (sb, mb, qb) = sketches[a], sketches[b]
            c = Comparison(a, b, cosine=float(cosine), sentences_a=len(sa.sentences), sentences_b=len(sb.sentences))
            covered = lexical(c, sa, sb, p)
            if k in similar:
                i, j, matched = align(c, sa, sb, ma, mb, covered, p, similar[k])
                chains.append((c, (sa, sb, i, j), matched))
            c.quotes = shared_quotes(qa, qb, p)
            out.append(c)
        carries = carries_many([chain for _, chain, _ in chains], p)  # the sentence pairs of all pairs at once
        at = 0
        for c, (_, _, i, _), matched in chains:
            mine = carries[at: at + i.size]
            c.carried, c.matched_carried = int(mine[:c.aligned].sum()), int(mine[matched].sum())
            at += i.size
        return out
