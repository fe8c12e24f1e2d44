"""What an index stores, and the abstract store behind :class:`dedup.index.Index`.

One :class:`Record` per article, stored as two compact blobs (no pickle, no text but the
article's own):

* ``terms``: zlib of the article's word-sequence digest and word count (``<QI``), the
  width of its term counts (1, 2 or 4 bytes), its hashed term ids as increasing
  differences (``<u4``) and their counts (``<u1``/``<u2``/``<u4``): what a lookup reads
  of each candidate;
* ``article``: zlib of the article as :func:`dedup.clean.clean` left it, as JSON: its
  body (which confirmation compares), metadata, removed lines and, when the index keeps
  texts (``keep_text``, the default), the text as read right after the body (so it
  costs little: zlib finds it in the body); otherwise a hash of the text instead
  (``text_blake2b``), and the article reads back with its body as its text.

Corpus-wide repeated lines are removed when the index reports, see
:meth:`dedup.index.Index.report`. The band keys, anchors and sentence keys of an article
are its postings, in three posting tables (``doc``: document band key, mixed with its
band; ``anchor``: anchor shingle; ``sentence``: ``band << 32 | key``), each row ``(key,
doc, pos)``; they are not kept in the record: they are made again from the body when
needed (:func:`sketch`), as they were when it was added.

>>> from dedup.sketch import featurize
>>> f = featurize(["Xi met Trong in Hanoi on Tuesday."])
>>> r = Record.new(Article(id="a", text="x", body="Xi met Trong in Hanoi on Tuesday."), f, ingested=0.0)
>>> back = decode(encode(r))
>>> back.words, back.terms.nnz, back.article.body == r.article.body, back.article.text
(7, 5, True, 'x')
>>> decode(encode(r, keep_text=False)).article.text
'Xi met Trong in Hanoi on Tuesday.'
>>> {c: k.size for c, (k, _) in postings(f).items()}
{'doc': 37, 'anchor': 1, 'sentence': 18}
"""

from __future__ import annotations

import hashlib
import itertools
import json
import struct
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, fields

import numpy as np
from scipy import sparse

from dedup.dates import format_published, published_day
from dedup.ingest.files import name_id
from dedup.model import Article
from dedup.params import DEFAULT, Params
from dedup.sketch.features import Features, featurize

SCHEMA_VERSION = 3
CHANNELS = ("doc", "anchor", "sentence")
Postings = dict[str, tuple[np.ndarray, np.ndarray]]  # channel -> (keys, positions), int64

_ARTICLE_FIELDS = tuple(f.name for f in fields(Article) if f.name not in ("id", "body", "text"))
_TERMS_HEAD = struct.Struct("<QIB")  # digest, words, bytes per term count
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)
_ZLIB_LEVEL = 6


class IndexFormatError(Exception):
    """The location holds no dedup index, a damaged one, or one this version cannot read.

    The message names the location and says what to do (usually: rebuild it).
    """


class IndexAccessError(Exception):
    """The index could not be reached or written (locked too long, read-only, server down)."""


def rebuild_hint(location: str) -> str:
    return f"rebuild it with: dedup index add NEW_INDEX PATH... (or delete {location} and add the articles again)"


@dataclass
class Record:
    """One stored article: ``article`` as :func:`dedup.clean.clean` left it, and what a lookup
    reads of it: its term counts (one row), word-sequence digest and word count."""

    id: str
    article: Article
    terms: sparse.csr_matrix
    digest: int
    words: int
    ingested: float  # seconds since the epoch
    doc: int | None = None  # the store's number for it, growing in the order of adding

    @classmethod
    def new(cls, article: Article, features: Features, ingested: float) -> "Record":
        """The record of ``article`` and its ``features`` (of this one article)."""
        return cls(article.id, article, features.terms.tocsr(), int(features.digest[0]), int(features.words[0]),
                   ingested)


