"""dedup.index.redis_postings on a real Redis server: buckets split as postings come, every
posting stays where lookups find it, buckets stay in Redis's compact encoding, and a key
held by many articles moves to its own string and back."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest
from conftest import TextMaker

from dedup import Article
from dedup.index import Index, IndexFormatError
from dedup.index.redis_postings import INLINE, LOAD
from dedup.index.store import CHANNELS, postings, sketch


def _stored_rows(index: Index) -> dict[str, dict[int, list[tuple[int, int]]]]:
    """Every posting row of the stored articles, from their bodies: channel -> key -> rows."""
    records = list(index.store.iter_records())
    rows: dict[str, dict[int, list[tuple[int, int]]]] = {c: defaultdict(list) for c in CHANNELS}
    for record, f in zip(records, sketch(records, index.params).split() if records else []):
        for channel, (keys, pos) in postings(f).items():
            for k, p in zip(keys.tolist(), pos.tolist()):
                rows[channel][k].append((record.doc, p))
    return rows


def _assert_found(index: Index) -> None:
    """Each key's rows, as a lookup reads them (all, or the first of a larger bucket)."""
    for channel, by_key in _stored_rows(index).items():
        keys = sorted(by_key)
        b = index.store.buckets(channel, np.array(keys, np.int64), limit=1 << 30)
        assert b.keys.tolist() == keys and b.counts.tolist() == [len(by_key[k]) for k in keys]
        got = defaultdict(list)
        for k, d, p in zip(b.key.tolist(), b.doc.tolist(), b.pos.tolist()):
            got[k].append((d, p))
        assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in by_key.items()}
        assert all(got[k][0] == min(by_key[k]) for k in keys)  # the first row: lowest doc, then position
        one = index.store.buckets(channel, np.array(keys, np.int64), limit=1)
        assert one.doc.tolist() == [min(by_key[k])[0] for k in keys]


@pytest.fixture
def redis_index(redis_url, request):
    import redis

    prefix = f"lh-{request.node.name}"
    index = Index.open(f"{redis_url}?prefix={prefix}")
    yield index, redis.Redis.from_url(redis_url), prefix
    index.close()


def test_buckets_split_and_every_posting_stays_found(redis_index):
    index, r, prefix = redis_index
    maker = TextMaker(5)
    articles = [Article(id=f"a{i}", text=maker.article(paragraphs=3)) for i in range(30)]
    index.add_many(articles, matches=False)
    state = {c: {k.decode(): int(v) for k, v in r.hgetall(f"{prefix}:lh:{c}").items()} for c in CHANNELS}
    rows = _stored_rows(index)
    for channel in CHANNELS:
        buckets = 2 ** state[channel]["level"] + state[channel]["split"]
        assert state[channel]["entries"] == len(rows[channel]) <= LOAD * buckets
    assert state["sentence"]["level"] > 6  # (from 16 buckets: split many times)
    _assert_found(index)
    names = list(r.scan_iter(f"{prefix}:b:*", count=1000))
    assert len(names) == sum(2 ** s["level"] + s["split"] for s in state.values())
    encodings = Counter(r.object("encoding", name) for name in names)
    assert set(encodings) == {b"listpack"}, encodings  # Redis's compact hashes: what the layout is for
    for a in articles[::2]:
        assert index.remove(a.id)
    _assert_found(index)
    assert int(r.hget(f"{prefix}:lh:sentence", "entries")) == len(_stored_rows(index)["sentence"])


def test_a_key_many_articles_hold_moves_to_its_own_string_and_back(redis_index):
    index, r, prefix = redis_index
    maker = TextMaker(9)
    shared = "The regional council approved the budget for schools hospitals and roads on Monday evening."
    articles = [Article(id=f"s{i}", text=maker.article(paragraphs=1) + "\n\n" + shared) for i in range(12)]
    index.add_many(articles[:INLINE // 8], matches=False)  # 8 rows of 8 bytes: still inline
    assert not list(r.scan_iter(f"{prefix}:o:*"))
    index.add_many(articles[INLINE // 8:], matches=False)
    own = list(r.scan_iter(f"{prefix}:o:*"))
    assert own and all(r.strlen(k) == 12 * 8 for k in own)  # the shared sentence's keys: 12 rows each
    _assert_found(index)
    for a in articles[:5]:
        index.remove(a.id)
    assert not list(r.scan_iter(f"{prefix}:o:*"))  # 7 rows left: back in their buckets
    _assert_found(index)
    for a in articles[5:]:
        index.remove(a.id)
    assert len(index) == 0 and not list(r.scan_iter(f"{prefix}:b:*"))
    assert all(int(r.hget(f"{prefix}:lh:{c}", "entries")) == 0 for c in CHANNELS)


def test_a_damaged_record_is_named(redis_index):
    index, r, prefix = redis_index
    maker = TextMaker(2)
    index.add_many([Article(id=f"d{i}", text=maker.article(paragraphs=1)) for i in range(2)])
    r.set(f"{prefix}:art:1", b"short")
    with pytest.raises(IndexFormatError, match=f"is damaged: {prefix}:art:1 cannot be read"):
        list(index.articles())
    with pytest.raises(IndexFormatError, match="is damaged: the terms of an article cannot be read"):
        index.store.terms([1, 2])
