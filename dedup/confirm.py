"""Confirmation of candidate pairs: TF-IDF cosine, containment, alignment, quotes.

Everything here looks only at the candidate pairs; the corpus is touched once, to fit
the TF-IDF weights (:class:`Confirmer`).

>>> docs = ["Xi met Trong in Hanoi on Tuesday. They signed 36 deals. Trade grew.",
...         "On Tuesday Xi met Trong in Hanoi. The two sides signed 36 deals.",
...         "Football scores from the weekend were announced."]
>>> c = Confirmer().fit(docs).compare(0, 1)
>>> c.aligned, round(c.coverage_b, 2)
(2, 1.0)
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from dedup.arrays import member, unique
from dedup.features import TERM_MASK
from dedup.sketch import SHINGLE, Sketch, terms, words

SENTENCE_SIM = 0.35  # TF-IDF cosine at which two sentences align
MIN_RUN = SHINGLE + 3  # shortest verbatim passage shown as evidence, in words
_QUOTE = re.compile(r'"([^"\n]{12,1000}?)"')
Quotes = list[tuple[tuple[int, int], set[str]]]  # quotation spans with their content terms


@dataclass(slots=True)
class Passage:
    """Matching passages: offsets are into each article's cleaned ``body``."""

    a_span: tuple[int, int]
    b_span: tuple[int, int]
    kind: str  # "verbatim" (shared word run) or "paraphrase" (aligned sentences)
    similarity: float
    words: int = 0


@dataclass(slots=True)
class Comparison:
    """The measurements of one pair; ``a``/``b`` are article indexes."""

    a: int
    b: int
    cosine: float = 0.0
    jaccard: float = 0.0
    containment_ab: float = 0.0  # share of a's words inside passages shared with b
    containment_ba: float = 0.0
    longest_run: int = 0  # words in the longest shared verbatim passage
    sentences_a: int = 0
    sentences_b: int = 0
    aligned: int = 0  # sentence pairs in the order-preserving alignment
    matched: int = 0  # sentence pairs matched one-to-one, order ignored
    similarity: float = 0.0  # mean TF-IDF cosine of the aligned sentence pairs
    coverage_a: float = 0.0  # share of a's sentences (by length) that align
    coverage_b: float = 0.0
    passages: list[Passage] = field(default_factory=list)
    quotes: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def order(self) -> float:
        """Share of the matched sentences that keep the other article's order."""
        return self.aligned / self.matched if self.matched else 0.0

    def scores(self) -> dict[str, float | int]:
        return {
            "cosine": round(self.cosine, 3), "jaccard": round(self.jaccard, 3),
            "containment_ab": round(self.containment_ab, 3), "containment_ba": round(self.containment_ba, 3),
            "longest_passage_words": self.longest_run, "aligned_sentences": self.aligned,
            "matched_sentences": self.matched, "in_order": round(self.order, 3),
            "aligned_similarity": round(self.similarity, 3),
            "sentences_a": self.sentences_a, "sentences_b": self.sentences_b,
            "coverage_a": round(self.coverage_a, 3), "coverage_b": round(self.coverage_b, 3),
            "shared_quotes": len(self.quotes),
        }


