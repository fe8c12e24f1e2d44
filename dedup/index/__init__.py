"""The persistent index (SQLite file or Redis server): the incremental driver of the pipeline."""

from dedup.index.core import AddResult, Index
from dedup.index.meta import open_store
from dedup.index.store import IndexAccessError, IndexFormatError

__all__ = ["AddResult", "Index", "IndexAccessError", "IndexFormatError", "open_store"]
