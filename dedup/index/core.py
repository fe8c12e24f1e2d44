"""The persistent index: add articles as they come, get each one's matches back at once.

>>> import os, tempfile
>>> from dedup import Article
>>> story = "The council approved the new budget on Monday after a long debate. " * 3
>>> with Index.open(os.path.join(tempfile.mkdtemp(), "news.db")) as index:
...     index.add(Article(id="first", text=story))
...     [(m["a"], m["b"], m["relation"]) for m in index.add(Article(id="again", text=story))]
...     len(index), [m["relation"] for m in index.check(Article(id="new", text=story))]
[]
[('first', 'again', 'duplicate')]
(2, ['duplicate', 'duplicate'])

Each match is the pair of the JSON report (``a``: the stored article, ``b``: the new one;
relation, source, reasons, scores, evidence, quotes), found by the same three candidate
channels with their bucket limits and confirmed with the IDF of the index plus the new
article, as :func:`dedup.scan_articles` over the index's articles would, except for what
needs the whole corpus: repeated-line removal and story-level orientation happen in
:meth:`Index.report`, which equals ``dedup scan`` over the same articles in the order they
were added.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import sparse

from dedup import candidates as cand
from dedup.article import Article
from dedup.arrays import member, unique
from dedup.clean import clean, drop_repeated_lines
from dedup.confirm import Confirmer
from dedup.features import TERM_BITS, Features, featurize, shingle_batch
from dedup.index.store import (IndexAccessError, IndexFormatError, Record, SCHEMA_VERSION, Store, postings,
                               rebuild_hint)
from dedup.relation import PARTIAL_RUN, RELATED_COSINE, STRENGTH
from dedup.scan import Report, _confirm, compare_features
from dedup.sketch import SHINGLE, STEM

FORMAT = "dedup-index"
BATCH = 500  # articles per transaction in add_many
EXISTING = ("error", "skip", "replace")
_PROBE = ("Xi Jinping met Nguyen Phu Trong in Hanoi on Tuesday; the two sides signed 36 deals. "
          "\"We share a common destiny,\" he said. Trade grew 21.4% in 2023.\n"
          "Le président a visité Hanoï. 习近平访问越南。")


def sketch_params() -> dict[str, object]:
    """What the stored features depend on (a different value makes them incomparable)."""
    return {
        "doc_num_perm": cand.DOC_PERM, "doc_threshold": cand.DOC_THRESHOLD, "doc_bands_rows": list(cand.doc_params()),
        "sentence_num_perm": cand.SENTENCE_PERM, "sentence_threshold": cand.SENTENCE_THRESHOLD,
        "sentence_bands_rows": list(cand.sentence_params()), "sentence_min_terms": cand.SENTENCE_MIN_TERMS,
        "anchor_window": cand.ANCHOR_WINDOW, "shingle_words": SHINGLE, "term_bits": TERM_BITS, "stem": STEM,
        "seed": 1, "hash": "dedup.sketch.span_hashes",
    }


@lru_cache(maxsize=1)
def features_fingerprint() -> str:
    """A hash of the features of a fixed text: changes whenever tokens, hashes or sketches do."""
    f = featurize([_PROBE])
    h = hashlib.sha256()
    for a in (f.doc_keys, f.anchors, f.anchor_pos, f.sentence_keys, f.terms.indices, f.terms.data, f.digest):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def _version() -> str:
    import dedup

    return dedup.__version__


def _new_meta() -> dict[str, str]:
    return {"format": FORMAT, "schema_version": str(SCHEMA_VERSION), "dedup_version": _version(),
            "params": json.dumps(sketch_params(), sort_keys=True), "fingerprint": features_fingerprint(),
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "articles": "0"}


def _check_meta(meta: dict[str, str], location: str) -> None:
    if meta.get("format") != FORMAT:
        raise IndexFormatError(f"{location} is not a dedup index (its metadata has no format {FORMAT!r}); "
                               f"make an index with: dedup index add INDEX PATH...")
    made = f"dedup {meta.get('dedup_version', '?')} (index schema {meta.get('schema_version', '?')})"
    this = f"dedup {_version()} (index schema {SCHEMA_VERSION})"
    if meta.get("schema_version") != str(SCHEMA_VERSION) or meta.get("dedup_version") != _version():
        raise IndexFormatError(f"{location} was made by {made}; this is {this}, which does not read it: "
                               + rebuild_hint(location))
    try:
        stored = json.loads(meta.get("params", ""))
    except json.JSONDecodeError:
        stored = {}
    current = json.loads(json.dumps(sketch_params()))
    differ = sorted(k for k in set(stored) | set(current) if stored.get(k) != current.get(k))
    if differ:
        shown = ", ".join(f"{k} {stored.get(k)!r} (now {current.get(k)!r})" for k in differ[:5])
        raise IndexFormatError(f"{location} was made with other sketch parameters: {shown}; " + rebuild_hint(location))
    if meta.get("fingerprint") != features_fingerprint():
        raise IndexFormatError(f"{location} holds features computed differently from this dedup's "
                               f"(fingerprint {meta.get('fingerprint')} vs {features_fingerprint()}); "
                               + rebuild_hint(location))


def open_store(location: str | os.PathLike) -> Store:
    """The store for ``location``: ``redis://`` (or ``rediss://``, ``unix://``) URL, else an SQLite file."""
    text = os.fspath(location)
    if text.startswith(("redis://", "rediss://", "unix://")):
        from dedup.index.redis import RedisStore

        return RedisStore(text)
    from dedup.index.sqlite import SQLiteStore

    return SQLiteStore(text)