class Confirmer:
    """Corpus-wide TF-IDF weights, fitted once, then measurements of candidate pairs.

    ``sentence_sim`` is the TF-IDF cosine at which two sentences align. The sketches of
    the articles being compared are built on demand; the ``cache_size`` most recently
    used are kept, so compare pairs sorted by article to build each one about once.
    """

    def __init__(self, sentence_sim: float = SENTENCE_SIM, cache_size: int = 4096) -> None:
        self.sentence_sim = sentence_sim
        self.cache_size = cache_size

    def fit(self, bodies: Sequence[str], counts: sparse.csr_matrix | None = None,
            shingles: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
            corpus: tuple[np.ndarray, np.ndarray, int] | None = None) -> "Confirmer":
        """``counts``: hashed term counts per body (``Features.terms``), computed when not given,
        and reused in place for the weights (a copy at a million articles is gigabytes);
        ``shingles``: every body's shingles in text order, where each body's start, and word
        counts (``Features.shingles``, ``.shingle_start``, ``.words``), for :meth:`lexical`;
        ``corpus``: the IDF of a larger corpus these bodies belong to, as (hashed term ids,
        sorted, holding every term of ``counts``; their document frequencies; its number of
        documents), instead of the bodies' own (``dedup.index`` compares a few articles)."""
        self.shingles_ = shingles
        if counts is None:
            from dedup.features import featurize

            counts = featurize(bodies).terms
        self.bodies_ = bodies
        # the hashed columns in use, numbered densely: the vocabulary
        present = np.zeros(counts.shape[1], bool)
        present[counts.indices] = True
        columns = np.flatnonzero(present)
        del present
        self.column_of_ = np.full(counts.shape[1], -1, np.int32)  # hashed term id -> column
        self.column_of_[columns] = np.arange(columns.size, dtype=np.int32)
        indices = counts.indices.astype(np.int32, copy=False)
        for lo in range(0, indices.size, 1 << 24):  # the hashed ids become columns, in place
            np.take(self.column_of_, indices[lo: lo + (1 << 24)], out=indices[lo: lo + (1 << 24)])
        compact = sparse.csr_matrix((counts.data.astype(np.float32, copy=False), indices, counts.indptr),
                                    shape=(counts.shape[0], max(columns.size, 1)), copy=False)
        # scikit-learn's TfidfTransformer(sublinear_tf=True) (smooth idf, l2 rows), in float32
        # and in place: at a million articles its float64 copies would need gigabytes
        if corpus is None:
            df, n = np.bincount(compact.indices, minlength=compact.shape[1]), compact.shape[0]
        else:
            terms, freq, n = corpus
            df = freq[np.searchsorted(terms, columns)] if columns.size else np.zeros(1, np.int64)
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        self.docs_ = self._weigh(compact, copy=False)
        self._cache: OrderedDict[int, tuple[Sketch, sparse.csr_matrix, Quotes]] = OrderedDict()
        self._light: OrderedDict[int, Sketch | ShingleRun] = OrderedDict()  # for lexical()
        return self

    def _weigh(self, counts: sparse.csr_matrix, copy: bool = True, block: int = 1 << 16) -> sparse.csr_matrix:
        """Sublinear TF times IDF, rows scaled to unit length (scikit-learn's
        ``TfidfTransformer(sublinear_tf=True).transform``, tested equal), ``block`` rows at a time."""
        m = counts.astype(np.float32, copy=copy)
        for lo in range(0, m.shape[0], block):
            hi = min(lo + block, m.shape[0])
            a, b = m.indptr[lo], m.indptr[hi]
            if a == b:
                continue
            data = m.data[a:b]
            np.log(data, out=data)
            data += 1
            data *= self.idf_[m.indices[a:b]]
            sizes = np.diff(m.indptr[lo: hi + 1])
            nonempty = np.flatnonzero(sizes)
            norms = np.sqrt(np.add.reduceat(data.astype(np.float64) ** 2, (m.indptr[lo:hi] - a)[nonempty]))
            data /= np.repeat(np.maximum(norms, 1e-12), sizes[nonempty]).astype(np.float32)
        return m

    def sketch(self, i: int) -> tuple[Sketch, sparse.csr_matrix, Quotes]:
        """Article ``i``'s sketch, the TF-IDF rows of its sentences, and its quotations."""
        hit = self._cache.get(i)
        if hit is not None:
            self._cache.move_to_end(i)
            return hit
        return self._keep(i, Sketch(self.bodies_[i]))

    def prepare(self, indices: Iterable[int]) -> None:
        """Sketch the articles ``indices`` not cached yet all at once (:meth:`Sketch.many`),
        so that :meth:`compare` finds them ready: much faster than one by one."""
        todo = [i for i in dict.fromkeys(indices) if i not in self._cache]
        for i, s in zip(todo, Sketch.many([self.bodies_[i] for i in todo])):
            self._keep(i, s)

    def _keep(self, i: int, s: Sketch) -> tuple[Sketch, sparse.csr_matrix, Quotes]:
        hashes, indptr = s.sentence_terms
        cols = self.column_of_[(hashes & np.uint64(TERM_MASK)).astype(np.int64)]
        counts = sparse.csr_matrix((np.ones(int(indptr[-1]), np.float32), cols, indptr),
                                   shape=(indptr.size - 1, self.idf_.size))
        counts.sum_duplicates()
        hit = self._cache[i] = (s, self._weigh(counts), quote_terms(s.body))
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return hit

    def lexical(self, a: int, b: int, cosine: float = 0.0) -> Comparison:
        """Only the verbatim measures (Jaccard, containment, longest shared passage): the cheap
        first look at a pair whose cosine is too low for any relation that is not verbatim.
        From the shingles given to :meth:`fit` when there are (passages then have no offsets)."""
        sa, sb = self._lexical_sketch(a), self._lexical_sketch(b)
        c = Comparison(a, b, cosine=cosine)
        _lexical(c, sa, sb)
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
                light = Sketch(self.bodies_[i], with_sentences=False)
            self._light[i] = light
            if len(self._light) > self.cache_size:
                self._light.popitem(last=False)
        return light

    def cosines(self, pairs: np.ndarray, batch: int = 1 << 16) -> np.ndarray:
        """TF-IDF cosine of each pair, in batches of sparse row products."""
        out = np.empty(len(pairs), np.float32)
        for lo in range(0, len(pairs), batch):
            p = pairs[lo: lo + batch]
            out[lo: lo + batch] = np.asarray(self.docs_[p[:, 0]].multiply(self.docs_[p[:, 1]]).sum(axis=1)).ravel()
        return out

    def compare(self, a: int, b: int, cosine: float | None = None) -> Comparison:
        """Measure one pair; pass ``cosine`` when it was already computed in a batch."""
        (sa, ma, qa), (sb, mb, qb) = self.sketch(a), self.sketch(b)
        c = Comparison(a, b, sentences_a=len(sa.sentences), sentences_b=len(sb.sentences))
        c.cosine = float(self.cosines(np.array([[a, b]]))[0]) if cosine is None else cosine
        _lexical(c, sa, sb)
        _align(c, sa, sb, ma, mb, self.sentence_sim)
        c.quotes = shared_quotes(qa, qb)
        return c


