"""Articles and features as Arrow record batches: what the Spark stages pass between the
JVM and the per-article Python functions of the local pipeline.

>>> from dedup.model import Article
>>> batch = articles_batch([Article(id="a", text="Hello world.", attribution=["AP"])], [7])
>>> [(a.id, a.attribution) for a in batch_articles(batch)]
[('a', ['AP'])]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from dedup.dates import format_published
from dedup.model import Article

if TYPE_CHECKING:
    from pyspark.sql.types import StructType

_STR, _LONG = pa.string(), pa.int64()
# the Article fields a scan reads or fills, with their Arrow types
ARTICLE_FIELDS = [
    ("id", _STR), ("text", _STR), ("title", _STR), ("published", _STR), ("publisher", _STR), ("url", _STR),
    ("byline", _STR), ("attribution", pa.list_(_STR)), ("attribution_urls", pa.list_(_STR)), ("path", _STR),
    ("line", _LONG), ("body", _STR), ("line_origins", pa.list_(_LONG)), ("removed", pa.list_(_STR)),
]
ARTICLE_SCHEMA = pa.schema([("idx", _LONG), *ARTICLE_FIELDS])
_NAMES = [name for name, _ in ARTICLE_FIELDS]
_LISTS = {"attribution", "attribution_urls", "line_origins", "removed"}


def spark_schema(schema: pa.Schema) -> StructType:
    """The Spark StructType of an Arrow schema (what ``mapInArrow`` is told it returns)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def article(row: Mapping[str, Any]) -> Article:
    """An Article from a row holding (some of) :data:`ARTICLE_FIELDS`."""
    values = {name: row.get(name) for name in _NAMES if name in row}
    for name in _LISTS & values.keys():
        values[name] = list(values[name] or [])
    return Article(**values)


def batch_articles(batch: pa.RecordBatch) -> list[Article]:
    """The articles of a batch of (some of) :data:`ARTICLE_FIELDS`."""
    return [article(r) for r in batch.to_pylist()]


def articles_columns(articles: Sequence[Article]) -> dict[str, list[Any]]:
    """The articles' fields as columns; the publication date as text (:func:`dedup.dates.format_published`)."""
    columns = {name: [getattr(a, name) for a in articles] for name in _NAMES}
    columns["published"] = [format_published(d) if d is not None else None for d in columns["published"]]
    return columns


def articles_batch(articles: Sequence[Article], idx: Sequence[int]) -> pa.RecordBatch:
    """``articles`` (with their corpus positions ``idx``) as a batch of :data:`ARTICLE_SCHEMA`."""
    return pa.RecordBatch.from_pydict({"idx": list(idx), **articles_columns(articles)}, schema=ARTICLE_SCHEMA)


def ragged(values: np.ndarray, counts: np.ndarray, type_: pa.DataType) -> pa.ListArray:
    """A list column from ``values`` laid end to end, ``counts[k]`` of them in row ``k``."""
    offsets = np.r_[0, np.cumsum(counts)].astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(np.asarray(values), type_))


def as_signed(values: np.ndarray) -> np.ndarray:
    """64-bit hashes as Spark's signed longs (the same bits)."""
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.int64)