@dataclass
class _Found:
    """A new article's candidates among the stored ones, read under the write lock: the
    articles are numbered locally, in doc order, the new one last (``k``)."""

    docs: np.ndarray  # stored candidates, sorted
    records: dict[int, Record]  # the candidates that may be confirmed, by local number
    by_doc: np.ndarray  # local numbers from each channel (sentence ones from the related cosine on)
    anchor: cand.AnchorHits  # a = local number, b = k
    by_sentence: np.ndarray
    confirmer: Confirmer | None  # fitted on the candidates and the new article, IDF of the index plus it


class Index:
    """A persistent index of articles; see the module docstring. Open with :meth:`open`.

    Safe to share between threads, and to open from several processes at once (one
    SQLite file, or one Redis server and prefix): adds and removals are serialised,
    each sees every add that returned before it started.
    """

    def __init__(self, store: Store, meta: dict[str, str]) -> None:
        self.store = store
        self.meta = meta
        self.location = store.location

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, location: str | os.PathLike, *, create: bool = True) -> "Index":
        """Open the index at ``location`` (an SQLite file path, or ``redis://HOST:PORT/DB?prefix=NAME``),
        made empty when absent and ``create`` is true.

        Raises :class:`IndexFormatError` when the location holds something else, a damaged
        index, or one made by another version or with other parameters (the message says
        how to rebuild it), and :class:`IndexAccessError` when it cannot be reached.
        """
        store = open_store(location)
        try:
            meta = store.read_meta()
            if meta is None:
                if not create:
                    raise IndexFormatError(f"no dedup index at {store.location}; make one with: "
                                           f"dedup index add {store.location} PATH...")
                store.create(_new_meta())
                meta = store.read_meta() or {}
            _check_meta(meta, store.location)
        except BaseException:
            store.close()
            raise
        return cls(store, meta)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return self.store.count()

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and bool(self.store.docs_of([article_id]))

    def __repr__(self) -> str:
        return f"Index({self.location!r})"

    # --- adding and checking -------------------------------------------------------------

    def add(self, article: Article, *, existing: str = "error", matches: bool = True) -> list[dict]:
        """Store ``article`` and return its matches among the articles stored before it.

        ``existing``: what to do when its id is already stored: ``"error"`` (raise
        ValueError), ``"skip"`` (store nothing, return []) or ``"replace"``.
        ``matches=False`` stores it without looking for matches (bulk loading; returns []).
        """
        _validate(article)
        return self.add_many([article], existing=existing, matches=matches)[article.id]

    def add_many(self, articles: Iterable[Article], *, batch: int = BATCH, existing: str = "error",
                 matches: bool = True) -> dict[str, list[dict]]:
        """Store articles in transactions of ``batch``; each is matched against everything
        stored before it (earlier ones of the same batch included). Returns each id's
        matches; a batch is stored whole (SQLite) or article by article (Redis) before
        its matches are computed.
        """
        if existing not in EXISTING:
            raise ValueError(f"The 'existing' parameter of Index.add_many must be one of {', '.join(EXISTING)}. "
                             f"Got {existing!r} instead.")
        if not isinstance(batch, int) or batch < 1:
            raise ValueError(f"The 'batch' parameter of Index.add_many must be a positive int. Got {batch!r} instead.")
        out: dict[str, list[dict]] = {}
        for chunk in _chunks(articles, batch):
            prepared = _prepare(chunk)
            found: list[tuple[Article, Features, _Found | None]] = []
            with self.store.writing():
                present = self.store.docs_of([a.id for a, _ in prepared])
                for a, f in prepared:
                    if a.id in present:
                        if existing == "skip":
                            out.setdefault(a.id, [])
                            continue
                        if existing == "error":
                            raise ValueError(f"{_where(a)}: id {a.id!r} is already in the index {self.location} "
                                             f"(remove it first, or pass existing='replace' or 'skip')")
                        self.store.delete(present.pop(a.id))
                    hits = self._lookup(f, skip=()) if matches else None
                    present[a.id] = self.store.insert(Record(a.id, a, f, time.time()))
                    found.append((a, f, hits))
            for a, f, hits in found:
                out[a.id] = _matches(a, f, hits) if hits is not None else []
        return out

    def check(self, article: Article) -> list[dict]:
        """The matches ``article`` would get if it were added, without storing it. A stored
        article of the same id (an earlier version of it) is left out of the comparison."""
        ((a, f),) = _prepare([article])
        with self.store.reading():
            found = self._lookup(f, skip=self.store.docs_of([a.id]).values())
        return _matches(a, f, found)

    def _lookup(self, f: Features, skip: Iterable[int]) -> _Found:
        keys = postings(f)
        skip_docs = np.array(sorted(skip), np.int64)
        by_doc = unique(self._rows("doc", *keys["doc"], cand.MAX_BUCKET, skip_docs)[1])
        key, doc, pos = self._rows("anchor", *keys["anchor"], cand.ANCHOR_MAX_DOCS, skip_docs)
        anchor = _anchor_hits(key, doc, pos, f)
        by_sentence = _sentence_docs(*self._rows("sentence", *keys["sentence"], cand.SENTENCE_MAX_BUCKET, skip_docs),
                                     *keys["sentence"])
        docs = unique(np.concatenate([by_doc, anchor.a, by_sentence]))
        if docs.size == 0:
            return _Found(docs, {}, docs, anchor, docs, None)
        k = docs.size
        rows = self.store.terms(docs.tolist()) + [f.terms]
        terms = unique(np.concatenate([r.indices for r in rows]).astype(np.int64))
        df = self.store.doc_freq(terms) + member(terms, np.sort(f.terms.indices.astype(np.int64)))
        confirmer = _fit(rows, terms, df, self.store.count() + 1)
        by_doc, by_sentence = np.searchsorted(docs, by_doc), np.searchsorted(docs, by_sentence)
        # sentence-channel pairs count from the related cosine on, as in a scan
        by_sentence = by_sentence[confirmer.cosines(_with(by_sentence, k)) >= RELATED_COSINE]
        anchor.a = np.searchsorted(docs, anchor.a)
        anchor.b = np.full(anchor.a.size, k, np.int64)
        wanted = unique(np.concatenate([by_doc, anchor.a, by_sentence]))
        loaded = {r.doc: r for r in self.store.records(docs[wanted].tolist())}  # (one removed meanwhile is left out)
        records = {i: loaded[d] for i, d in zip(wanted.tolist(), docs[wanted].tolist()) if d in loaded}
        return _Found(docs, records, by_doc, anchor, by_sentence, confirmer)

    def _rows(self, channel: str, keys: np.ndarray, pos: np.ndarray, cap: int, skip: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stored rows sharing a key with the new article's, in buckets of at most ``cap``
        rows counting the new article's own (larger buckets are skipped, as in a scan)."""
        uk, mine = np.unique(keys, return_counts=True)
        b = self.store.buckets(channel, uk, cap - 1)
        total = b.counts + mine[np.searchsorted(uk, b.keys)]
        ok = member(b.key, np.sort(b.keys[total <= cap])) & ~member(b.doc, skip)
        return b.key[ok], b.doc[ok], b.pos[ok]

    # --- removing ------------------------------------------------------------------------

    def remove(self, article_id: str) -> bool:
        """Remove one article; False when it was not there."""
        with self.store.writing():
            docs = self.store.docs_of([article_id])
            for doc in docs.values():
                self.store.delete(doc)
        return bool(docs)

    def evict(self, older_than: dt.date | dt.datetime | dt.timedelta | str, *, by: str = "published") -> int:
        """Remove the articles published (``by="published"``: their date, read from the
        article) or added (``by="ingested"``) before ``older_than``: a date, a datetime, an
        ISO string, or a timedelta counted back from now. Articles without a publication
        date are kept by ``by="published"``. Returns how many were removed.
        """
        if by not in ("published", "ingested"):
            raise ValueError(f"The 'by' parameter of Index.evict must be 'published' or 'ingested'. "
                             f"Got {by!r} instead.")
        cutoff = _cutoff(older_than)
        value: str | float = cutoff.date().isoformat() if by == "published" else cutoff.timestamp()
        with self.store.writing():
            ids = self.store.older_than(by, value)
            docs = self.store.docs_of(ids)
            for doc in docs.values():
                self.store.delete(doc)
        return len(docs)

    # --- reading -------------------------------------------------------------------------

    def stats(self) -> dict[str, object]:
        """Counts, sizes, dates and parameters of the index."""
        sizes = self.store.sizes()
        for name in ("ingested_min", "ingested_max"):  # seconds since the epoch, shown as UTC times
            if isinstance(sizes.get(name), (int, float)):
                sizes[name] = dt.datetime.fromtimestamp(sizes[name], dt.timezone.utc).isoformat(timespec="seconds")
        return {"location": self.location, "articles": self.store.count(), **sizes,
                "dedup_version": self.meta.get("dedup_version"), "schema_version": self.meta.get("schema_version"),
                "created": self.meta.get("created"), "params": json.loads(self.meta.get("params", "{}"))}

    def articles(self) -> Iterator[Article]:
        """Every stored article (as cleaned, before corpus-wide repeated-line removal), in the order added."""
        for r in self.store.iter_records():
            yield r.article

    def report(self, progress: bool = False, workers: int | None = None) -> Report:
        """The whole index as one scan: equal to :func:`dedup.scan_articles` over its articles in
        the order they were added, from the stored features (only the articles that
        corpus-wide repeated-line removal changes are sketched again)."""
        t0 = time.perf_counter()
        records = list(self.store.iter_records())
        articles = [r.article for r in records]
        before = [a.body for a in articles]
        drop_repeated_lines(articles)
        parts = [r.features if a.body == b else featurize([a.body or ""])
                 for r, a, b in zip(records, articles, before)]
        del records
        report = compare_features(articles, _stack(parts, [a.body or "" for a in articles]),
                                  progress=progress, workers=workers, t0=t0)
        report.stats["index"] = self.location
        return report

    def pairs(self) -> list[dict]:
        """The pairs of :meth:`report`."""
        return self.report().pairs


def _matches(a: Article, f: Features, found: _Found) -> list[dict]:
    """Confirm the new article's candidates (see :class:`_Found`) as a scan would."""
    if not found.records:
        return []
    k = found.docs.size
    articles: list = [None] * k + [a]  # only the loaded candidates are ever compared
    for i, r in found.records.items():
        articles[i] = r.article
    bodies = [x.body or "" if x is not None else "" for x in articles]
    confirmer = found.confirmer
    confirmer.bodies_ = bodies
    hits = found.anchor
    by_anchor = np.empty((0, 2), np.int64)
    if hits.a.size:  # shared anchors count when a run of 20 words goes through one, or from the related cosine on
        values, start = _shingles(bodies, np.r_[unique(hits.a), k])
        by_anchor, runs = cand.longest_runs(hits, values, start)
        by_anchor = by_anchor[(runs >= PARTIAL_RUN[0] - SHINGLE + 1) | (confirmer.cosines(by_anchor) >= RELATED_COSINE)]
    pairs = cand.merge_pairs(_with(found.by_doc, k), by_anchor, _with(found.by_sentence, k))
    pairs = pairs[member(pairs[:, 0], np.array(sorted(found.records), np.int64))]
    digest = np.zeros(k + 1, np.uint64)
    for i, r in found.records.items():
        digest[i] = r.features.digest[0]
    digest[k] = f.digest[0]
    out = _confirm(articles, confirmer, digest, pairs, confirmer.cosines(pairs))
    out.sort(key=lambda p: (-STRENGTH[p["relation"]], p["a"], p["b"]))
    return out


class _Columns:
    """``Confirmer.column_of_`` for a few articles: hashed term id -> column, by binary search
    in the terms they hold, instead of an array over all 2**24 hashed ids (64 MB to fill
    for every check)."""

    def __init__(self, terms: np.ndarray) -> None:
        self.terms = terms

    def __getitem__(self, hashed: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.terms, hashed).astype(np.int32)


def _fit(rows: list[sparse.csr_matrix], terms: np.ndarray, df: np.ndarray, n: int) -> Confirmer:
    """A :class:`Confirmer` of the articles of ``rows`` (term counts) with the IDF of a
    corpus of ``n`` articles where ``terms`` (sorted, every term of the rows) have document
    frequencies ``df``. Terms are numbered in sorted order, as a scan numbers them, so the
    weights and cosines are a scan's; bodies are set on ``bodies_`` when known."""
    counts = _terms(rows)
    local = sparse.csr_matrix((counts.data, np.searchsorted(terms, counts.indices).astype(np.int32), counts.indptr),
                              shape=(len(rows), max(terms.size, 1)))
    c = Confirmer().fit([""] * len(rows), local, corpus=(np.arange(terms.size), df, n))
    c.column_of_ = _Columns(terms)
    return c


def _with(local: np.ndarray, k: int) -> np.ndarray:
    """Pairs of each local number with the new article's."""
    return np.stack([local, np.full(local.size, k, np.int64)], axis=1).reshape(-1, 2)


def _shingles(bodies: list[str], which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The shingles of ``bodies[i]`` for ``i`` in ``which``, laid out as a scan's (the others empty)."""
    values, start = shingle_batch([bodies[i] for i in which.tolist()])
    counts = np.zeros(len(bodies), np.int64)
    counts[which] = np.diff(start)
    return values, np.r_[0, np.cumsum(counts)]


def _anchor_hits(key: np.ndarray, doc: np.ndarray, pos: np.ndarray, f: Features) -> cand.AnchorHits:
    """The anchors the new article shares with stored ones on one diagonal (as
    :func:`dedup.candidates.anchor_hits`, the new article numbered last)."""
    docs = unique(doc)
    owner = np.concatenate([np.searchsorted(docs, doc), np.full(f.anchors.size, docs.size)])
    hits = cand.anchor_hits(np.concatenate([key, f.anchors.astype(np.int64)]), owner,
                            np.concatenate([pos, f.anchor_pos.astype(np.int64)]))
    mine = hits.b == docs.size
    return cand.AnchorHits(docs[hits.a[mine]], np.full(int(mine.sum()), -1, np.int64), hits.pos_a[mine],
                           hits.pos_b[mine])


def _sentence_docs(key: np.ndarray, doc: np.ndarray, sent: np.ndarray, new_keys: np.ndarray,
                   new_sent: np.ndarray) -> np.ndarray:
    """Stored docs with :data:`dedup.candidates.SENTENCE_MIN_HITS` distinct sentence pairs
    colliding with the new article's (in a band bucket small enough)."""
    if key.size == 0:
        return np.empty(0, np.int64)
    order = np.argsort(new_keys, kind="stable")
    sk, ss = new_keys[order], new_sent[order]
    lo, hi = np.searchsorted(sk, key, "left"), np.searchsorted(sk, key, "right")
    n = hi - lo
    row = np.repeat(np.arange(key.size), n)
    mine = ss[np.repeat(lo, n) + np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)]
    width = int(max(int(sent.max()), int(new_sent.max())) + 1)
    items = unique((doc[row] * width + sent[row]) * width + mine)
    per_doc = items // (width * width)
    d, c = np.unique(per_doc, return_counts=True)
    return d[c >= cand.SENTENCE_MIN_HITS]


def _terms(rows: list[sparse.csr_matrix]) -> sparse.csr_matrix:
    """One-row term-count matrices stacked (rows stay sorted by column, as a scan's)."""
    indices = np.concatenate([r.indices for r in rows]).astype(np.int32)
    data = np.concatenate([r.data for r in rows]).astype(np.float32)
    indptr = np.r_[0, np.cumsum([r.indices.size for r in rows])].astype(np.int64)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), 1 << TERM_BITS))


