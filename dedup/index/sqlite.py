"""The embedded store: one SQLite file in WAL mode (stdlib ``sqlite3``).

One connection per thread; writers take the file's write lock (``BEGIN IMMEDIATE``) and
wait up to :data:`BUSY_SECONDS` for another thread or process to finish. Each add or
removal is part of one transaction, so a process killed at any moment leaves the file as
it was after its last commit. ``synchronous=NORMAL``: a commit survives the process
crashing; a power cut may lose the last commits (not the file).

A file that cannot be written (the file or its directory not writable, or without write
bits, which root is held to as well) is opened with ``mode=ro&immutable=1``, so no
``-wal``/``-shm`` file is needed beside it (``mode=ro`` alone when a ``-wal`` file holds
commits not yet in it). Writing to it, or to a store opened ``read_only``, raises
:class:`IndexAccessError` naming the file. (A writable file opened ``read_only`` keeps a
normal connection, which tidies the ``-wal``/``-shm`` files away when it closes.)

>>> import tempfile, os
>>> store = SQLiteStore(os.path.join(tempfile.mkdtemp(), "x.db"))
>>> store.read_meta() is None
True
>>> store.create({"format": "dedup-index"}); store.read_meta()["format"]
'dedup-index'
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from scipy import sparse

from dedup.index.store import (CHANNELS, Buckets, IndexAccessError, IndexFormatError, Postings, Record, Store,
                               decode, encode, rebuild_hint, stored_postings, term_matrix)

BUSY_SECONDS = 120.0
_MAX_VARS = 30000  # SQLite >= 3.32 allows 32766 parameters
_COLUMNS = ("doc", "id", "ingested", "published", "terms", "article")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    doc INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    ingested REAL NOT NULL,
    published TEXT,
    terms BLOB NOT NULL,
    article BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE INDEX IF NOT EXISTS articles_ingested ON articles (ingested);
CREATE TABLE IF NOT EXISTS terms (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
""" + "".join(f"""CREATE TABLE IF NOT EXISTS post_{c} (key INTEGER NOT NULL, doc INTEGER NOT NULL, pos INTEGER NOT NULL,
    PRIMARY KEY (key, doc, pos)) WITHOUT ROWID;
""" for c in CHANNELS)
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _translated(method):
    """SQLite errors as :class:`IndexFormatError` (not an index, damaged) or :class:`IndexAccessError`."""

    @functools.wraps(method)
    def wrapper(self: "SQLiteStore", *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.OperationalError as e:
            msg = str(e)
            if "readonly" in msg:
                raise _read_only(self.location, msg) from None
            if "no such table" in msg or "no such column" in msg:
                raise IndexFormatError(f"{self.location} is not a dedup index or is damaged ({msg}); "
                                       + rebuild_hint(self.location)) from None
            raise IndexAccessError(f"{self.location}: {msg}") from None
        except sqlite3.DatabaseError as e:  # "file is not a database", "database disk image is malformed"
            raise IndexFormatError(f"{self.location} is not a dedup index or is damaged ({e}); "
                                   + rebuild_hint(self.location)) from None

    return wrapper


class SQLiteStore(Store):
    """An index in one SQLite file at ``path`` (made on :meth:`create`)."""

    def __init__(self, path: str | os.PathLike, read_only: bool = False) -> None:
        self.path = os.fspath(path)
        self.location = self.path
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._check_header()

    def _check_header(self) -> None:
        if os.path.isdir(self.path):
            raise IndexFormatError(f"{self.path} is a directory, not an index file")
        try:
            with open(self.path, "rb") as f:
                head = f.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            return
        except OSError as e:
            raise IndexAccessError(f"{self.path}: cannot read it ({e.strerror})") from None
        if head and head != _SQLITE_MAGIC[: len(head)] or 0 < len(head) < len(_SQLITE_MAGIC):
            raise IndexFormatError(f"{self.path} is not a dedup index (not an SQLite file); "
                                   f"make an index with: dedup index add INDEX.db PATH...")

    def _unwritable(self) -> str | None:
        """Why the file cannot be written (None when it can, or does not exist yet)."""
        if not os.path.exists(self.path):
            return None
        if not _writable(self.path):
            return "the file is not writable"
        if not _writable(os.path.dirname(os.path.abspath(self.path))):
            return "its directory is not writable"
        return None

    def _mode(self) -> str:
        """``rw``, ``ro`` (read-only, with SQLite's locks) or ``immutable`` (no locks, no -wal/-shm files)."""
        if self._unwritable() is None:
            return "rw"
        wal = self.path + "-wal"
        if os.path.exists(wal) and os.path.getsize(wal) > 0:  # commits only there: read them, with the -shm file
            return "ro"
        return "immutable"

    def _refuse_writes(self) -> None:
        if self.read_only or self._local.mode != "rw":
            why = "opened read-only" if self._local.mode == "rw" else self._unwritable() or "opened read-only"
            raise _read_only(self.path, why)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            mode = self._mode()
            uri = "file:" + urllib.parse.quote(os.path.abspath(self.path)) + {
                "rw": "", "ro": "?mode=ro", "immutable": "?mode=ro&immutable=1"}[mode]
            try:
                # used by this thread only; check_same_thread=False lets close() close it from another
                conn = sqlite3.connect(uri, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False,
                                       uri=True)
            except sqlite3.Error as e:
                raise IndexAccessError(f"{self.path}: cannot open it ({e})") from None
            self._local.mode = mode
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -262144")  # up to 256 MiB of pages per connection
            conn.execute("PRAGMA mmap_size = 4294967296")  # reads through the OS page cache, no copies
            self._local.conn = conn
            self._local.depth = 0
            self._local.json_each = json_each_available(conn)
            with self._lock:
                self._connections.append(conn)
        return conn

    @_translated
    def read_meta(self) -> dict[str, str] | None:
        if not os.path.exists(self.path) or os.path.getsize(self.path) == 0:
            return None
        conn = self._conn()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return None
        if "meta" not in tables:
            raise IndexFormatError(f"{self.path} is an SQLite database but not a dedup index (no meta table); "
                                   f"make an index with: dedup index add INDEX.db PATH...")
        return dict(conn.execute("SELECT name, value FROM meta"))

    @_translated
    def create(self, meta: dict[str, str]) -> None:
        if self.read_only:
            raise IndexAccessError(f"no dedup index at {self.path} (opened read-only, so none is made)")
        folder = os.path.dirname(os.path.abspath(self.path))
        if not os.path.exists(self.path) and not (os.path.isdir(folder) and _writable(folder)):
            why = "is not writable" if os.path.isdir(folder) else "does not exist"
            raise IndexAccessError(f"cannot make an index at {self.path}: its directory {why}")
        conn = self._conn()
        self._refuse_writes()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):  # (executescript would commit first)
                if statement.strip():
                    conn.execute(statement)
            conn.executemany("INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)", sorted(meta.items()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @contextmanager
    def writing(self) -> Iterator[None]:
        conn = self._conn()
        self._refuse_writes()
        if self._local.depth:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        self._begin(conn)
        self._local.depth = 1
        try:
            yield
        except BaseException:
            self._local.depth = 0
            conn.execute("ROLLBACK")
            raise
        self._local.depth = 0
        self._commit(conn)

    @contextmanager
    def reading(self) -> Iterator[None]:
        conn = self._conn()
        if self._local.depth:  # inside a write transaction already
            yield
            return
        self._begin(conn, "BEGIN")
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            conn.execute("ROLLBACK")  # nothing was written

    @_translated
    def _begin(self, conn: sqlite3.Connection, statement: str = "BEGIN IMMEDIATE") -> None:
        conn.execute(statement)

    @_translated
    def _commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    @_translated
    def insert(self, record: Record, keys: Postings) -> int:
        return self.insert_many([(record, keys)])[0]

    @_translated
    def insert_many(self, items: Sequence[tuple[Record, Postings]]) -> list[int]:
        conn = self._conn()
        names = _COLUMNS[1:]
        docs = []
        for record, _ in items:
            row = encode(record, self.keep_text)
            cur = conn.execute(f"INSERT INTO articles ({', '.join(names)}) VALUES ({_marks(names)})",
                               [row[n] for n in names])
            docs.append(int(cur.lastrowid))
        for channel in CHANNELS:  # in key order: the B-tree pages are walked once
            rows = _rows(((keys[channel], doc) for (_, keys), doc in zip(items, docs)))
            conn.executemany(f"INSERT OR IGNORE INTO post_{channel} (key, doc, pos) VALUES (?, ?, ?)", rows)
        terms, df = np.unique(np.concatenate([r.terms.indices for r, _ in items]).astype(np.int64),
                              return_counts=True)
        conn.executemany("INSERT INTO terms (term, df) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET df = df + "
                         "excluded.df", zip(terms.tolist(), df.tolist()))
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE name = 'articles'", (len(items),))
        return docs

    @_translated
    def delete(self, docs: Sequence[int]) -> None:
        conn = self._conn()
        records = self.records(docs)
        if not records:
            return
        gone = [r.doc for r in records]
        keys = stored_postings(records, self.params)
        for channel in CHANNELS:
            conn.executemany(f"DELETE FROM post_{channel} WHERE key = ? AND doc = ? AND pos = ?",
                             _rows(((k[channel], doc) for k, doc in zip(keys, gone))))
        terms, df = np.unique(np.concatenate([r.terms.indices for r in records]).astype(np.int64),
                              return_counts=True)
        conn.executemany("UPDATE terms SET df = df - ? WHERE term = ?", zip(df.tolist(), terms.tolist()))
        conn.executemany("DELETE FROM terms WHERE term = ? AND df <= 0", ((t,) for t in terms.tolist()))
        conn.executemany("DELETE FROM articles WHERE doc = ?", ((d,) for d in gone))
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) - ? WHERE name = 'articles'", (len(gone),))

    @_translated
    def docs_of(self, ids: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for chunk in _chunks(list(ids)):
            out.update(self._conn().execute(
                f"SELECT id, doc FROM articles WHERE id IN ({_marks(chunk)})", chunk).fetchall())
        return out

    @_translated
    def records(self, docs: Iterable[int]) -> list[Record]:
        out = []
        for chunk in _chunks(sorted(set(int(d) for d in docs))):
            cur = self._conn().execute(
                f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE doc IN ({_marks(chunk)}) ORDER BY doc", chunk)
            out += [decode(dict(zip(_COLUMNS, row)), self.location, self.params) for row in cur]
        return out

    @_translated
    def terms(self, docs: Sequence[int]) -> sparse.csr_matrix:
        found = {}
        for chunk in _chunks(list(docs)):
            found.update(self._conn().execute(f"SELECT doc, terms FROM articles WHERE doc IN ({_marks(chunk)})", chunk))
        try:
            return term_matrix([found.get(d) for d in docs], self.params.term_bits)  # (None: removed meanwhile)
        except (TypeError, ValueError) as e:
            raise IndexFormatError(f"{self.location} is damaged: the terms of an article cannot be read ({e}); "
                                   + rebuild_hint(self.location)) from None

    @_translated
    def iter_records(self, batch: int = 1000) -> Iterator[Record]:
        last = -1
        while True:
            rows = self._conn().execute(f"SELECT {', '.join(_COLUMNS)} FROM articles WHERE doc > ? ORDER BY doc "
                                        f"LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield decode(dict(zip(_COLUMNS, row)), self.location, self.params)
            last = rows[-1][0]

    @_translated
    def buckets(self, channel: str, keys: np.ndarray, limit: int) -> Buckets:
        """One statement for all ``keys`` (a JSON array walked by ``json_each``): each key's
        rows down the primary key up to the doc of its ``limit + 1``-th row, so a key with
        more is counted as ``limit + 1`` (large buckets cost no more than small ones)."""
        distinct = np.unique(keys)
        if not distinct.size:
            return _buckets(np.empty((0, 3), np.int64), limit)
        conn = self._conn()
        if not self._local.json_each:  # an SQLite built without JSON: one walk per key
            query = f"SELECT key, doc, pos FROM post_{channel} WHERE key = ? ORDER BY doc, pos LIMIT ?"
            rows = [r for key in distinct.tolist() for r in conn.execute(query, (key, limit + 1)).fetchall()]
        else:
            rows = conn.execute(_BUCKETS.format(channel=channel), (json.dumps(distinct.tolist()), limit)).fetchall()
        return _buckets(np.fromiter(itertools.chain.from_iterable(rows), np.int64, 3 * len(rows)).reshape(-1, 3),
                        limit)

    @_translated
    def doc_freq(self, terms: np.ndarray) -> np.ndarray:
        conn = self._conn()
        if self._local.json_each:  # one search down the terms table per term; k.key: its place in the array
            rows = conn.execute("SELECT k.key, coalesce(t.df, 0) FROM json_each(?) AS k LEFT JOIN terms AS t "
                                "ON t.term = k.value", (json.dumps(terms.tolist()),))
            at_df = np.fromiter(itertools.chain.from_iterable(rows), np.int64, 2 * terms.size).reshape(-1, 2)
            out = np.zeros(terms.size, np.int64)
            out[at_df[:, 0]] = at_df[:, 1]
            return out
        found: dict[int, int] = {}
        for chunk in _chunks(terms.tolist()):
            found.update(conn.execute(f"SELECT term, df FROM terms WHERE term IN ({_marks(chunk)})", chunk))
        return np.fromiter((found.get(t, 0) for t in terms.tolist()), np.int64, terms.size)

    @_translated
    def count(self) -> int:
        row = self._conn().execute("SELECT value FROM meta WHERE name = 'articles'").fetchone()
        return int(row[0]) if row else 0

    @_translated
    def older_than(self, by: str, cutoff: str | float) -> list[str]:
        column = {"published": "published", "ingested": "ingested"}[by]
        return [r[0] for r in self._conn().execute(
            f"SELECT id FROM articles WHERE {column} IS NOT NULL AND {column} < ? ORDER BY doc", (cutoff,))]

    @_translated
    def sizes(self) -> dict[str, int | float | str | None]:
        conn = self._conn()
        out: dict[str, int | float | str | None] = {
            f"postings_{c}": conn.execute(f"SELECT count(*) FROM post_{c}").fetchone()[0] for c in CHANNELS}
        out["terms"] = conn.execute("SELECT count(*) FROM terms").fetchone()[0]
        row = conn.execute("SELECT min(published), max(published), min(ingested), max(ingested) "
                           "FROM articles").fetchone()
        out.update(zip(("published_min", "published_max", "ingested_min", "ingested_max"), row))
        out["bytes"] = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return out

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()


# each key's rows up to the doc of its (?2 + 1)-th row (the edge; all rows when it has fewer): one
# range search down the primary key per key, bounded by a correlated subquery (EXPLAIN QUERY PLAN:
# SEARCH p USING PRIMARY KEY (key=? AND doc<?)), in the order of the JSON array ?1
_BUCKETS = """SELECT k.value, p.doc, p.pos FROM json_each(?1) AS k CROSS JOIN post_{channel} AS p
WHERE p.key = k.value AND p.doc <= coalesce((SELECT e.doc FROM post_{channel} AS e WHERE e.key = k.value
    ORDER BY e.doc, e.pos LIMIT 1 OFFSET ?2), 9223372036854775807)"""


def _buckets(rows: np.ndarray, limit: int) -> Buckets:
    """:class:`Buckets` of posting rows ``(key, doc, pos)`` holding each key's first ``limit + 1``
    rows at least (in any order): a key of more than ``limit`` counted as ``limit + 1``, with
    its first row only."""
    rows = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
    key = rows[:, 0]
    first = np.r_[True, key[1:] != key[:-1]] if key.size else np.empty(0, bool)
    starts = np.flatnonzero(first)
    counts = np.minimum(np.diff(np.r_[starts, key.size]), limit + 1)
    keep = first | (counts <= limit)[np.cumsum(first) - 1]
    return Buckets(key[starts], counts, key[keep], rows[keep, 1], rows[keep, 2])


def json_each_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has the JSON functions (built in since 3.38; optional before)."""
    try:
        conn.execute("SELECT count(*) FROM json_each('[1]')").fetchone()
    except sqlite3.OperationalError:
        return False
    return True


def _read_only(location: str, why: str) -> IndexAccessError:
    return IndexAccessError(f"{location} is read-only ({why}): cannot add to it or remove from it; "
                            f"dedup check --against can still read it")


def _writable(path: str) -> bool:
    """Whether ``path`` may be written: permitted, and with a write bit set (root is held to them too)."""
    try:
        return os.access(path, os.W_OK) and bool(os.stat(path).st_mode & 0o222)
    except OSError:
        return False


def _rows(parts: Iterable[tuple[tuple[np.ndarray, np.ndarray], int]]) -> list[tuple[int, int, int]]:
    """Posting rows ``(key, doc, pos)`` of ``((keys, positions), doc)`` parts, sorted."""
    parts = list(parts)
    if not parts:
        return []
    keys = np.concatenate([k for (k, _), _ in parts])
    pos = np.concatenate([p for (_, p), _ in parts])
    docs = np.concatenate([np.full(k.size, d, np.int64) for (k, _), d in parts])
    order = np.lexsort((pos, docs, keys))
    return list(zip(keys[order].tolist(), docs[order].tolist(), pos[order].tolist()))


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def _chunks(values: list, size: int = _MAX_VARS) -> Iterator[list]:
    for lo in range(0, len(values), size):
        yield values[lo: lo + size]
