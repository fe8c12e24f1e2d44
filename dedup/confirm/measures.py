"""The measurements of one candidate pair: verbatim reuse (shingle Jaccard, containment,
shared passages) and an order-preserving sentence alignment (rewrites and digests follow
their source's order; independent reports do not).

Containment and shared passages count an article's own words
(:func:`dedup.clean.layout.own_words`: outside quotations and caption lines) in the prose
blocks that hold a shared passage, so that page chrome and comments around a copy do not
dilute it, and a shared quote or agency caption does not make reuse.

>>> from dedup.sketch import Sketch
>>> a = Sketch("The council approved the new budget on Monday after a long debate in the chamber.")
>>> b = Sketch("Breaking: the council approved the new budget on Monday after a long debate.")
>>> c = Comparison(0, 1); covered = lexical(c, a, b); c.longest_run, round(c.containment_ba, 2)
(12, 0.92)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from dedup.arrays import member, unique
from dedup.clean.layout import own_words
from dedup.confirm.sentences import covered_words, sentence_shares, shared_terms_many
from dedup.model import Scores
from dedup.params import DEFAULT, Params
from dedup.sketch.body import Sketch


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
    containment_ab: float = 0.0  # share of a's own words (its body) inside passages shared with b
    containment_ba: float = 0.0
    lead_a: float = 0.0  # share of the first m words of a's body that are shared, m: its shared words
    lead_b: float = 0.0
    longest_run: int = 0  # words in the longest shared verbatim passage
    passage_order: float = 1.0  # share of the shared passages' words in the same order in both (1.0: none moved)
    sentences_a: int = 0
    sentences_b: int = 0
    aligned: int = 0  # sentence pairs in the order-preserving alignment
    matched: int = 0  # sentence pairs matched one-to-one, order ignored
    similarity: float = 0.0  # mean TF-IDF cosine of the aligned sentence pairs
    coverage_a: float = 0.0  # share of a's sentences (by length) that align
    coverage_b: float = 0.0
    matched_coverage_a: float = 0.0  # the same, of the one-to-one matching, order ignored
    matched_coverage_b: float = 0.0
    carried: int = 0  # aligned sentence pairs that carry the same words (:func:`~dedup.confirm.sentences.carries_many`,
    # counted by the caller of :func:`align` over the chains of many pairs at once)
    matched_similarity: float = 0.0  # mean TF-IDF cosine of the sentence pairs matched one-to-one, order ignored
    matched_carried: int = 0  # of those, the pairs that carry the same words (as ``carried``)
    reworded: int = 0  # matched sentence pairs (order ignored) that are not the same sentence reused
    passages: list[Passage] = field(default_factory=list)
    quotes: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def order(self) -> float:
        """Share of the matched sentences that keep the other article's order."""
        return self.aligned / self.matched if self.matched else 0.0

    def scores(self) -> Scores:
        """The measurements as reported, rounded to three decimals."""
        return Scores(
            cosine=round(self.cosine, 3), jaccard=round(self.jaccard, 3),
            containment_ab=round(self.containment_ab, 3), containment_ba=round(self.containment_ba, 3),
            longest_passage_words=self.longest_run, aligned_sentences=self.aligned,
            matched_sentences=self.matched, in_order=round(self.order, 3),
            aligned_similarity=round(self.similarity, 3),
            sentences_a=self.sentences_a, sentences_b=self.sentences_b,
            coverage_a=round(self.coverage_a, 3), coverage_b=round(self.coverage_b, 3),
            shared_quotes=len(self.quotes),
        )


class ShingleRun:
    """An article as the verbatim measures see it: shingles in text order, a word count and,
    when known, its own words and blocks (``layout``, as :func:`dedup.clean.layout.own_words`)."""

    __slots__ = ("shingles", "unique_shingles", "n_words", "spans", "layout")
    shingles: np.ndarray
    unique_shingles: np.ndarray
    n_words: int
    spans: None  # no word offsets: passages found from shingles alone have none
    layout: tuple[np.ndarray, np.ndarray] | None

    def __init__(self, shingles: np.ndarray, n_words: int, layout: tuple[np.ndarray, np.ndarray] | None = None,
                 unique_shingles: np.ndarray | None = None) -> None:
        self.shingles = shingles
        self.unique_shingles = unique(shingles) if unique_shingles is None else unique_shingles
        self.n_words, self.spans, self.layout = n_words, None, layout


_ZERO = np.zeros(1, np.int8)  # (np.concatenate: np.r_ costs more than the rest of a short text's runs)
SIMILARITY_CELLS = 1 << 22  # sentence pairs of the pairs measured in one sparse product at most