def _stack(parts: list[Features], bodies: list[str], batch: int = 1000) -> Features:
    """The features of one-article parts, joined in order (the shingles made from ``bodies``)."""
    n = len(parts)
    sizes_a = np.array([p.anchors.size for p in parts], np.int64)
    sizes_s = np.array([p.sentence_keys.shape[0] for p in parts], np.int64)
    values, starts = [], [np.zeros(1, np.int64)]
    for lo in range(0, n, batch):
        v, s = shingle_batch(bodies[lo: lo + batch])
        offset = starts[-1][-1]
        values.append(v)
        starts.append(s[1:] + offset)
    return Features(
        n,
        np.concatenate([p.doc_keys for p in parts]) if n else np.empty((0, cand.doc_bands()), np.uint64),
        np.concatenate([p.anchors for p in parts] + [np.empty(0, np.uint32)]),
        np.repeat(np.arange(n, dtype=np.int32), sizes_a),
        np.concatenate([p.anchor_pos for p in parts] + [np.empty(0, np.int32)]),
        np.concatenate([p.sentence_keys for p in parts] + [np.empty((0, cand.sentence_bands()), np.uint32)]),
        np.repeat(np.arange(n, dtype=np.int32), sizes_s),
        _terms([p.terms for p in parts]) if n else sparse.csr_matrix((0, 1 << TERM_BITS), dtype=np.float32),
        np.concatenate([p.digest for p in parts] + [np.empty(0, np.uint64)]),
        np.concatenate(values + [np.empty(0, np.uint32)]),
        np.concatenate(starts),
        np.concatenate([p.words for p in parts] + [np.empty(0, np.int32)]),
    )


