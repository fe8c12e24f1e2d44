"""An index's metadata: its format, the dedup that made it, the parameters its features
were computed with (:class:`dedup.params.Params`) and a fingerprint of them; an index made
otherwise is refused with the way to rebuild it.

>>> meta = new_meta(Params())
>>> check_meta(meta, "news.db", Params(related_cosine=0.25)).related_cosine  # confirm-stage values are free
0.25
>>> check_meta({**meta, "schema_version": "0"}, "news.db")
Traceback (most recent call last):
...
dedup.index.store.IndexFormatError: news.db was made by dedup 0.1.0 (index schema 0); this is dedup 0.1.0 \
(index schema 3), which does not read it: rebuild it with: dedup index add NEW_INDEX PATH... (or delete news.db \
and add the articles again)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from functools import lru_cache
from typing import Any

import numpy as np

from dedup.index.store import SCHEMA_VERSION, IndexFormatError, Store, rebuild_hint
from dedup.params import DEFAULT, Params
from dedup.sketch.features import doc_bands_rows, featurize, sentence_bands_rows

FORMAT = "dedup-index"
_PROBE = ("Xi Jinping met Nguyen Phu Trong in Hanoi on Tuesday; the two sides signed 36 deals. "
          "\"We share a common destiny,\" he said. Trade grew 21.4% in 2023.\n"
          "Le président a visité Hanoï. 习近平访问越南。")


def stored_params(params: Params) -> dict[str, Any]:
    """What an index records of ``params``: all of them, and the LSH bands and rows they give."""
    return {**params.to_dict(), "doc_bands_rows": list(doc_bands_rows(params)),
            "sentence_bands_rows": list(sentence_bands_rows(params))}


@lru_cache(maxsize=8)
def features_fingerprint(params: Params) -> str:
    """A hash of the sketch parameters and of the features of a fixed text computed with
    them: changes whenever they or the way tokens, hashes or sketches are made do."""
    f = featurize([_PROBE], params)
    h = hashlib.sha256(json.dumps(params.of_stage("sketch"), sort_keys=True).encode())
    for a in (f.doc_keys, f.anchors, f.anchor_pos, f.sentence_keys, f.terms.indices, f.terms.data, f.digest):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def version() -> str:
    import dedup

    return dedup.__version__


def new_meta(params: Params, keep_text: bool = True) -> dict[str, str]:
    """The metadata of a new, empty index of ``params`` (``keep_text``: whether it keeps texts)."""
    return {"format": FORMAT, "schema_version": str(SCHEMA_VERSION), "dedup_version": version(),
            "params": json.dumps(stored_params(params), sort_keys=True), "fingerprint": features_fingerprint(params),
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "articles": "0",
            "keep_text": "1" if keep_text else "0"}


def check_meta(meta: dict[str, str], location: str, params: Params = DEFAULT) -> Params:
    """``params``, checked against the index at ``location`` (its ``meta``): IndexFormatError,
    saying how to rebuild it, when this dedup cannot read it, or when ``params`` compute
    features differently from the stored ones."""
    if meta.get("format") != FORMAT:
        raise IndexFormatError(f"{location} is not a dedup index (its metadata has no format {FORMAT!r}); "
                               f"make an index with: dedup index add INDEX PATH...")
    made = f"dedup {meta.get('dedup_version', '?')} (index schema {meta.get('schema_version', '?')})"
    this = f"dedup {version()} (index schema {SCHEMA_VERSION})"
    if meta.get("schema_version") != str(SCHEMA_VERSION) or meta.get("dedup_version") != version():
        raise IndexFormatError(f"{location} was made by {made}; this is {this}, which does not read it: "
                               + rebuild_hint(location))
    try:
        values = json.loads(meta.get("params", ""))
        stored = Params.from_dict({k: v for k, v in values.items() if not k.endswith("_bands_rows")})
    except (json.JSONDecodeError, ValueError, TypeError, AttributeError) as e:
        raise IndexFormatError(f"{location} is damaged: its parameters cannot be read ({e}); "
                               + rebuild_hint(location)) from None
    mine, theirs = stored_params(params), stored_params(stored)
    differ = sorted(k for k in set(mine) | set(theirs) if k in _SKETCH and mine.get(k) != theirs.get(k))
    if differ:
        shown = ", ".join(f"{k} {theirs.get(k)!r} (now {mine.get(k)!r})" for k in differ[:5])
        raise IndexFormatError(f"{location} was made with other sketch parameters: {shown}; " + rebuild_hint(location))
    if meta.get("fingerprint") != features_fingerprint(stored):
        raise IndexFormatError(f"{location} holds features computed differently from this dedup's "
                               f"(fingerprint {meta.get('fingerprint')} vs {features_fingerprint(stored)}); "
                               + rebuild_hint(location))
    return params


_SKETCH = {*Params().of_stage("sketch"), "doc_bands_rows", "sentence_bands_rows"}


def open_store(location: str | os.PathLike, read_only: bool = False) -> Store:
    """The store for ``location``: ``redis://`` (or ``rediss://``, ``unix://``) URL, else an SQLite
    file (``read_only``: opened so, see :mod:`dedup.index.sqlite`; a Redis store is refused writes
    by :class:`dedup.index.Index`)."""
    text = os.fspath(location)
    if text.startswith(("redis://", "rediss://", "unix://")):
        from dedup.index.redis import RedisStore

        return RedisStore(text)
    from dedup.index.sqlite import SQLiteStore

    return SQLiteStore(text, read_only=read_only)