def encode(r: Record, keep_text: bool = True) -> dict[str, str | float | int | bytes | None]:
    """The record as a flat row: ``id``, ``ingested``, ``published`` (the day: what eviction
    compares) and the two blobs ``terms`` and ``article``."""
    a = r.article
    article: dict = {"body": a.body}
    if keep_text:
        article["text"] = a.text
    else:
        article["text_blake2b"] = hashlib.blake2b(a.text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    article.update((name, getattr(a, name)) for name in _ARTICLE_FIELDS)
    if article.get("path"):  # a file name that is not UTF-8: stored escaped, as its id is
        article["path"] = name_id(article["path"])
    day = None
    if a.published is not None:
        article["published"] = format_published(a.published)
        day = published_day(a.published).isoformat()
    return {"id": r.id, "ingested": float(r.ingested), "published": day,
            "terms": encode_terms(r.terms, r.digest, r.words),
            "article": zlib.compress(json.dumps(article, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                                     _ZLIB_LEVEL)}


def encode_terms(terms: sparse.csr_matrix, digest: int, words: int) -> bytes:
    """The ``terms`` blob (see the module docstring)."""
    row = terms.tocsr()
    row.sort_indices()
    counts = row.data
    if counts.size and (counts.min() < 0 or not np.array_equal(counts, np.round(counts))):
        raise ValueError("term counts must be whole numbers")
    top = int(counts.max()) if counts.size else 0
    width = 1 if top < 1 << 8 else 2 if top < 1 << 16 else 4
    gaps = np.diff(row.indices.astype(np.int64), prepend=0)
    return zlib.compress(_TERMS_HEAD.pack(digest, words, width) + gaps.astype("<u4").tobytes()
                         + counts.astype(f"<u{width}").tobytes(), _ZLIB_LEVEL)


def decode_terms(blob: bytes, term_bits: int = DEFAULT.term_bits) -> tuple[sparse.csr_matrix, int, int]:
    """The term counts (one row), digest and word count of a ``terms`` blob; ValueError when damaged."""
    ids, counts, digest, words = _terms_arrays(blob)
    row = sparse.csr_matrix((counts.astype(np.float32), ids.astype(np.int32), np.array([0, ids.size])),
                            shape=(1, 1 << term_bits))
    return row, digest, words


def _terms_arrays(blob) -> tuple[np.ndarray, np.ndarray, int, int]:
    try:
        raw = zlib.decompress(_raw(blob))
    except zlib.error as e:
        raise ValueError(f"terms: {e}") from None
    if len(raw) < _TERMS_HEAD.size:
        raise ValueError("terms: too short")
    digest, words, width = _TERMS_HEAD.unpack_from(raw)
    body = len(raw) - _TERMS_HEAD.size
    if width not in (1, 2, 4) or body % (4 + width):
        raise ValueError("terms: bad lengths")
    n = body // (4 + width)
    ids = np.cumsum(np.frombuffer(raw, "<u4", n, _TERMS_HEAD.size).astype(np.int64))
    counts = np.frombuffer(raw, f"<u{width}", n, _TERMS_HEAD.size + 4 * n)
    return ids, counts, digest, words


def term_matrix(blobs: Sequence[bytes | None], term_bits: int = DEFAULT.term_bits) -> sparse.csr_matrix:
    """The term counts of several ``terms`` blobs, one row each (an empty row for None)."""
    parts = [_terms_arrays(b)[:2] if b is not None else (np.empty(0, np.int64), np.empty(0, np.uint8))
             for b in blobs]
    indptr = np.r_[0, np.cumsum([ids.size for ids, _ in parts])].astype(np.int64)
    ids = np.concatenate([ids for ids, _ in parts] + [np.empty(0, np.int64)]).astype(np.int32)
    counts = np.concatenate([c.astype(np.float32) for _, c in parts] + [np.empty(0, np.float32)])
    return sparse.csr_matrix((counts, ids, indptr), shape=(len(parts), 1 << term_bits))


def decode(row: dict, location: str = "the index", params: Params = DEFAULT) -> Record:
    """The :class:`Record` of a row made by :func:`encode`; a damaged row raises
    :class:`IndexFormatError`."""
    try:
        values = json.loads(zlib.decompress(_raw(row["article"])).decode("utf-8", "surrogatepass"))
        body = values.pop("body")
        if "text" in values:
            text = values.pop("text")
        else:  # the text was not kept: the body stands for it (evidence offsets point into it)
            values.pop("text_blake2b", None)
            text = body or ""
            values["line_origins"] = list(itertools.accumulate((len(x) + 1 for x in text.split("\n")[:-1]),
                                                               initial=0)) if body else []
        article = Article(id=str(row["id"]), text=text, body=body, **values)
        terms, digest, words = decode_terms(row["terms"], params.term_bits)
        doc = row.get("doc")
        return Record(article.id, article, terms, digest, words, float(row["ingested"]),
                      None if doc is None else int(doc))
    except (KeyError, TypeError, ValueError, zlib.error) as e:
        raise IndexFormatError(f"{location} is damaged: article {row.get('id')!r} cannot be read ({e}); "
                               + rebuild_hint(location)) from None


def _raw(value) -> bytes:
    if isinstance(value, memoryview):
        return value.tobytes()
    if not isinstance(value, bytes):
        raise TypeError(f"expected bytes, got {type(value).__name__}")
    return value


def sketch(records: Sequence[Record], params: Params = DEFAULT) -> Features:
    """The features of stored articles, made again from their bodies (as when they were added:
    the index's parameters and fingerprint are those of this dedup)."""
    return featurize([r.article.body or "" for r in records], params)


def stored_postings(records: Sequence[Record], params: Params = DEFAULT) -> list[Postings]:
    """The postings of stored articles (what removing them removes), made again from their bodies."""
    return [postings(f) for f in sketch(records, params).split()] if records else []


def postings(f: Features) -> Postings:
    """The posting keys (int64) and positions of one article's features, per channel.

    ``doc``: a band's key mixed with the band number (a collision across bands is as
    likely as one of the 64-bit band keys themselves); ``sentence``: ``band << 32 | key``
    (exact), position = sentence number; ``anchor``: the anchor, position = word number.
    """
    bands = np.arange(f.doc_keys.shape[1], dtype=np.uint64)
    with np.errstate(over="ignore"):
        doc = (f.doc_keys.reshape(-1) ^ ((bands + np.uint64(1)) * _BAND_MIX)).view(np.int64)
    m, sb = f.sentence_keys.shape
    sentence = ((np.tile(np.arange(sb, dtype=np.int64), m) << 32) | f.sentence_keys.reshape(-1).astype(np.int64))
    return {
        "doc": (doc, np.arange(doc.size, dtype=np.int64)),
        "anchor": (f.anchors.astype(np.int64), f.anchor_pos.astype(np.int64)),
        "sentence": (sentence, np.repeat(np.arange(m, dtype=np.int64), sb)),
    }


@dataclass
class Buckets:
    """Posting rows of the keys asked for: ``counts[k]`` rows are stored under ``keys[k]``
    (a store may stop counting above the limit asked for: any count above it means "more");
    ``key``/``doc``/``pos`` list the rows of the keys with at most the limit asked for and,
    of each larger key, its first row (lowest ``doc``, then ``pos``): its representative."""

    keys: np.ndarray
    counts: np.ndarray
    key: np.ndarray
    doc: np.ndarray
    pos: np.ndarray


class Store(ABC):
    """Where an index keeps its records: one SQLite file, or keys under a prefix on a Redis
    server. Writers are serialised by :meth:`writing`; reads may run at any time."""

    location: str
    params: Params = DEFAULT  # what its features were computed with (set when the index is opened)
    keep_text: bool = True  # whether records keep the article's text (set when the index is opened)

    @abstractmethod
    def read_meta(self) -> dict[str, str] | None:
        """The index's metadata, or None when the location holds no index yet."""

    @abstractmethod
    def create(self, meta: dict[str, str]) -> None:
        """Make an empty index with ``meta`` (another process may have just done it: then keep theirs)."""

    @abstractmethod
    def writing(self) -> AbstractContextManager[None]:
        """Hold the index's write lock: adds and removals inside see each other and no one else's."""

    def reading(self) -> AbstractContextManager[None]:
        """Read one consistent state (SQLite: a read transaction); by default, no more than each call's."""
        return nullcontext()

    @abstractmethod
    def insert(self, record: Record, keys: Postings) -> int:
        """Store one record and its postings ``keys`` atomically (inside :meth:`writing`);
        returns its ``doc`` number."""

    def insert_many(self, items: Sequence[tuple[Record, Postings]]) -> list[int]:
        """Store records and their postings (inside :meth:`writing`), each atomically, at
        once where the store can; returns their ``doc`` numbers, in order."""
        return [self.insert(record, keys) for record, keys in items]

    @abstractmethod
    def delete(self, docs: Sequence[int]) -> None:
        """Remove records, each atomically (inside :meth:`writing`; those not stored are ignored)."""

    @abstractmethod
    def docs_of(self, ids: Sequence[str]) -> dict[str, int]:
        """The ``doc`` numbers of those of ``ids`` that are stored."""

    @abstractmethod
    def records(self, docs: Iterable[int]) -> list[Record]:
        """The records of ``docs`` (all stored), in ``doc`` order."""

    @abstractmethod
    def terms(self, docs: Sequence[int]) -> sparse.csr_matrix:
        """The term counts of ``docs`` (sorted), one row each (empty for one removed meanwhile)."""

    @abstractmethod
    def iter_records(self, batch: int = 1000) -> Iterator[Record]:
        """Every record, in ``doc`` order."""

    @abstractmethod
    def buckets(self, channel: str, keys: np.ndarray, limit: int) -> Buckets:
        """The stored rows of ``keys`` in ``channel`` (all of a key with at most ``limit``
        rows; of a larger key, its first row) as :class:`Buckets`."""

    @abstractmethod
    def doc_freq(self, terms: np.ndarray) -> np.ndarray:
        """How many stored articles hold each hashed term of ``terms``."""

    @abstractmethod
    def count(self) -> int:
        """Stored articles."""

    @abstractmethod
    def older_than(self, by: str, cutoff: str | float) -> list[str]:
        """Ids of the articles whose ``by`` (``published`` ISO date, ``ingested`` seconds) is before ``cutoff``."""

    @abstractmethod
    def sizes(self) -> dict[str, int | float | str | None]:
        """Counts for :meth:`dedup.index.Index.stats` (postings per channel, terms, bytes...)."""

    def close(self) -> None:
        """Release connections (the store may not be used afterwards)."""
