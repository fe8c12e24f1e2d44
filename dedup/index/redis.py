"""The shared store: keys under one prefix on a Redis server (``pip install 'dedup[redis]'``).

Location: ``redis://[:PASSWORD@]HOST:PORT/DB?prefix=NAME`` (prefix ``dedup`` by default;
several indexes live side by side on one server under different prefixes). Layout, for
prefix ``P``:

* ``P:meta`` (hash): format, schema and dedup versions, sketch parameters;
* ``P:art:DOC`` (hash): one article's row (as :func:`dedup.index.store.encode`), ``DOC``
  numbered by ``INCR P:next`` in the order of adding; ``P:ids`` (hash) id -> DOC;
  ``P:docs``, ``P:ingested``, ``P:published`` (sorted sets of DOC by number, time, date);
* ``P:p:CHANNEL:KEY`` (sorted set of ``DOC:POS``, scored by both, so its first member is
  the bucket's representative: :func:`posting_score`): the postings; ``P:terms`` (hash) term ->
  document frequency; ``P:count`` and ``P:n:CHANNEL`` counters.

Writers hold the lock ``P:lock`` (redis-py's ``Lock``, renewed at each insert and expiring
:data:`LOCK_SECONDS` after the last one if its holder dies); each article's writes go in one ``MULTI``/``EXEC`` transaction, so a
client killed at any moment leaves every article whole or absent. Bucket sizes and members
are read in one round trip (a Lua script).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from scipy import sparse

from dedup.index.store import (CHANNELS, Buckets, IndexAccessError, IndexFormatError, Record, Store, decode,
                               encode, postings, rebuild_hint, term_row)

LOCK_SECONDS = 30.0  # a writer that died frees the lock after this (each insert renews it)
BUSY_SECONDS = 120.0  # how long a writer waits for the lock
_BUCKETS = """
local limit = tonumber(ARGV[1])
local out = {}
for i, k in ipairs(KEYS) do
  local n = redis.call('ZCARD', k)
  if n > limit then out[i] = {n, redis.call('ZRANGE', k, 0, 0)} else out[i] = {n, redis.call('ZRANGE', k, 0, -1)} end