def similar_sentences(rows: Sequence[tuple[sparse.csr_matrix, sparse.csr_matrix]], threshold: float
                      ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each pair of texts, given as the TF-IDF rows of their sentences ``(ma, mb)``: the
    sentence pairs ``(i, j)`` of cosine ``threshold`` or more and their cosines, in row-major
    order, as arrays ``(ii, jj, ww)``.

    One sparse product serves a block of pairs: each pair's terms become columns of its
    own, so the product holds only each pair's own sentence pairs (and only those sharing
    a term), with no Python work per pair and no dense matrix. It sums in float64, so each
    cosine is the float32 nearest the exact one, whatever the machine or the order of terms.

    >>> m = sparse.csr_matrix(np.array([[1, 0], [0, 1]], np.float32))
    >>> [(ii.tolist(), jj.tolist(), ww.tolist()) for ii, jj, ww in similar_sentences([(m, m[::-1])], 0.5)]
    [([0, 1], [1, 0], [1.0, 1.0])]
    """
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    lo = 0
    while lo < len(rows):
        hi, cells = lo + 1, rows[lo][0].shape[0] * rows[lo][1].shape[0]
        while hi < len(rows) and cells + rows[hi][0].shape[0] * rows[hi][1].shape[0] <= SIMILARITY_CELLS:
            cells += rows[hi][0].shape[0] * rows[hi][1].shape[0]
            hi += 1
        out += _similar_block(rows[lo:hi], threshold)
        lo = hi
    return out


def _similar_block(rows: Sequence[tuple[sparse.csr_matrix, sparse.csr_matrix]], threshold: float
                   ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    a, b = (sparse.csr_matrix(sparse.vstack([r[side] for r in rows], format="csr", dtype=np.float64))
            for side in (0, 1))
    n_a, n_b = (np.array([r[side].shape[0] for r in rows], np.int64) for side in (0, 1))
    first_a, first_b = np.r_[0, np.cumsum(n_a)], np.r_[0, np.cumsum(n_b)]
    width = np.int64(max(a.shape[1], 1))

    def entry_pair(m: sparse.csr_matrix, n: np.ndarray) -> np.ndarray:  # the pair of each stored entry
        return np.repeat(np.repeat(np.arange(n.size, dtype=np.int64), n), np.diff(m.indptr))

    codes = np.concatenate([entry_pair(a, n_a) * width + a.indices, entry_pair(b, n_b) * width + b.indices])
    columns = unique(codes)  # (pair, term): a column of its own
    at = np.searchsorted(columns, codes).astype(np.int64)
    a = sparse.csr_matrix((a.data, at[:a.indices.size], a.indptr), shape=(a.shape[0], max(columns.size, 1)))
    b = sparse.csr_matrix((b.data, at[a.indices.size:], b.indptr), shape=(b.shape[0], max(columns.size, 1)))
    sim = sparse.csr_matrix(a @ b.T)  # summed in float64, then rounded to the rows' float32: the nearest float32
    row = np.repeat(np.arange(sim.shape[0], dtype=np.int64), np.diff(sim.indptr))
    weight = sim.data.astype(np.float32)
    keep = weight >= threshold
    row, col, weight = row[keep], sim.indices[keep].astype(np.int64), weight[keep]
    order = np.lexsort((col, row))  # row-major, as np.nonzero of a dense matrix
    row, col, weight = row[order], col[order], weight[order]
    pair = np.searchsorted(first_a, row, side="right") - 1
    bounds = np.searchsorted(pair, np.arange(len(rows) + 1))
    return [(row[s:e] - first_a[p], col[s:e] - first_b[p], weight[s:e])
            for p, (s, e) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist()))]


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate((_ZERO, flags.astype(np.int8), _ZERO))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _layout(s: Sketch | ShingleRun, params: Params) -> tuple[np.ndarray, np.ndarray] | None:
    """Own-word mask and block of each word of a sketch with a body, or of shingles given
    theirs (None for bare shingles)."""
    if s.layout is not None:
        return s.layout
    body = getattr(s, "body", None)
    if body is None or s.n_words == 0:
        return None
    if s.layout is None:  # once per sketch: a sketch is measured against many others
        s.layout = own_words(body, s.spans, params.quote_min_words)
    return s.layout


def _body(covered: np.ndarray, layout: tuple[np.ndarray, np.ndarray] | None, min_words: int) -> np.ndarray | None:
    """The words a text is measured on: its own words in the prose blocks that hold a shared
    passage (all its prose blocks when none does); None: all words."""
    if layout is None:
        return None
    own, block = layout
    edges = np.flatnonzero(np.diff(np.concatenate((_ZERO, (covered & own).view(np.int8), _ZERO))))
    starts, stops = edges[::2], edges[1::2]
    long = stops - starts >= min_words
    held = np.zeros(int(block.max(initial=-1)) + 2, bool)  # by block; the last, for -1, stays False
    held[block[starts[long]]] = True
    held[block[stops[long] - 1]] = True
    held[-1] = False
    body = own & (held[block] if held.any() else block >= 0)
    if body.sum() >= min_words:
        return body
    return own if own.sum() >= min_words else None


def _share(covered: np.ndarray, body: np.ndarray | None) -> tuple[float, float]:
    """Containment (share of the body covered) and lead (share of the body's first m words
    covered, m its covered words: 1.0 when the shared text is the opening)."""
    mine = covered if body is None else covered[body]
    m = int(mine.sum())
    return float(mine.mean()), float(mine[:m].mean()) if m else 0.0


def lexical(c: Comparison, sa: Sketch | ShingleRun, sb: Sketch | ShingleRun, params: Params = DEFAULT
            ) -> tuple[np.ndarray, np.ndarray]:
    """Fill ``c`` with the verbatim measures: shingle Jaccard, containment of own words both
    ways, lead, and the shared verbatim passages of own words (of ``min_passage_words`` at
    least). Returns which words of each text are inside shingles the other holds (for
    :func:`align`)."""
    ha, hb = sa.shingles, sb.shingles
    none = np.zeros(sa.n_words, bool), np.zeros(sb.n_words, bool)
    if ha.size == 0 or hb.size == 0:
        return none
    ua, ub = sa.unique_shingles, sb.unique_shingles
    inter = int(member(ua, ub).sum())
    c.jaccard = inter / (ua.size + ub.size - inter)
    if inter == 0:
        return none
    in_b, in_a = member(ha, ub), member(hb, ua)
    k = params.shingle_words
    cov_a, cov_b = covered_words(in_b, sa.n_words, k), covered_words(in_a, sb.n_words, k)
    lay_a, lay_b = _layout(sa, params), _layout(sb, params)
    c.containment_ab, c.lead_a = _share(cov_a, _body(cov_a, lay_a, params.min_passage_words))
    c.containment_ba, c.lead_b = _share(cov_b, _body(cov_b, lay_b, params.min_passage_words))
    mine = cov_a if lay_a is None else cov_a & lay_a[0]
    runs = [(s, e - k + 1) for s, e in _runs(mine) if e - s >= params.min_passage_words]
    passages, starts = _verbatim(sa, sb, runs, k, params.min_passage_words)
    c.passages.extend(passages)
    c.longest_run = max((p.words for p in passages), default=0)
    c.passage_order = passage_order(starts, [p.words for p in passages])
    return cov_a, cov_b


def passage_order(starts: list[tuple[int, int]], words: list[int]) -> float:
    """Share of the words of shared passages (``starts``: where each begins in a and in b, in
    a's order; ``words``: their lengths) that keep one order in both texts: the heaviest
    chain of passages increasing in both. A copy keeps its body's order whatever surrounds
    it; an update or a rewrite moves paragraphs and sentences.

    >>> passage_order([(0, 50), (20, 0), (40, 20)], [10, 10, 30])
    0.8
    >>> passage_order([], [])
    1.0
    """
    if not starts:
        return 1.0
    points = sorted(range(len(starts)), key=lambda k: starts[k])
    chain = heaviest_chain([starts[k][0] for k in points], [starts[k][1] for k in points],
                           [words[k] for k in points])
    return sum(words[points[k]] for k in chain) / sum(words)


def _verbatim(sa: Sketch | ShingleRun, sb: Sketch | ShingleRun, runs: list[tuple[int, int]], shingle_words: int,
              min_words: int) -> tuple[list[Passage], list[tuple[int, int]]]:
    """Passages of ``a`` (from shingle runs ``start:stop``) found word for word in ``b``, and
    the word where each starts in a and in b.

    Each passage follows one diagonal, the same shingles consecutive in both texts,
    so its two sides are the same words.
    """
    if not runs:
        return [], []
    at = np.concatenate([np.arange(i, stop) for i, stop in runs])
    order = np.argsort(sb.shingles, kind="stable")  # equal shingles: the first in b first
    ordered = sb.shingles[order]
    where = np.minimum(np.searchsorted(ordered, sa.shingles[at]), ordered.size - 1)
    first_in_b = dict(zip(at.tolist(), np.where(ordered[where] == sa.shingles[at], order[where], -1).tolist()))
    ha, hb = sa.shingles, sb.shingles
    out, starts = [], []
    for i, stop in runs:
        while i < stop:
            p = first_in_b[i]
            if p < 0:
                i += 1
                continue
            m = min(stop - i, hb.size - p)  # the diagonal's length: its first unequal shingle ends it
            equal = ha[i: i + m] == hb[p: p + m]
            k = m if equal.all() else int(equal.argmin())
            words = k - 1 + shingle_words
            if words >= min_words:
                starts.append((i, p))
            if words >= min_words and (sa.spans is None or sb.spans is None):  # measures only
                out.append(Passage((0, 0), (0, 0), "verbatim", 1.0, words))
            elif words >= min_words:
                out.append(Passage((int(sa.spans[i, 0]), int(sa.spans[i + words - 1, 1])),
                                   (int(sb.spans[p, 0]), int(sb.spans[p + words - 1, 1])),
                                   "verbatim", 1.0, words))
            i += k
    return out, starts


def heaviest_chain(ii: list[int], jj: list[int], weight: list[int]) -> list[int]:
    """The heaviest chain of points with strictly increasing ``i`` and ``j`` (points sorted
    by ``i``, then ``j``; integer weights: similarities in millionths, so that float32
    noise in the last bits never decides between equally similar sentences), as point
    indexes in order. Among equal chains, each point's predecessor is the first point
    (in order) ending a heaviest chain before it, and the chain ends at the first
    heaviest point.

    A point's best predecessor is a prefix maximum over ``j`` of the points of smaller
    ``i``, kept in a Fenwick tree: ``n log n``, so that two long texts of thousands of
    similar sentence pairs (boilerplate, lists) are aligned as fast as two short ones.

    >>> heaviest_chain([0, 0, 1, 2], [0, 1, 1, 2], [5, 9, 4, 1])
    [1, 3]
    """
    n = len(ii)
    size = max(jj, default=-1) + 1
    tree_best, tree_at = [-1] * (size + 1), [-1] * (size + 1)  # prefix maxima over j: chain weight, its end
    best, back = [0] * n, [-1] * n
    lo = 0
    while lo < n:
        hi = lo
        while hi < n and ii[hi] == ii[lo]:
            hi += 1
        for k in range(lo, hi):  # the points of this i extend chains of smaller i only
            value, at, q = -1, -1, jj[k]
            while q > 0:
                if tree_best[q] > value or (tree_best[q] == value and 0 <= tree_at[q] < at):
                    value, at = tree_best[q], tree_at[q]
                q -= q & -q
            best[k], back[k] = weight[k] + max(value, 0), at
        for k in range(lo, hi):
            q = jj[k] + 1
            while q <= size:
                if best[k] > tree_best[q] or (best[k] == tree_best[q] and k < tree_at[q]):
                    tree_best[q], tree_at[q] = best[k], k
                q += q & -q
        lo = hi
    k = max(range(n), key=lambda t: (best[t], -t)) if n else -1
    chain = []
    while k >= 0:
        chain.append(k)
        k = back[k]
    return chain[::-1]


def align(c: Comparison, sa: Sketch, sb: Sketch, ma: sparse.csr_matrix, mb: sparse.csr_matrix,
          covered: tuple[np.ndarray, np.ndarray], params: Params = DEFAULT,
          similar: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill ``c`` with the order-preserving sentence alignment (the heaviest increasing chain
    of sentence pairs at ``sentence_similarity`` or more; ``ma``, ``mb``: the TF-IDF rows
    of each article's sentences) and the one-to-one matching, order ignored. Pairs of more
    than ``max_aligned_cells`` sentence pairs are not aligned (the similarity matrix would
    not fit in memory: two 20 MB texts hold 10^10 sentence pairs). ``similar``: the pair's
    :func:`similar_sentences`, when measured in a block with other pairs; ``covered``: what
    :func:`lexical` returned for the pair. Returns the sentence pairs (a's, b's): the
    ``c.aligned`` aligned ones, then those matched out of order; and which of them are in
    the one-to-one matching; of these the caller counts ``c.carried`` and ``c.matched_carried``
    (:func:`~dedup.confirm.sentences.carries_many`, many pairs at once)."""
    threshold, cap = params.sentence_similarity, params.max_aligned_candidates
    nothing = np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, bool)
    if ma.shape[0] == 0 or mb.shape[0] == 0 or ma.shape[0] * mb.shape[0] > params.max_aligned_cells:
        return nothing  # nothing to align, or texts of thousands of sentences each: their verbatim measures decide
    ii, jj, ww = similar_sentences([(ma, mb)], threshold)[0] if similar is None else similar
    if ii.size == 0:
        return nothing
    if ii.size > cap:  # keep the strongest pairs of very long, very similar articles
        top = np.argsort(-ww)[:cap]
        ii, jj, ww = ii[top], jj[top], ww[top]
    # one-to-one greedy matching, order ignored
    used_a, used_b, pairs = set(), set(), []
    at_a, at_b = ii.tolist(), jj.tolist()
    for k in np.argsort(-ww, kind="stable").tolist():
        if at_a[k] not in used_a and at_b[k] not in used_b:
            used_a.add(at_a[k]), used_b.add(at_b[k])
            pairs.append(k)
    c.matched = len(pairs)
    c.matched_similarity = float(np.mean(ww[pairs]))
    matched_i, matched_j, matched_w = ii[pairs], jj[pairs], ww[pairs]
    # a matched pair is the same sentence reused when it says the same words and each is in shared passages
    same = params.sentence_same
    close = np.array([k for k in pairs if ww[k] >= same], np.int64)
    if close.size:
        va, vb = sentence_shares(sa, covered[0], ii[close]), sentence_shares(sb, covered[1], jj[close])
        close = close[(va >= same) & (vb >= same)]
    c.reworded = len(pairs) - close.size
    len_a = np.array([e - s for s, e in sa.sentences], float)
    len_b = np.array([e - s for s, e in sb.sentences], float)
    # a sentence merged into (or split from) a matched one: most of its terms are in that sentence
    ends_a, ends_b = set(used_a), set(used_b)
    in_a, in_b = np.zeros(ma.shape[0], bool), np.zeros(mb.shape[0], bool)
    in_a[list(used_a)], in_b[list(used_b)] = True, True
    free_a, free_b = ~in_a[ii] & in_b[jj], in_a[ii] & ~in_b[jj]  # one side matched, the other not
    if free_a.any() or free_b.any():
        strongest = np.argsort(-ww, kind="stable")
        best = [free[np.unique(mine[free], return_index=True)[1]]  # each free sentence's most similar one
                for mine, free in ((ii, strongest[free_a[strongest]]), (jj, strongest[free_b[strongest]]))]
        k = np.concatenate(best)
        holds = shared_terms_many(ma, mb, ii[k], jj[k]) > params.sentence_terms_shared
        ends_a.update(ii[best[0]][holds[:best[0].size]].tolist())
        ends_b.update(jj[best[1]][holds[best[0].size:]].tolist())
    c.matched_coverage_a = float(len_a[sorted(ends_a)].sum() / len_a.sum())
    c.matched_coverage_b = float(len_b[sorted(ends_b)].sum() / len_b.sum())
    order = np.lexsort((jj, ii))
    ii, jj, ww = ii[order].tolist(), jj[order].tolist(), ww[order].tolist()
    chain = heaviest_chain(ii, jj, np.rint(np.asarray(ww, np.float64) * 1e6).astype(np.int64).tolist())
    c.aligned = len(chain)
    c.matched = max(c.matched, c.aligned)  # greedy matching can miss the best one-to-one set
    c.similarity = float(np.mean([ww[k] for k in chain]))
    c.coverage_a = float(len_a[[ii[k] for k in chain]].sum() / len_a.sum())
    c.coverage_b = float(len_b[[jj[k] for k in chain]].sum() / len_b.sum())
    chained = [(ii[k], jj[k]) for k in chain]
    for k in chain:
        c.passages.append(Passage(sa.sentences[ii[k]], sb.sentences[jj[k]], "paraphrase", round(ww[k], 3)))
    matched = list(zip(matched_i.tolist(), matched_j.tolist()))
    in_chain, in_matching = set(chained), set(matched)
    moved = [k for k, ij in enumerate(matched) if ij not in in_chain]  # matched out of order: moved in a rewrite
    for k in moved:
        c.passages.append(Passage(sa.sentences[matched[k][0]], sb.sentences[matched[k][1]], "paraphrase",
                                  round(float(matched_w[k]), 3)))
    pairs = np.array(chained + [matched[k] for k in moved], np.int64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1], np.array([ij in in_matching for ij in chained] + [True] * len(moved), bool)
