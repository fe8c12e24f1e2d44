"""One new article against the stored ones: its candidates from the posting tables (the
three channels, with a scan's bucket caps), then the pipeline's rule and confirmation.

The stored candidates and the new article are numbered locally, in ``doc`` order, the new
one last (``k``); the confirmer is fitted on them with the IDF of the index plus the new
article. What this driver owns: reading postings, terms and records from the store (the
lookup runs under the index's lock; confirming does not).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from dedup import candidates as cand
from dedup.arrays import member, unique
from dedup.confirm import Confirmer, CorpusIdf
from dedup.index.store import Record, Store, postings
from dedup.model import Article, Pair
from dedup.params import Params
from dedup.pipeline import Bodies, confirm_pairs, keep_candidates, report_order, runs_needed
from dedup.sketch.features import Features, shingle_batch


@dataclass
class Lookup:
    """A new article's candidates among the stored ones, read under the index's lock."""

    docs: np.ndarray  # stored candidates' doc numbers, sorted: local numbers 0..k-1
    found: cand.Candidates  # pairs (i, k), anchor runs not measured yet
    hits: cand.AnchorHits  # the shared anchors: a = local number, b = k
    records: dict[int, Record]  # the candidates that may be kept, by local number
    confirmer: Confirmer | None  # fitted on the candidates and the new article


class Remembered:
    """What lookups read of a store that only adds and removals change (document frequencies,
    the stored articles' term counts and records), remembered while its write lock is held:
    no one else writes meanwhile, and the adds under the lock say what they stored
    (:meth:`added`; after a removal, :meth:`forget`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known = np.empty(0, np.int64)  # terms whose frequency is known, sorted
        self.df = np.empty(0, np.int64)
        self.rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.loaded: dict[int, Record] = {}

    def doc_freq(self, terms: np.ndarray) -> np.ndarray:
        """As :meth:`dedup.index.store.Store.doc_freq` (``terms`` distinct and sorted)."""
        missing = terms[~member(terms, self.known)]
        if missing.size:
            at = np.searchsorted(self.known, missing)
            self.known = np.insert(self.known, at, missing)
            self.df = np.insert(self.df, at, self.store.doc_freq(missing))
        return self.df[np.searchsorted(self.known, terms)]

    def terms(self, docs: list[int]) -> sparse.csr_matrix:
        missing = [d for d in docs if d not in self.rows]
        if missing:
            m = self.store.terms(missing)
            for i, d in enumerate(missing):
                lo, hi = m.indptr[i], m.indptr[i + 1]
                self.rows[d] = m.indices[lo:hi], m.data[lo:hi]
        parts = [self.rows[d] for d in docs]
        return sparse.csr_matrix((np.concatenate([c for _, c in parts] + [np.empty(0, np.float32)]),
                                  np.concatenate([i for i, _ in parts] + [np.empty(0, np.int32)]),
                                  np.r_[0, np.cumsum([i.size for i, _ in parts])].astype(np.int64)),
                                 shape=(len(docs), 1 << self.store.params.term_bits))

    def records(self, docs: list[int]) -> list[Record]:
        missing = [d for d in docs if d not in self.loaded]
        self.loaded.update((r.doc, r) for r in self.store.records(missing) if r.doc is not None)
        return [self.loaded[d] for d in sorted(set(docs)) if d in self.loaded]

    def added(self, terms: np.ndarray) -> None:
        """An article holding ``terms`` (distinct) was stored."""
        terms = np.asarray(terms, np.int64)
        self.df[np.searchsorted(self.known, terms[member(terms, self.known)])] += 1

    def forget(self) -> None:
        """Articles were removed: read everything again."""
        self.known, self.df = np.empty(0, np.int64), np.empty(0, np.int64)
        self.rows.clear()
        self.loaded.clear()


def lookup(store: Store, f: Features, skip: Iterable[int], params: Params, memo: Remembered | None = None
           ) -> Lookup:
    """The candidates of the article of features ``f`` among the stored articles (but the
    ``doc`` numbers ``skip``), and the records of those that may go on to confirmation
    (``memo``: what may be read from it instead of from ``store``)."""
    read = memo or store
    keys = postings(f)
    skip_docs = np.array(sorted(skip), np.int64)
    by_doc = unique(_rows(store, "doc", *keys["doc"], params.doc_max_bucket, skip_docs)[1])
    key, doc, pos = _rows(store, "anchor", *keys["anchor"], params.anchor_max_docs, skip_docs)
    hits = _anchor_hits(key, doc, pos, f, params)
    sentence_rows = _rows(store, "sentence", *keys["sentence"], params.sentence_max_bucket, skip_docs)
    by_sentence = _sentence_docs(*sentence_rows, *keys["sentence"], params.sentence_min_hits)
    docs = unique(np.concatenate([by_doc, hits.a, by_sentence]))
    k = docs.size
    if k == 0:
        return Lookup(docs, cand.Candidates.union(), hits, {}, None)
    rows = _with_row(read.terms(docs.tolist()), f.terms, params.term_bits)
    terms = unique(rows.indices.astype(np.int64))
    df = read.doc_freq(terms) + member(terms, np.sort(f.terms.indices.astype(np.int64)))
    confirmer = Confirmer(params).fit([""] * (k + 1), rows, idf=CorpusIdf(terms, df, store.count() + 1))
    hits.a, hits.b = np.searchsorted(docs, hits.a), np.full(hits.a.size, k, np.int64)
    channels = {name: _with(np.searchsorted(docs, d), k) for name, d in
                (("documents", by_doc), ("sentences", by_sentence))}
    anchor_pairs = hits.pairs()
    found = cand.Candidates.union(
        documents=(channels["documents"], confirmer.cosines(channels["documents"])),
        anchors=(anchor_pairs, confirmer.cosines(anchor_pairs), np.full(len(anchor_pairs), cand.NOT_MEASURED)),
        sentences=(channels["sentences"], confirmer.cosines(channels["sentences"])))
    maybe, _ = keep_candidates(found, params, measured=False)
    wanted = found.pairs[maybe, 0]
    loaded = {r.doc: r for r in read.records(docs[wanted].tolist())}  # (one removed meanwhile is left out)
    records = {i: loaded[d] for i, d in zip(wanted.tolist(), docs[wanted].tolist()) if d in loaded}
    return Lookup(docs, found, hits, records, confirmer)


def confirm_matches(a: Article, f: Features, looked: Lookup, params: Params) -> list[Pair]:
    """The new article's matches: its candidates measured, kept by the pipeline's rule and
    confirmed (``a``: the stored article; ``b``: the new one)."""
    if not looked.records:
        return []
    k = looked.docs.size
    articles: list[Article | None] = [None] * k + [a]  # only the loaded candidates are ever compared
    for i, r in looked.records.items():
        articles[i] = r.article
    bodies = Bodies(articles)
    confirmer = looked.confirmer
    assert confirmer is not None
    confirmer.bodies_ = bodies
    found = looked.found.subset(member(looked.found.pairs[:, 0], np.array(sorted(looked.records), np.int64)))
    need = np.flatnonzero(found.by_anchor & runs_needed(found.cosine, params))
    if need.size:
        values, start = _shingles(bodies, np.r_[found.pairs[need, 0], k], params)
        pairs, runs = cand.longest_runs(looked.hits.among(found.pairs[need]), values, start, params.run_reach)
        found.anchor_run[need] = runs[np.searchsorted(pairs[:, 0], found.pairs[need, 0])]
    keep, _ = keep_candidates(found, params)
    digest = np.zeros(k + 1, np.uint64)
    for i, r in looked.records.items():
        digest[i] = r.digest
    digest[k] = f.digest[0]
    return report_order(confirm_pairs(articles, confirmer, found.pairs[keep], found.cosine[keep], digest, params))


def _rows(store: Store, channel: str, keys: np.ndarray, pos: np.ndarray, cap: int, skip: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored rows sharing a key with the new article's: all of a bucket of at most ``cap``
    rows counting the new article's own; of a larger one, its first row only (its
    representative, as in a scan, where the new article would come last)."""
    uk, mine = np.unique(keys, return_counts=True)
    b = store.buckets(channel, uk, cap - 1)
    total = b.counts + mine[np.searchsorted(uk, b.keys)]
    order = np.lexsort((b.pos, b.doc, b.key))
    key, doc, pos = b.key[order], b.doc[order], b.pos[order]
    first = np.r_[True, key[1:] != key[:-1]] if key.size else np.empty(0, bool)
    ok = (first | member(key, np.sort(b.keys[total <= cap]))) & ~member(doc, skip)
    return key[ok], doc[ok], pos[ok]


def _with_row(rows: sparse.csr_matrix, row: sparse.csr_matrix, term_bits: int) -> sparse.csr_matrix:
    """The term counts ``rows`` and one more ``row`` below them (as one batch's)."""
    row = row.tocsr()
    return sparse.csr_matrix((np.concatenate([rows.data, row.data]).astype(np.float32),
                              np.concatenate([rows.indices, row.indices]).astype(np.int32),
                              np.r_[rows.indptr, rows.indptr[-1] + row.indices.size].astype(np.int64)),
                             shape=(rows.shape[0] + 1, 1 << term_bits))


def _with(local: np.ndarray, k: int) -> np.ndarray:
    """Pairs of each local number with the new article's."""
    return np.stack([local, np.full(local.size, k, np.int64)], axis=1).reshape(-1, 2)


def _shingles(bodies: Bodies, which: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """The shingles of ``bodies[i]`` for ``i`` in ``which``, laid out as a scan's (the others empty)."""
    which = unique(which)
    values, start = shingle_batch([bodies[i] for i in which.tolist()], params)
    counts = np.zeros(len(bodies), np.int64)
    counts[which] = np.diff(start)
    return values, np.r_[0, np.cumsum(counts)]


def _anchor_hits(key: np.ndarray, doc: np.ndarray, pos: np.ndarray, f: Features, params: Params) -> cand.AnchorHits:
    """The anchors the new article shares with stored ones on one diagonal (as
    :func:`dedup.candidates.anchor_hits`, the new article numbered last); ``a``: stored doc."""
    docs = unique(doc)
    owner = np.concatenate([np.searchsorted(docs, doc), np.full(f.anchors.size, docs.size)])
    hits = cand.anchor_hits(np.concatenate([key, f.anchors.astype(np.int64)]), owner,
                            np.concatenate([pos, f.anchor_pos.astype(np.int64)]), params)
    mine = hits.b == docs.size
    return cand.AnchorHits(docs[hits.a[mine]], np.full(int(mine.sum()), -1, np.int64), hits.pos_a[mine],
                           hits.pos_b[mine])


def _sentence_docs(key: np.ndarray, doc: np.ndarray, sent: np.ndarray, new_keys: np.ndarray,
                   new_sent: np.ndarray, min_hits: int) -> np.ndarray:
    """Stored docs with ``min_hits`` distinct sentence pairs colliding with the new
    article's (in a band bucket small enough: :func:`dedup.candidates.pairs_with_hits`)."""
    if key.size == 0:
        return np.empty(0, np.int64)
    order = np.argsort(new_keys, kind="stable")
    sk, ss = new_keys[order], new_sent[order]
    lo, hi = np.searchsorted(sk, key, "left"), np.searchsorted(sk, key, "right")
    n = hi - lo
    row = np.repeat(np.arange(key.size), n)
    mine = ss[np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)]
    width = int(max(int(sent.max()), int(new_sent.max())) + 1)
    items = unique((doc[row] * width + sent[row]) * width + mine)  # distinct (doc, its sentence, new sentence)
    return cand.pairs_with_hits(items // (width * width), min_hits)