end
return out
"""


def posting_score(doc: int, pos: int) -> int:
    """The score of posting ``DOC:POS`` in its sorted set: by ``doc``, then ``pos`` (exact in
    a double up to 2**32 docs; positions past 2**21 words tie).

    >>> posting_score(3, 7) < posting_score(3, 40) < posting_score(4, 0)
    True
    """
    return doc * _POS_SPAN + min(pos, _POS_SPAN - 1)


_POS_SPAN = 1 << 21


def _redis():
    try:
        import redis
    except ImportError:
        raise IndexAccessError("a redis:// index needs the redis package: pip install 'dedup[redis]'") from None
    return redis


def _translated(method):
    """Redis errors as :class:`IndexAccessError` (server unreachable...) or :class:`IndexFormatError`."""

    @functools.wraps(method)
    def wrapper(self: "RedisStore", *args, **kwargs):
        redis = _redis()
        try:
            return method(self, *args, **kwargs)
        except redis.exceptions.ResponseError as e:
            if "WRONGTYPE" in str(e):
                raise IndexFormatError(f"{self.location}: keys under prefix {self.prefix!r} are not a dedup index "
                                       f"({e}); use another prefix, or " + rebuild_hint(self.location)) from None
            raise IndexAccessError(f"{self.location}: {e}") from None
        except redis.exceptions.LockError as e:
            raise IndexAccessError(f"{self.location}: the write lock {self.prefix}:lock was lost ({e})") from None
        except redis.exceptions.RedisError as e:
            raise IndexAccessError(f"{self.location}: {e}") from None

    return wrapper


def parse_location(url: str) -> tuple[str, str, str]:
    """``(url for redis-py, prefix, location to show)`` (the password hidden).

    >>> parse_location("redis://:secret@localhost:6379/2?prefix=news")
    ('redis://:secret@localhost:6379/2', 'news', 'redis://localhost:6379/2?prefix=news')
    """
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    prefix = next((v for k, v in query if k == "prefix"), "dedup")
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    client = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
    host = parts.netloc.rsplit("@", 1)[-1]
    shown = urlunsplit((parts.scheme, host, parts.path, urlencode([("prefix", prefix)]), ""))
    return client, prefix, shown


class RedisStore(Store):
    """An index under one key prefix of a Redis server (see the module docstring)."""

    def __init__(self, url: str) -> None:
        redis = _redis()
        client_url, self.prefix, self.location = parse_location(url)
        if not self.prefix or any(c.isspace() for c in self.prefix):
            raise IndexFormatError(f"{self.location}: the prefix must be a non-empty word")
        try:
            self.r = redis.Redis.from_url(client_url)
        except ValueError as e:
            raise IndexAccessError(f"{self.location}: {e}") from None
        self._local = threading.local()
        self._buckets = self.r.register_script(_BUCKETS)

    def _k(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    @_translated
    def read_meta(self) -> dict[str, str] | None:
        kind = self.r.type(self._k("meta")).decode()
        if kind == "none":
            if self.r.exists(self._k("ids"), self._k("count")):
                raise IndexFormatError(f"{self.location} is damaged (articles but no {self._k('meta')}); "
                                       + rebuild_hint(self.location))
            return None
        if kind != "hash":
            raise IndexFormatError(f"{self.location}: {self._k('meta')} is a {kind}, not a dedup index's metadata; "
                                   f"use another prefix")
        return {k.decode(): v.decode() for k, v in self.r.hgetall(self._k("meta")).items()}

    @_translated
    def create(self, meta: dict[str, str]) -> None:
        with self.writing():
            if not self.r.exists(self._k("meta")):
                pipe = self.r.pipeline(transaction=True)
                pipe.hset(self._k("meta"), mapping=meta)
                pipe.setnx(self._k("count"), 0)
                pipe.execute()

    @contextmanager
    def writing(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        lock = self.r.lock(self._k("lock"), timeout=LOCK_SECONDS, blocking_timeout=BUSY_SECONDS, thread_local=True)
        if not self._acquire(lock):
            raise IndexAccessError(f"{self.location}: another writer held {self._k('lock')} for {BUSY_SECONDS:.0f} s")
        self._local.depth, self._local.lock = 1, lock
        try:
            yield
        finally:
            self._local.depth, self._local.lock = 0, None
            self._release(lock)

    @_translated
    def _acquire(self, lock) -> bool:
        return bool(lock.acquire())

    @_translated
    def _release(self, lock) -> None:
        lock.release()

    @_translated
    def insert(self, record: Record) -> int:
        self._local.lock.reacquire()  # LOCK_SECONDS more
        doc = int(self.r.incr(self._k("next")))
        row = encode(record)
        row["published"] = row["published"] or ""
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self._k("art", doc), mapping=row)
        pipe.hset(self._k("ids"), record.id, doc)
        pipe.zadd(self._k("docs"), {doc: doc})
        pipe.zadd(self._k("ingested"), {doc: record.ingested})
        day = _day(row["published"])
        if day is not None:
            pipe.zadd(self._k("published"), {doc: day})
        for channel, (keys, pos) in postings(record.features).items():
            for key, p in zip(keys.tolist(), pos.tolist()):
                pipe.zadd(self._k("p", channel, key), {f"{doc}:{p}": posting_score(doc, p)})
            pipe.incrby(self._k("n", channel), keys.size)
        for term in record.features.terms.indices.tolist():
            pipe.hincrby(self._k("terms"), term, 1)
        pipe.incr(self._k("count"))
        pipe.execute()
        return doc

    @_translated
    def delete(self, doc: int) -> None:
        self._local.lock.reacquire()
        records = self.records([doc])
        if not records:
            return
        (record,) = records
        terms = record.features.terms.indices.tolist()
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(self._k("art", doc))
        pipe.hdel(self._k("ids"), record.id)
        for name in ("docs", "ingested", "published"):
            pipe.zrem(self._k(name), doc)
        for channel, (keys, pos) in postings(record.features).items():
            for key, p in zip(keys.tolist(), pos.tolist()):
                pipe.zrem(self._k("p", channel, key), f"{doc}:{p}")
            pipe.decrby(self._k("n", channel), keys.size)
        for term in terms:
            pipe.hincrby(self._k("terms"), term, -1)
        pipe.decr(self._k("count"))
        left = pipe.execute()[-1 - len(terms): -1]
        gone = [t for t, n in zip(terms, left) if int(n) <= 0]
        if gone:  # a frequency of 0 reads as absent: tidying them away needs no transaction
            self.r.hdel(self._k("terms"), *gone)

    @_translated
    def docs_of(self, ids: Sequence[str]) -> dict[str, int]:
        ids = list(ids)
        if not ids:
            return {}
        found = self.r.hmget(self._k("ids"), ids)
        return {i: int(d) for i, d in zip(ids, found) if d is not None}

    @_translated
    def records(self, docs: Iterable[int]) -> list[Record]:
        docs = sorted(set(int(d) for d in docs))
        pipe = self.r.pipeline(transaction=False)
        for d in docs:
            pipe.hgetall(self._k("art", d))
        return [self._decode(d, row) for d, row in zip(docs, pipe.execute()) if row]

    def _decode(self, doc: int, raw: dict[bytes, bytes]) -> Record:
        row: dict = {k.decode(): v for k, v in raw.items()}
        try:
            for name in ("id", "article", "published"):
                row[name] = row[name].decode()
            row["published"] = row["published"] or None
            row["ingested"], row["words"] = float(row["ingested"]), int(row["words"])
        except (KeyError, ValueError, UnicodeDecodeError) as e:
            raise IndexFormatError(f"{self.location} is damaged: {self._k('art', doc)} cannot be read ({e!r}); "
                                   + rebuild_hint(self.location)) from None
        row["doc"] = doc
        return decode(row, self.location, self.params)

    @_translated
    def terms(self, docs: Sequence[int]) -> list[sparse.csr_matrix]:
        pipe = self.r.pipeline(transaction=False)
        for d in docs:
            pipe.hmget(self._k("art", d), "term_ids", "term_counts")
        out = []
        for d, (ids, counts) in zip(docs, pipe.execute()):
            if ids is None or counts is None:  # removed meanwhile
                out.append(sparse.csr_matrix((1, 1 << self.params.term_bits), dtype=np.float32))
                continue
            try:
                out.append(term_row(ids, counts, self.params.term_bits))
            except (TypeError, ValueError) as e:
                raise IndexFormatError(f"{self.location} is damaged: the terms of {self._k('art', d)} cannot be read "
                                       f"({e}); " + rebuild_hint(self.location)) from None
        return out

    @_translated
    def iter_records(self, batch: int = 1000) -> Iterator[Record]:
        last = "-inf"
        while True:
            docs = [int(d) for d in self.r.zrangebyscore(self._k("docs"), last, "+inf", start=0, num=batch)]
            if not docs:
                return
            yield from self.records(docs)
            last = f"({docs[-1]}"

    @_translated
    def buckets(self, channel: str, keys: np.ndarray, limit: int) -> Buckets:
        distinct = np.unique(keys).tolist()
        counts, rows = [], []
        for lo in range(0, len(distinct), 1000):
            chunk = distinct[lo: lo + 1000]
            for key, (n, members) in zip(chunk, self._buckets(keys=[self._k("p", channel, k) for k in chunk],
                                                              args=[limit])):
                if n:
                    counts.append((key, int(n)))
                for m in members:
                    d, p = m.split(b":")
                    rows.append((key, int(d), int(p)))
        table = np.array(rows, np.int64).reshape(-1, 3)
        c = np.array(counts, np.int64).reshape(-1, 2)
        return Buckets(c[:, 0], c[:, 1], table[:, 0], table[:, 1], table[:, 2])

    @_translated
    def doc_freq(self, terms: np.ndarray) -> np.ndarray:
        values = terms.tolist()
        out = []
        for lo in range(0, len(values), 10000):
            out += self.r.hmget(self._k("terms"), values[lo: lo + 10000]) if values[lo: lo + 10000] else []
        return np.array([int(v) if v is not None else 0 for v in out], np.int64)

    @_translated
    def count(self) -> int:
        return int(self.r.get(self._k("count")) or 0)

    @_translated
    def older_than(self, by: str, cutoff: str | float) -> list[str]:
        if by == "published":
            name, limit = "published", _day(str(cutoff))
        else:
            name, limit = "ingested", float(cutoff)
        docs = [int(d) for d in self.r.zrangebyscore(self._k(name), "-inf", f"({limit}")]
        pipe = self.r.pipeline(transaction=False)
        for d in docs:
            pipe.hget(self._k("art", d), "id")
        return [i.decode() for i in pipe.execute() if i is not None]

    @_translated
    def sizes(self) -> dict[str, int | float | str | None]:
        out: dict[str, int | float | str | None] = {
            f"postings_{c}": int(self.r.get(self._k("n", c)) or 0) for c in CHANNELS}
        out["terms"] = int(self.r.hlen(self._k("terms")))
        for name in ("published", "ingested"):
            lo = self.r.zrange(self._k(name), 0, 0, withscores=True)
            hi = self.r.zrange(self._k(name), -1, -1, withscores=True)
            out[f"{name}_min"] = _score(name, lo)
            out[f"{name}_max"] = _score(name, hi)
        out["redis_used_memory"] = int(self.r.info("memory").get("used_memory", 0))
        return out

    def close(self) -> None:
        self.r.close()


def _day(iso: str | None) -> int | None:
    """``"2023-12-11"`` -> 20231211 (a sortable score); None when it is not such a date."""
    if not iso or len(iso) < 10 or not iso[:4].isdigit() or not iso[5:7].isdigit() or not iso[8:10].isdigit():
        return None
    return int(iso[:4] + iso[5:7] + iso[8:10])


def _score(name: str, found: list) -> str | float | None:
    if not found:
        return None
    score = found[0][1]
    if name == "published":
        day = str(int(score))
        return f"{day[:4]}-{day[4:6]}-{day[6:8]}"
    return score
