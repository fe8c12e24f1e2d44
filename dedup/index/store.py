"""What an index stores, and the abstract store behind :class:`dedup.index.Index`.

One :class:`Record` per article: the article as :func:`dedup.clean.clean` left it (text,
body, metadata; corpus-wide repeated lines are removed when the index reports, see
:meth:`dedup.index.Index.report`) and its features (:class:`dedup.sketch.Features` of
one article). Arrays are stored as raw little-endian bytes of the dtypes in
:data:`ARRAYS` (no pickle). Three posting tables make the candidate channels lookups:
``doc`` (document band key, mixed with its band), ``anchor`` (anchor shingle) and
``sentence`` (``band << 32 | key``), each row ``(key, doc, pos)``.

>>> from dedup.sketch import featurize
>>> r = Record("a", Article(id="a", text="x", body="Xi met Trong in Hanoi on Tuesday."),
...            featurize(["Xi met Trong in Hanoi on Tuesday."]), ingested=0.0)
>>> decode(encode(r)).features.words.tolist()
[7]
>>> {c: k.size for c, (k, _) in postings(r.features).items()}
{'doc': 37, 'anchor': 1, 'sentence': 18}
"""

from __future__ import annotations

import json
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
from dedup.sketch.features import Features, sentence_bands_rows

SCHEMA_VERSION = 2
CHANNELS = ("doc", "anchor", "sentence")

# stored arrays and their dtypes (little-endian); the shapes follow from the parameters
ARRAYS = {
    "doc_keys": "<u8", "anchors": "<u4", "anchor_pos": "<i4", "sentence_keys": "<u4",
    "term_ids": "<i4", "term_counts": "<f4", "digest": "<u8",
}
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


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
    """One stored article: ``article`` as :func:`dedup.clean.clean` left it, and its features."""

    id: str
    article: Article
    features: Features  # of this one article
    ingested: float  # seconds since the epoch
    doc: int | None = None  # the store's number for it, growing in the order of adding


def encode(r: Record) -> dict[str, str | float | int | bytes | None]:
    """The record as a flat row of text, numbers and bytes."""
    f = r.features
    terms = f.terms.tocsr()
    article = {name: getattr(r.article, name) for name in _ARTICLE_FIELDS}
    if article.get("path"):  # a file name that is not UTF-8: stored escaped, as its id is
        article["path"] = name_id(article["path"])
    day = None
    if r.article.published is not None:
        article["published"] = format_published(r.article.published)
        day = published_day(r.article.published).isoformat()
    return {
        "id": r.id, "ingested": float(r.ingested), "published": day,  # the day: what eviction compares
        "article": json.dumps(article, ensure_ascii=False),
        "doc_keys": _bytes(f.doc_keys, "doc_keys"), "anchors": _bytes(f.anchors, "anchors"),
        "anchor_pos": _bytes(f.anchor_pos, "anchor_pos"), "sentence_keys": _bytes(f.sentence_keys, "sentence_keys"),
        "term_ids": _bytes(terms.indices, "term_ids"), "term_counts": _bytes(terms.data, "term_counts"),
        "digest": _bytes(f.digest, "digest"), "words": int(f.words[0]),
    }


def _bytes(a: np.ndarray, name: str) -> bytes:
    return np.ascontiguousarray(a, dtype=ARRAYS[name]).tobytes()


def decode(row: dict, location: str = "the index", params: Params = DEFAULT) -> Record:
    """The :class:`Record` of a row made by :func:`encode` (features of ``params``); a damaged
    row raises :class:`IndexFormatError`."""
    try:
        article = Article(**json.loads(row["article"]))
        arr = {name: np.frombuffer(_raw(row[name]), ARRAYS[name]) for name in ARRAYS}
        doc_keys = arr["doc_keys"].reshape(1, -1)
        sentence_keys = arr["sentence_keys"].reshape(-1, sentence_bands_rows(params)[0])
        if arr["anchors"].size != arr["anchor_pos"].size or arr["term_ids"].size != arr["term_counts"].size \
                or arr["digest"].size != 1:
            raise ValueError("arrays of unequal lengths")
        terms = term_row(row["term_ids"], row["term_counts"], params.term_bits)
        n_anchor, n_sentence = arr["anchors"].size, sentence_keys.shape[0]
        features = Features(
            1, doc_keys.astype(np.uint64), arr["anchors"].astype(np.uint32), np.zeros(n_anchor, np.int32),
            arr["anchor_pos"].astype(np.int32), sentence_keys.astype(np.uint32), np.zeros(n_sentence, np.int32),
            terms, arr["digest"].astype(np.uint64), np.empty(0, np.uint32), np.zeros(2, np.int64),
            np.array([int(row["words"])], np.int32))
        doc = row.get("doc")
        return Record(str(row["id"]), article, features, float(row["ingested"]), None if doc is None else int(doc))
    except (KeyError, TypeError, ValueError) as e:
        raise IndexFormatError(f"{location} is damaged: article {row.get('id')!r} cannot be read ({e}); "
                               + rebuild_hint(location)) from None


def term_row(ids: bytes, counts: bytes, term_bits: int = DEFAULT.term_bits) -> sparse.csr_matrix:
    """One article's term counts from their stored bytes."""
    i, c = np.frombuffer(_raw(ids), ARRAYS["term_ids"]), np.frombuffer(_raw(counts), ARRAYS["term_counts"])
    if i.size != c.size:
        raise ValueError("term ids and counts of unequal lengths")
    return sparse.csr_matrix((c.astype(np.float32), i.astype(np.int32), np.array([0, i.size])),
                             shape=(1, 1 << term_bits))


def _raw(value) -> bytes:
    if isinstance(value, memoryview):
        return value.tobytes()
    if not isinstance(value, bytes):
        raise TypeError(f"expected bytes, got {type(value).__name__}")
    return value


def postings(f: Features) -> dict[str, tuple[np.ndarray, np.ndarray]]:
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
    """Posting rows of the keys asked for: ``counts[k]`` rows are stored under ``keys[k]``;
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
    def insert(self, record: Record) -> int:
        """Store one record atomically (inside :meth:`writing`); returns its ``doc`` number."""

    @abstractmethod
    def delete(self, doc: int) -> None:
        """Remove one record atomically (inside :meth:`writing`)."""

    @abstractmethod
    def docs_of(self, ids: Sequence[str]) -> dict[str, int]:
        """The ``doc`` numbers of those of ``ids`` that are stored."""

    @abstractmethod
    def records(self, docs: Iterable[int]) -> list[Record]:
        """The records of ``docs`` (all stored), in ``doc`` order."""

    @abstractmethod
    def terms(self, docs: Sequence[int]) -> list[sparse.csr_matrix]:
        """The term counts of ``docs`` (all stored, sorted), one row each."""

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
