"""The shared store: keys under one prefix on a Redis server (``pip install 'dedup[redis]'``).

Location: ``redis://[:PASSWORD@]HOST:PORT/DB?prefix=NAME`` (prefix ``dedup`` by default;
several indexes live side by side on one server under different prefixes). Layout, for
prefix ``P``:

* ``P:meta`` (hash): format, schema and dedup versions, sketch parameters;
* ``P:art:DOC`` (string): one article's record (:func:`pack`: the row of
  :func:`dedup.index.store.encode`), ``DOC`` numbered by ``INCR P:next`` in the order of
  adding; ``P:ids`` (hash) id -> DOC; ``P:docs``, ``P:ingested``, ``P:published`` (sorted
  sets of DOC by number, time, date);
* ``P:b:CHANNEL:N``, ``P:o:CHANNEL:HEX`` and ``P:lh:CHANNEL``: the postings, in hash buckets
  (:mod:`dedup.index.redis_postings`); ``P:terms`` (hash) term -> document frequency;
  ``P:count`` and ``P:n:CHANNEL`` counters.

Writers hold the lock ``P:lock`` (redis-py's ``Lock``, renewed at each insert and expiring
:data:`LOCK_SECONDS` after the last one if its holder dies); each article is added or
removed by one Lua script, which Redis runs whole, so a client killed at any moment leaves
every article whole or absent. Bucket sizes and members are read by a script too.

>>> row = {"id": "a", "ingested": 1.5, "published": None, "terms": b"t", "article": b"x"}
>>> unpack(pack(row)) == row
True
"""

from __future__ import annotations

import functools
import struct
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from scipy import sparse

from dedup.index import redis_postings as rp
from dedup.index.store import (CHANNELS, Buckets, IndexAccessError, IndexFormatError, Postings, Record, Store,
                               decode, encode, rebuild_hint, stored_postings, term_matrix)

LOCK_SECONDS = 30.0  # a writer that died frees the lock after this (each insert renews it)
BUSY_SECONDS = 120.0  # how long a writer waits for the lock
RECORD_HEAD = struct.Struct("<dIIH")  # ingested, bytes of terms, of id, of published day (then the bytes)


def pack(row: dict) -> bytes:
    """A record's row (:func:`dedup.index.store.encode`) as the bytes of its string."""
    terms, ident, day = row["terms"], _b(row["id"]), (row["published"] or "").encode()
    return RECORD_HEAD.pack(row["ingested"], len(terms), len(ident), len(day)) + terms + ident + day + row["article"]


def unpack(value: bytes) -> dict:
    """The row of :func:`pack`'s bytes (ValueError when they are not)."""
    try:
        ingested, n_terms, n_id, n_day = RECORD_HEAD.unpack_from(value)
    except struct.error as e:
        raise ValueError(str(e)) from None
    at = RECORD_HEAD.size
    terms, ident = value[at: at + n_terms], value[at + n_terms: at + n_terms + n_id]
    day = value[at + n_terms + n_id: at + n_terms + n_id + n_day]
    if len(value) < at + n_terms + n_id + n_day:
        raise ValueError("record cut short")
    return {"id": ident.decode("utf-8", "surrogatepass"), "ingested": ingested, "published": day.decode() or None,
            "terms": terms, "article": value[at + n_terms + n_id + n_day:]}


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


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
    try:
        parts = urlsplit(url)
    except ValueError as e:  # "redis://[::1": an IPv6 host without its bracket (the URL not shown: a password)
        raise IndexAccessError(f"{url.partition(':')[0]}: not a valid URL ({e})") from None
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
        self._scripts = {name: self.r.register_script(getattr(rp, name)) for name in
                         ("INSERT", "DELETE", "BUCKETS", "TERMS")}

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
    def insert(self, record: Record, keys: Postings) -> int:
        return self.insert_many([(record, keys)])[0]

    @_translated
    def insert_many(self, items: Sequence[tuple[Record, Postings]]) -> list[int]:
        self._local.lock.reacquire()  # LOCK_SECONDS more
        pipe = self.r.pipeline(transaction=False)  # one round trip; each script is atomic
        for record, keys in items:
            row = encode(record, self.keep_text)
            day = _day(row["published"])
            args: list = [self.prefix, pack(row), _b(record.id), row["ingested"], "" if day is None else day,
                          record.terms.indices.astype("<u4").tobytes()]
            for channel in CHANNELS:
                args += [channel, *rp.grouped(*keys[channel])]
            self._scripts["INSERT"](args=args, client=pipe)
        return [int(doc) for doc in pipe.execute()]

    @_translated
    def delete(self, docs: Sequence[int]) -> None:
        self._local.lock.reacquire()
        records = self.records(docs)
        pipe = self.r.pipeline(transaction=False)
        for record, keys in zip(records, stored_postings(records, self.params)):
            args: list = [self.prefix, record.doc, _b(record.id), record.terms.indices.astype("<u4").tobytes()]
            for channel in CHANNELS:
                args += [channel, np.unique(rp.fields_of(keys[channel][0])).astype("<u8").tobytes()]
            self._scripts["DELETE"](args=args, client=pipe)
        pipe.execute()

    @_translated
    def docs_of(self, ids: Sequence[str]) -> dict[str, int]:
        ids = list(ids)
        if not ids:
            return {}
        found = self.r.hmget(self._k("ids"), [_b(i) for i in ids])
        return {i: int(d) for i, d in zip(ids, found) if d is not None}

    @_translated
    def records(self, docs: Iterable[int]) -> list[Record]:
        docs = sorted(set(int(d) for d in docs))
        values = self.r.mget([self._k("art", d) for d in docs]) if docs else []
        return [self._decode(d, v) for d, v in zip(docs, values) if v is not None]

    def _decode(self, doc: int, value: bytes) -> Record:
        try:
            row = unpack(value)
        except (ValueError, UnicodeDecodeError) as e:
            raise IndexFormatError(f"{self.location} is damaged: {self._k('art', doc)} cannot be read ({e}); "
                                   + rebuild_hint(self.location)) from None
        row["doc"] = doc
        return decode(row, self.location, self.params)

    @_translated
    def terms(self, docs: Sequence[int]) -> sparse.csr_matrix:
        blobs = self._scripts["TERMS"](args=[self.prefix, *docs]) if len(docs) else []
        try:
            return term_matrix(blobs, self.params.term_bits)  # (None: removed meanwhile)
        except (TypeError, ValueError) as e:
            raise IndexFormatError(f"{self.location} is damaged: the terms of an article cannot be read ({e}); "
                                   + rebuild_hint(self.location)) from None

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
        distinct = np.unique(keys)
        fields = rp.fields_of(distinct).astype("<u8")
        counts, blobs = [], []
        for lo in range(0, distinct.size, 1000):
            reply = self._scripts["BUCKETS"](args=[self.prefix, channel, limit, fields[lo: lo + 1000].tobytes()])
            counts += reply[0::2]
            blobs += reply[1::2]
        n = np.array(counts, np.int64)
        rows = np.frombuffer(b"".join(blobs), "<u4").reshape(-1, 2).astype(np.int64)
        found = n > 0
        return Buckets(distinct[found], n[found], np.repeat(distinct, [len(b) // 8 for b in blobs]),
                       rows[:, 0], rows[:, 1])

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
        return [r.id for r in self.records(docs)]

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
