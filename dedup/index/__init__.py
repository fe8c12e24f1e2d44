"""A persistent index for ingestion jobs and CI: :class:`Index` (see :mod:`dedup.index.core`).

Stores: :mod:`dedup.index.sqlite` (one file, the default) and :mod:`dedup.index.redis`
(a shared index on a Redis server, ``pip install 'dedup[redis]'``).
"""

from dedup.index.core import Index, open_store, sketch_params
from dedup.index.store import IndexAccessError, IndexFormatError

__all__ = ["Index", "IndexAccessError", "IndexFormatError", "open_store", "sketch_params"]