def _split(f: Features) -> list[Features]:
    """A batch's features, one :class:`Features` per article."""
    def ranges(owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(owner, kind="stable")
        bounds = np.searchsorted(owner[order], np.arange(f.n + 1))
        return order, bounds

    ao, ab = ranges(f.anchor_doc)
    so, sb = ranges(f.sentence_doc)
    out = []
    for i in range(f.n):
        a, s = ao[ab[i]: ab[i + 1]], so[sb[i]: sb[i + 1]]
        out.append(Features(
            1, f.doc_keys[i: i + 1].copy(), f.anchors[a], np.zeros(a.size, np.int32), f.anchor_pos[a],
            f.sentence_keys[s], np.zeros(s.size, np.int32), f.terms[i], f.digest[i: i + 1].copy(),
            np.empty(0, np.uint32), np.zeros(2, np.int64), f.words[i: i + 1].copy()))
    return out


def _prepare(articles: list[Article]) -> list[tuple[Article, Features]]:
    """Cleaned copies of the articles and their features (the caller's objects are left alone)."""
    for a in articles:
        _validate(a)
    cleaned = [clean(_copy(a)) for a in articles]
    if not cleaned:
        return []
    return list(zip(cleaned, _split(featurize([a.body or "" for a in cleaned]))))


def _copy(a: Article) -> Article:
    return dataclasses.replace(a, attribution=list(a.attribution), attribution_urls=list(a.attribution_urls),
                               line_origins=list(a.line_origins), removed=list(a.removed))


def _where(a: Article) -> str:
    if a.path:
        return a.path if a.line is None else f"{a.path}:{a.line}"
    return f"article {a.id!r}"


def _validate(a: object) -> None:
    if not isinstance(a, Article):
        raise TypeError(f"expected a dedup.Article, got {type(a).__name__}")
    if not isinstance(a.id, str) or not a.id:
        raise ValueError(f"{_where(a)}: an article needs a non-empty string id, got {a.id!r}")
    if not isinstance(a.text, str):
        raise ValueError(f"{_where(a)}: the text of article {a.id!r} must be a string, got {type(a.text).__name__}")
    if a.published is not None and not isinstance(a.published, str):
        raise ValueError(f"{_where(a)}: 'published' must be an ISO date string (YYYY-MM-DD), got {a.published!r}")


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _cutoff(older_than: dt.date | dt.datetime | dt.timedelta | str) -> dt.datetime:
    now = dt.datetime.now(dt.timezone.utc)
    if isinstance(older_than, dt.timedelta):
        return now - older_than
    if isinstance(older_than, str):
        try:
            older_than = dt.datetime.fromisoformat(older_than)
        except ValueError:
            raise ValueError(f"The 'older_than' parameter of Index.evict must be a date, datetime, timedelta or ISO "
                             f"date string. Got {older_than!r} instead.") from None
    if isinstance(older_than, dt.datetime):
        return older_than if older_than.tzinfo else older_than.replace(tzinfo=dt.timezone.utc)
    if isinstance(older_than, dt.date):
        return dt.datetime(older_than.year, older_than.month, older_than.day, tzinfo=dt.timezone.utc)
    raise ValueError(f"The 'older_than' parameter of Index.evict must be a date, datetime, timedelta or ISO date "
                     f"string. Got {older_than!r} instead.")


__all__ = ["Index", "IndexAccessError", "IndexFormatError", "open_store", "sketch_params"]
