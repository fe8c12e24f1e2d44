"""The persistent index: add articles as they come, get each one's matches back at once.

>>> import os, tempfile
>>> from dedup import Article
>>> story = "The council approved the new budget on Monday after a long debate. " * 3
>>> with Index.open(os.path.join(tempfile.mkdtemp(), "news.db")) as index:
...     index.add(Article(id="first", text=story))
...     [(m.a, m.b, str(m.relation)) for m in index.add(Article(id="again", text=story))]
...     len(index), [str(m.relation) for m in index.check(Article(id="new", text=story))]
[]
[('first', 'again', 'duplicate')]
(2, ['duplicate', 'duplicate'])

Each match is a :class:`dedup.model.Pair` (``a``: the stored article, ``b``: the new one),
found by the same three candidate channels with their bucket limits, kept and confirmed
by :mod:`dedup.pipeline` with the IDF of the index plus the new article, as
:func:`dedup.scan_articles` over the index's articles would, except for what needs the
whole corpus: repeated-line removal and story-level orientation happen in
:meth:`Index.report`, which equals ``dedup scan`` over the same articles in the order they
were added (from the stored bodies, sketched again, through the local driver).

What this driver owns: storing records and postings (SQLite or Redis), locking, ids
already stored, eviction; and reading a new article's candidates from the postings
(:mod:`dedup.index.lookup`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager

from dedup.clean import drop_repeated_lines
from dedup.index.lookup import Lookup, Remembered, confirm_matches, lookup
from dedup.index.meta import check_meta, new_meta, open_store
from dedup.index.prepare import batches_of, prepare, prepared_batches, validate
from dedup.index.store import IndexAccessError, IndexFormatError, Postings, Record, Store, postings
from dedup.model import Article, Pair, Report
from dedup.params import DEFAULT, Params
from dedup.scan import compare_features
from dedup.sketch.features import Features, featurize

BATCH = 500  # articles per transaction in add_many
_SKETCH_BATCH = 1000  # articles sketched at once by report
EXISTING = ("error", "skip", "replace")


class AddResult(dict[str, list[Pair]]):
    """What :meth:`Index.add_many` returns: each id's matches, and what this call itself did
    (whatever other writers did meanwhile): ``added`` new articles, ``replaced`` ones of
    an id already stored, ``skipped`` ones already stored (``existing="skip"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.added = self.replaced = self.skipped = 0


class Index:
    """A persistent index of articles; see the module docstring. Open with :meth:`open`.

    Safe to share between threads, and to open from several processes at once (one
    SQLite file, or one Redis server and prefix): adds and removals are serialised,
    each sees every add that returned before it started.
    """

    def __init__(self, store: Store, meta: dict[str, str], params: Params, read_only: bool = False) -> None:
        self.store = store
        self.read_only = read_only
        self.meta = meta
        self.params = params
        self.location = store.location
        self.keep_text = meta.get("keep_text", "1") == "1"
        store.params = params
        store.keep_text = self.keep_text

    # --- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, location: str | os.PathLike, *, create: bool = True, params: Params = DEFAULT,
             read_only: bool = False, keep_text: bool = True) -> "Index":
        """Open the index at ``location`` (an SQLite file path, or ``redis://HOST:PORT/DB?prefix=NAME``),
        made empty when absent and ``create`` is true (and not ``read_only``). ``params``: the
        pipeline's parameters; their sketch stage must be the one the stored features were
        computed with. ``keep_text``: whether a new index keeps each article's text as read
        beside its cleaned body (an index made earlier keeps its own choice; see
        :mod:`dedup.index.store`). ``read_only``: for checks and reports; adding or removing raises
        :class:`IndexAccessError` (an SQLite file is then read with ``mode=ro``, and may sit in
        a read-only directory; so is one that cannot be written, see :mod:`dedup.index.sqlite`).

        Raises :class:`IndexFormatError` when the location holds something else, a damaged
        index, or one made by another version or with other sketch parameters (the message
        says how to rebuild it), and :class:`IndexAccessError` when it cannot be reached.
        """
        store = open_store(location, read_only=read_only)
        try:
            meta = store.read_meta()
            if meta is None:
                if not create or read_only:
                    raise IndexFormatError(f"no dedup index at {store.location}; make one with: "
                                           f"dedup index add {store.location} PATH...")
                store.create(new_meta(params, keep_text))
                meta = store.read_meta() or {}
            used = check_meta(meta, store.location, params)
        except BaseException:
            store.close()
            raise
        return cls(store, meta, used, read_only)

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

    def add(self, article: Article, *, existing: str = "error", matches: bool = True) -> list[Pair]:
        """Store ``article`` and return its matches among the articles stored before it.

        ``existing``: what to do when its id is already stored: ``"error"`` (raise
        ValueError), ``"skip"`` (store nothing, return []) or ``"replace"``.
        ``matches=False`` stores it without looking for matches (bulk loading; returns []).
        """
        validate(article)
        return self.add_many([article], existing=existing, matches=matches)[article.id]

    def add_many(self, articles: Iterable[Article], *, batch: int = BATCH, existing: str = "error",
                 matches: bool = True, workers: int | None = None) -> AddResult:
        """Store articles in transactions of ``batch``; each is matched against everything
        stored before it (earlier ones of the same batch included). Returns each id's
        matches, and how many this call added, replaced and skipped (:class:`AddResult`);
        a batch is stored whole (SQLite) or article by article (Redis) before its matches
        are computed. ``articles`` may be an iterator (read a few batches ahead). The
        next batches are cleaned and sketched in ``workers`` forked processes (default:
        the CPUs this process may use; 1: in this process) while this one stores
        (:func:`dedup.index.prepare.prepared_batches`).
        """
        if existing not in EXISTING:
            raise ValueError(f"The 'existing' parameter of Index.add_many must be one of {', '.join(EXISTING)}. "
                             f"Got {existing!r} instead.")
        if not isinstance(batch, int) or batch < 1:
            raise ValueError(f"The 'batch' parameter of Index.add_many must be a positive int. Got {batch!r} instead.")
        out = AddResult()
        for prepared in prepared_batches(batches_of(articles, batch), self.params, workers):
            found: list[tuple[Article, Features, Lookup | None]] = []
            skipped = replaced = 0
            with self._writing():
                present: dict[str, int | None] = dict(self.store.docs_of([a.id for a, _ in prepared]))
                waiting: list[tuple[Record, Postings]] = []  # without matches: stored together, at the end
                memo = Remembered(self.store)
                for a, f in prepared:
                    if a.id in present:
                        if existing == "skip":
                            out.setdefault(a.id, [])
                            skipped += 1
                            continue
                        if existing == "error":
                            raise ValueError(f"{a.where}: id {a.id!r} is already in the index {self.location} "
                                             f"(remove it first, or pass existing='replace' or 'skip')")
                        present.update(self._insert(waiting))  # (the one replaced may be waiting)
                        self.store.delete([present.pop(a.id)])
                        memo.forget()
                        replaced += 1
                    record = Record.new(a, f, time.time())
                    if matches:
                        hits = lookup(self.store, f, (), self.params, memo)
                        present[a.id] = self.store.insert(record, postings(f))
                        memo.added(record.terms.indices)
                        found.append((a, f, hits))
                    else:
                        waiting.append((record, postings(f)))
                        present[a.id] = None
                        found.append((a, f, None))
                self._insert(waiting)
            out.added += len(found) - replaced  # counted once the batch is stored
            out.replaced += replaced
            out.skipped += skipped
            for a, f, hits in found:
                out[a.id] = confirm_matches(a, f, hits, self.params) if hits is not None else []
        return out

    def _insert(self, waiting: list[tuple[Record, Postings]]) -> dict[str, int]:
        """Store the records waiting (emptied), and say their ``doc`` numbers by id."""
        docs = self.store.insert_many(waiting) if waiting else []
        stored = {record.id: doc for (record, _), doc in zip(waiting, docs)}
        waiting.clear()
        return stored

    def check(self, article: Article) -> list[Pair]:
        """The matches ``article`` would get if it were added, without storing it. A stored
        article of the same id (an earlier version of it) is left out of the comparison."""
        ((a, f),) = prepare([article], self.params)
        with self.store.reading():
            found = lookup(self.store, f, self.store.docs_of([a.id]).values(), self.params)
        return confirm_matches(a, f, found, self.params)

    # --- removing ------------------------------------------------------------------------

    def remove(self, article_id: str) -> bool:
        """Remove one article; False when it was not there."""
        with self._writing():
            docs = self.store.docs_of([article_id])
            self.store.delete(list(docs.values()))
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
        with self._writing():
            ids = self.store.older_than(by, value)
            docs = self.store.docs_of(ids)
            self.store.delete(sorted(docs.values()))
        return len(docs)

    def _writing(self) -> AbstractContextManager[None]:
        if self.read_only:
            raise IndexAccessError(f"{self.location} was opened read-only: cannot add to it or remove from it")
        return self.store.writing()

    # --- reading -------------------------------------------------------------------------

    def stats(self) -> dict[str, object]:
        """Counts, sizes, dates and parameters of the index."""
        sizes = self.store.sizes()
        for name in ("ingested_min", "ingested_max"):  # seconds since the epoch, shown as UTC times
            if isinstance(sizes.get(name), (int, float)):
                sizes[name] = dt.datetime.fromtimestamp(sizes[name], dt.timezone.utc).isoformat(timespec="seconds")
        return {"location": self.location, "articles": self.store.count(), "keep_text": self.keep_text, **sizes,
                "dedup_version": self.meta.get("dedup_version"), "schema_version": self.meta.get("schema_version"),
                "created": self.meta.get("created"), "params": json.loads(self.meta.get("params", "{}"))}

    def articles(self) -> Iterator[Article]:
        """Every stored article (as cleaned, before corpus-wide repeated-line removal), in the order added."""
        for r in self.store.iter_records():
            yield r.article

    def report(self, progress: bool = False, workers: int | None = None) -> Report:
        """The whole index as one scan: equal to :func:`dedup.scan_articles` over its articles in
        the order they were added, from their stored cleaned bodies (corpus-wide repeated
        lines removed, then sketched again, as a scan does)."""
        t0 = time.perf_counter()
        articles = list(self.articles())
        drop_repeated_lines(articles, params=self.params)
        bodies = [a.body or "" for a in articles]
        features = Features.concat((featurize(bodies[lo: lo + _SKETCH_BATCH], self.params)
                                    for lo in range(0, len(bodies), _SKETCH_BATCH)), params=self.params)
        del bodies
        report = compare_features(articles, features, progress=progress, workers=workers, t0=t0, params=self.params)
        report.stats["index"] = self.location
        return report

    def pairs(self) -> list[Pair]:
        """The pairs of :meth:`report`."""
        return self.report().pairs


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


__all__ = ["AddResult", "Index", "IndexAccessError", "IndexFormatError", "open_store"]