class ShingleRun:
    """An article as the verbatim measures see it: shingles in text order and a word count."""

    __slots__ = ("shingles", "unique_shingles", "n_words", "spans")

    def __init__(self, shingles: np.ndarray, n_words: int) -> None:
        self.shingles, self.unique_shingles = shingles, unique(shingles)
        self.n_words, self.spans = n_words, None


def _similarities(ma: sparse.csr_matrix, mb: sparse.csr_matrix) -> np.ndarray:
    """Cosine of every sentence of ``a`` with every sentence of ``b`` (columns re-indexed small)."""
    cols = np.union1d(ma.indices, mb.indices)

    def dense(m: sparse.csr_matrix) -> np.ndarray:
        out = np.zeros((m.shape[0], cols.size), np.float32)
        out[np.repeat(np.arange(m.shape[0]), np.diff(m.indptr)), np.searchsorted(cols, m.indices)] = m.data
        return out

    return dense(ma) @ dense(mb).T


def _covered(mask: np.ndarray, n_words: int) -> np.ndarray:
    """Words covered by the shingles flagged in ``mask``."""
    delta = np.zeros(n_words + 1, np.int32)
    starts = np.flatnonzero(mask)
    np.add.at(delta, starts, 1)
    np.add.at(delta, np.minimum(starts + SHINGLE, n_words), -1)
    return np.cumsum(delta[:-1]) > 0


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.r_[0, flags.astype(np.int8), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _lexical(c: Comparison, sa: Sketch, sb: Sketch) -> None:
    """Shingle Jaccard, word containment both ways and the shared verbatim passages."""
    ha, hb = sa.shingles, sb.shingles
    if ha.size == 0 or hb.size == 0:
        return
    ua, ub = sa.unique_shingles, sb.unique_shingles
    inter = np.intersect1d(ua, ub, assume_unique=True).size
    c.jaccard = inter / (ua.size + ub.size - inter)
    if inter == 0:
        return
    in_b, in_a = member(ha, ub), member(hb, ua)
    cov_a, cov_b = _covered(in_b, sa.n_words), _covered(in_a, sb.n_words)
    c.containment_ab, c.containment_ba = float(cov_a.mean()), float(cov_b.mean())
    c.passages.extend(_verbatim(sa, sb, [(s, e - SHINGLE + 1) for s, e in _runs(cov_a) if e - s >= MIN_RUN]))
    c.longest_run = max((p.words for p in c.passages), default=0)


def _verbatim(sa: Sketch, sb: Sketch, runs: list[tuple[int, int]]) -> list[Passage]:
    """Passages of ``a`` (from shingle runs ``start:stop``) found word for word in ``b``.

    Each passage follows one diagonal, the same shingles consecutive in both texts,
    so its two sides are the same words.
    """
    if not runs:
        return []
    ha, hb = sa.shingles.tolist(), sb.shingles.tolist()
    first_in_b: dict[int, int] = {}
    for p, h in enumerate(hb):
        first_in_b.setdefault(h, p)
    out = []
    for i, stop in runs:
        while i < stop:
            p = first_in_b.get(ha[i])
            if p is None:
                i += 1
                continue
            k = 1
            while i + k < stop and p + k < len(hb) and ha[i + k] == hb[p + k]:
                k += 1
            words = k - 1 + SHINGLE
            if words >= MIN_RUN and (sa.spans is None or sb.spans is None):  # measures only
                out.append(Passage((0, 0), (0, 0), "verbatim", 1.0, words))
            elif words >= MIN_RUN:
                out.append(Passage((int(sa.spans[i, 0]), int(sa.spans[i + words - 1, 1])),
                                   (int(sb.spans[p, 0]), int(sb.spans[p + words - 1, 1])),
                                   "verbatim", 1.0, words))
            i += k
    return out


def _align(c: Comparison, sa: Sketch, sb: Sketch, ma, mb, threshold: float) -> None:
    """Order-preserving sentence alignment (heaviest increasing chain of similar pairs)."""
    if ma.shape[0] == 0 or mb.shape[0] == 0:
        return
    sim = _similarities(ma, mb)
    ii, jj = np.nonzero(sim >= threshold)
    if ii.size == 0:
        return
    ww = sim[ii, jj]
    if ii.size > 4000:  # keep the strongest pairs of very long, very similar articles
        top = np.argsort(-ww)[:4000]
        ii, jj, ww = ii[top], jj[top], ww[top]
    # one-to-one greedy matching, order ignored
    used_a, used_b, matched = set(), set(), 0
    for k in np.argsort(-ww, kind="stable").tolist():
        if ii[k] not in used_a and jj[k] not in used_b:
            used_a.add(ii[k]), used_b.add(jj[k])
            matched += 1
    c.matched = matched
    # heaviest chain with strictly increasing i and j
    order = np.lexsort((jj, ii))
    ii, jj, ww = ii[order].tolist(), jj[order].tolist(), ww[order].tolist()
    best, back = [0.0] * len(ii), [-1] * len(ii)
    for k in range(len(ii)):
        best[k] = ww[k]
        for m in range(k):
            if ii[m] < ii[k] and jj[m] < jj[k] and best[m] + ww[k] > best[k]:
                best[k], back[k] = best[m] + ww[k], m
    k = int(np.argmax(best))
    chain = []
    while k >= 0:
        chain.append(k)
        k = back[k]
    chain.reverse()
    c.aligned = len(chain)
    c.matched = max(c.matched, c.aligned)  # greedy matching can miss the best one-to-one set
    c.similarity = float(np.mean([ww[k] for k in chain]))
    len_a = np.array([e - s for s, e in sa.sentences], float)
    len_b = np.array([e - s for s, e in sb.sentences], float)
    c.coverage_a = float(len_a[[ii[k] for k in chain]].sum() / len_a.sum())
    c.coverage_b = float(len_b[[jj[k] for k in chain]].sum() / len_b.sum())
    for k in chain:
        c.passages.append(Passage(sa.sentences[ii[k]], sb.sentences[jj[k]], "paraphrase", round(ww[k], 3)))


def quotes(body: str) -> list[tuple[int, int]]:
    """Spans of direct quotations (straight double quotes, at least four words)."""
    return [m.span(1) for m in _QUOTE.finditer(body) if len(m.group(1).split()) >= 4]


def quote_terms(body: str) -> Quotes:
    """Each quotation's span with its content terms (those with at least three)."""
    out = []
    for span in quotes(body):
        t = set(terms(words(body[span[0]:span[1]])))
        if len(t) >= 3:
            out.append((span, t))
    return out


def shared_quotes(a: str | Quotes, b: str | Quotes,
                  min_share: float = 0.8) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Pairs of quotations, one in each text, that share most of their words.

    ``a`` and ``b`` are texts, or their :func:`quote_terms`.
    """
    qa = quote_terms(a) if isinstance(a, str) else a
    qb = quote_terms(b) if isinstance(b, str) else b
    out = []
    for span_a, wa in qa:
        for span_b, wb in qb:
            if len(wa & wb) / min(len(wa), len(wb)) >= min_share:
                out.append((span_a, span_b))
                break
    return out
