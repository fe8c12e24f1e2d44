"""Tests for dedup.candidates: banded LSH, anchors, item-to-document pairs."""

from __future__ import annotations

import numpy as np
import pytest

from dedup import candidates as cand
from dedup.candidates import buckets as bucket_module
from dedup.params import Params
from dedup.sketch.features import winnow
from dedup.sketch.minhash import lsh_bands_rows as lsh_params
from dedup.candidates import (LshStats, anchor_pairs, doc_pairs_from_items, lsh_pairs,
                              merge_pairs, shared_anchor_pairs)
from dedup.sketch import Sketch, minhash

P = Params()


def as_set(pairs: np.ndarray) -> set[tuple[int, int]]:
    return {(int(i), int(j)) for i, j in pairs.reshape(-1, 2)}


# --- lsh_pairs -----------------------------------------------------------------------

def test_lsh_pairs_finds_identical_rows_only():
    rng = np.random.default_rng(0)
    sig = rng.integers(0, 2**32, size=(10, 16), dtype=np.uint64).astype(np.uint32)
    sig[7] = sig[2]
    sig[9] = sig[2]
    sig[5] = sig[4]
    pairs = lsh_pairs(sig, bands=4, rows=4)
    assert as_set(pairs) == {(2, 7), (2, 9), (7, 9), (4, 5)}
    assert pairs.dtype.kind == "i"


def test_lsh_pairs_one_band_is_enough():
    sig = np.array([[1, 2, 3, 4, 5, 6], [9, 9, 3, 4, 8, 8], [7, 7, 7, 7, 7, 7]], np.uint32)
    assert as_set(lsh_pairs(sig, bands=3, rows=2)) == {(0, 1)}
    assert as_set(lsh_pairs(sig, bands=2, rows=3)) == set()  # no band of 3 agrees


def test_lsh_pairs_never_self_and_ordered():
    rng = np.random.default_rng(1)
    sig = rng.integers(0, 3, size=(40, 8), dtype=np.int64).astype(np.uint32)  # many collisions
    pairs = lsh_pairs(sig, bands=4, rows=2, max_bucket=1000)
    assert len(pairs) > 0
    assert (pairs[:, 0] < pairs[:, 1]).all()
    assert len(as_set(pairs)) == len(pairs)  # unique
    # and exactly the pairs agreeing on some band
    expect = {(i, j) for i in range(40) for j in range(i + 1, 40)
              if any((sig[i, b * 2:b * 2 + 2] == sig[j, b * 2:b * 2 + 2]).all() for b in range(4))}
    assert as_set(pairs) == expect


def test_lsh_pairs_joins_an_oversized_bucket_through_its_first_row():
    max_bucket = 5
    rng = np.random.default_rng(2)
    sig = rng.integers(0, 2**32, size=(max_bucket + 3, 8), dtype=np.uint64).astype(np.uint32)
    sig[: max_bucket + 1] = sig[0]  # one bucket of max_bucket + 1 identical rows
    stats = LshStats()
    pairs = lsh_pairs(sig, bands=2, rows=4, max_bucket=max_bucket, stats=stats)
    assert as_set(pairs) == {(0, j) for j in range(1, max_bucket + 1)}  # a star, no row lost
    assert stats.large_buckets > 0 and stats.large_members >= max_bucket + 1
    # at max_bucket it is every pair
    sig2 = sig[1:]
    stats2 = LshStats()
    assert len(lsh_pairs(sig2, bands=2, rows=4, max_bucket=max_bucket, stats=stats2)) == \
        max_bucket * (max_bucket - 1) // 2
    assert stats2.large_buckets == 0 and stats2.pairs == max_bucket * (max_bucket - 1) // 2


def test_lsh_pairs_empty_and_single_row():
    assert lsh_pairs(np.empty((0, 4), np.uint32), 2, 2).shape == (0, 2)
    assert lsh_pairs(np.ones((1, 4), np.uint32), 2, 2).shape == (0, 2)


# --- lsh_params ---------------------------------------------------------------------

@pytest.mark.parametrize("threshold, num_perm", [
    (P.doc_threshold, P.doc_num_perm), (P.sentence_threshold, P.sentence_num_perm),
    (0.5, 128), (0.9, 256), (0.1, 32),
])
def test_lsh_params_fit_in_num_perm(threshold, num_perm):
    bands, rows = lsh_params(threshold, num_perm)
    assert bands >= 1 and rows >= 1
    assert bands * rows <= num_perm


def test_lsh_params_higher_threshold_more_rows():
    assert lsh_params(0.9, 128)[1] >= lsh_params(0.2, 128)[1]


def test_minhash_lsh_finds_similar_sets_not_dissimilar():
    rng = np.random.default_rng(3)
    base = np.unique(rng.integers(0, 2**32, size=400, dtype=np.uint64).astype(np.uint32))
    near = np.r_[base[:360], rng.integers(0, 2**32, size=40, dtype=np.uint64).astype(np.uint32)]
    far = rng.integers(0, 2**32, size=400, dtype=np.uint64).astype(np.uint32)
    sig = minhash([base, near, far], P.doc_num_perm)
    pairs = lsh_pairs(sig, *lsh_params(P.doc_threshold, P.doc_num_perm))
    assert as_set(pairs) == {(0, 1)}


# --- doc_pairs_from_items ------------------------------------------------------------

def test_doc_pairs_from_items_min_hits_and_same_doc():
    item_doc = np.array([0, 0, 0, 1, 1, 2, 2, 3])
    item_pairs = np.array([
        [0, 3], [1, 4],  # doc 0 ~ doc 1 twice
        [2, 5],  # doc 0 ~ doc 2 once
        [5, 6],  # same document: ignored
        [7, 0],  # doc 3 ~ doc 0 once (given in reverse)
    ])
    assert as_set(doc_pairs_from_items(item_pairs, item_doc, 1)) == {(0, 1), (0, 2), (0, 3)}
    assert as_set(doc_pairs_from_items(item_pairs, item_doc, 2)) == {(0, 1)}
    assert as_set(doc_pairs_from_items(item_pairs, item_doc, 3)) == set()
    assert doc_pairs_from_items(np.empty((0, 2), np.int64), item_doc, 1).shape == (0, 2)


def test_doc_pairs_from_items_counts_distinct_item_pairs():
    item_doc = np.array([0, 0, 1])
    # two distinct item pairs linking doc 0 and doc 1
    assert as_set(doc_pairs_from_items(np.array([[0, 2], [1, 2]]), item_doc, 2)) == {(0, 1)}


def test_doc_pairs_from_keys_equal_brute_force_in_memory_and_partitioned(tmp_path):
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 40, size=(600, 3)).astype(np.uint32)  # many collisions, some oversized buckets
    item_doc = np.sort(rng.integers(0, 90, 600)).astype(np.int32)
    first = [{v: int(np.flatnonzero(keys[:, band] == v)[0]) for v in np.unique(keys[:, band])} for band in range(3)]
    item_pairs = {(i, j) for band in range(3) for i in range(600) for j in range(i + 1, 600)
                  if keys[i, band] == keys[j, band]
                  and ((keys[:, band] == keys[i, band]).sum() <= 20 or i == first[band][keys[i, band]])}
    expected = doc_pairs_from_items(np.array(sorted(item_pairs)), item_doc, 2)
    in_memory = cand.doc_pairs_from_keys(keys, item_doc, 20, 2)
    partitioned = cand.doc_pairs_from_keys(keys, item_doc, 20, 2, folder=str(tmp_path), part_items=50)
    assert expected.shape[0] > 10
    assert in_memory.tolist() == partitioned.tolist() == expected.tolist()
    assert list(tmp_path.iterdir()) == []  # the partition files are read and removed


def test_anchor_hits_the_same_in_memory_and_partitioned(tmp_path, maker):
    passage = " ".join(maker.words(120))
    texts = [" ".join(maker.words(300)) + " " + passage, passage + " " + " ".join(maker.words(200)),
             " ".join(maker.words(100)) + " " + passage[: len(passage) // 2], " ".join(maker.words(400))]
    ordered = [Sketch(t).shingles for t in texts]
    starts = np.r_[0, np.cumsum([s.size for s in ordered])]
    flat = np.concatenate(ordered)
    at = winnow(flat, starts)
    owner = np.searchsorted(starts, at, side="right") - 1
    pos = at - starts[owner]
    args = (flat[at], owner.astype(np.int32), pos.astype(np.int32))
    one = cand.anchor_hits(*args)
    parted = cand.anchor_hits(*args, folder=str(tmp_path), part_items=8)

    def rows(h):
        return sorted(zip(h.a.tolist(), h.b.tolist(), h.pos_a.tolist(), h.pos_b.tolist()))

    assert len(rows(one)) > 10 and rows(one) == rows(parted)
    assert as_set(one.pairs()) == {(0, 1), (0, 2), (1, 2)}
    assert list(tmp_path.iterdir()) == []


def test_buckets_group_equal_keys_of_any_width():
    rng = np.random.default_rng(4)
    for dtype in (np.uint32, np.uint64):
        key = rng.integers(0, 30, 200).astype(dtype)
        rows, bounds = cand.bucket_rows(key)
        groups = [rows[lo:hi].tolist() for lo, hi in zip(bounds[:-1], bounds[1:])]
        expected = [np.flatnonzero(key == v).tolist() for v in np.unique(key) if (key == v).sum() > 1]
        assert groups == expected


def test_anchor_hits_among_keeps_the_given_pairs_hits():
    from dedup.candidates import AnchorHits

    hits = AnchorHits(*(np.array(x) for x in ([0, 0, 1, 2], [1, 1, 3, 3], [5, 9, 2, 0], [6, 10, 4, 1])))
    kept = hits.among(np.array([[0, 1], [2, 3]]))
    assert kept.a.tolist() == [0, 0, 2] and kept.pos_b.tolist() == [6, 10, 1]
    assert hits.among(np.empty((0, 2), np.int64)).a.size == 0


def test_anchor_hits_spilled_to_files_read_back_the_same(tmp_path):
    from dedup.candidates import AnchorHits

    hits = AnchorHits(*(np.array(x, np.int64) for x in ([0, 0, 1, 2], [1, 1, 3, 3], [5, 9, 2, 0], [6, 10, 4, 1])))
    spilled = hits.spilled(str(tmp_path))
    assert all(isinstance(x, np.memmap) for x in (spilled.a, spilled.b, spilled.pos_a, spilled.pos_b))
    assert spilled.pairs().tolist() == hits.pairs().tolist() == [[0, 1], [1, 3], [2, 3]]
    assert spilled.among(np.array([[2, 3]])).pos_a.tolist() == [0]


# --- anchor_pairs --------------------------------------------------------------------

def test_anchor_pairs_find_a_passage_shared_by_long_different_texts(maker):
    passage = " ".join(maker.words(120))
    a = " ".join(maker.words(3000)) + " " + passage + " " + " ".join(maker.words(500))
    b = " ".join(maker.words(800)) + " " + passage + " " + " ".join(maker.words(4000))
    c = " ".join(maker.words(3000))
    ordered = [Sketch(t).shingles for t in (a, b, c)]
    sets = [np.unique(s) for s in ordered]
    stats = LshStats()
    assert as_set(anchor_pairs(ordered, stats=stats)) == {(0, 1)}
    # the whole texts are far apart: the document channel would not find them
    sig = minhash(sets, P.doc_num_perm)
    assert as_set(lsh_pairs(sig, *lsh_params(P.doc_threshold, P.doc_num_perm))) == set()


def _anchored(sets: list[np.ndarray], **kw) -> np.ndarray:
    """shared_anchor_pairs with every value of ``sets`` taken as an anchor."""
    owner = np.repeat(np.arange(len(sets)), [s.size for s in sets])
    positions = np.concatenate([np.arange(s.size) for s in sets])
    params = Params(**{f"anchor_{k}": v for k, v in kw.items() if k != "stats"})
    return shared_anchor_pairs(np.concatenate(sets), owner, positions, params, stats=kw.get("stats"))


def test_shared_anchor_pairs_min_hits_and_max_docs():
    shared = np.arange(0, 8 * 4, 8, dtype=np.uint32)  # four anchors
    others = [np.arange(1000 + 100 * k, 1000 + 100 * k + 7, dtype=np.uint32) for k in range(3)]
    sets = [np.r_[shared, others[0]], np.r_[shared, others[1]], others[2]]
    assert as_set(_anchored(sets, min_hits=4)) == {(0, 1)}
    assert as_set(_anchored(sets, min_hits=5)) == set()
    # an anchor in more than max_docs articles pairs each with the first article only
    many = [np.r_[shared, o] for o in others] + [shared.copy()]
    stats = LshStats()
    assert as_set(_anchored(many, min_hits=1, max_docs=3, stats=stats)) == {(0, 1), (0, 2), (0, 3)}
    assert stats.large_buckets == 4


def test_winnow_picks_two_anchors_in_any_run_of_two_windows(maker):
    rng = np.random.default_rng(3)
    for _ in range(200):
        run = rng.integers(0, 1 << 32, 2 * Params().anchor_window, dtype=np.uint32)
        a = np.r_[rng.integers(0, 1 << 32, rng.integers(0, 30), dtype=np.uint32), run,
                  rng.integers(0, 1 << 32, rng.integers(0, 30), dtype=np.uint32)]
        b = np.r_[rng.integers(0, 1 << 32, rng.integers(0, 30), dtype=np.uint32), run]
        assert as_set(anchor_pairs([a, b])) == {(0, 1)}


def test_anchor_pairs_empty():
    assert anchor_pairs([]).shape == (0, 2)
    assert anchor_pairs([np.empty(0, np.uint32)] * 3).shape == (0, 2)


# --- merge_pairs ----------------------------------------------------------------------

def test_merge_pairs_union_sorted():
    got = merge_pairs(np.array([[2, 3], [0, 1]]), np.empty((0, 2), np.int64), np.array([[0, 1], [1, 4]]))
    assert got.tolist() == [[0, 1], [1, 4], [2, 3]]
    assert merge_pairs().shape == (0, 2)


def test_anchor_pairs_need_shared_anchors_on_one_diagonal():
    filler = [np.arange(1000 * k + 1, 1000 * k + 200, 2, dtype=np.uint32) for k in range(1, 4)]
    first, second = np.uint32(8), np.uint32(16)  # two anchors
    a = [first, *filler[0][:9], second, *filler[0][9:]]  # second anchor 10 words after the first
    same_gap = [*filler[1][:5], first, *filler[1][5:14], second]  # also 10 after: one passage
    near_gap = [first, *filler[1][:12], second]  # 13 after: a passage with a small edit
    other_gap = [first, *filler[2][:80], second]  # 81 after: two stock phrases met by chance

    def pairs(x, y):
        keep = [np.array([v for v in t if v in (first, second)], np.uint32) for t in (x, y)]
        owner = np.repeat([0, 1], [k.size for k in keep])
        pos = np.concatenate([[t.index(v) for v in k] for t, k in zip((x, y), keep)])
        return as_set(shared_anchor_pairs(np.concatenate(keep), owner, pos, Params(anchor_min_hits=2)))

    assert pairs(a, same_gap) == {(0, 1)}
    assert pairs(a, near_gap) == {(0, 1)}
    assert pairs(a, other_gap) == set()


# --- longest_runs ----------------------------------------------------------------------

def test_longest_runs_equal_a_brute_force_count():
    from dedup.candidates import AnchorHits, longest_runs

    RUN_REACH = Params().run_reach

    rng = np.random.default_rng(5)
    shared = rng.integers(0, 1 << 32, 60, dtype=np.uint32)
    texts = []
    for k in range(6):  # each text: noise, a piece of the shared run, noise
        lo, hi = sorted(rng.integers(0, 60, 2))
        texts.append(np.r_[rng.integers(0, 1 << 32, rng.integers(0, 20), dtype=np.uint32), shared[lo:hi + 1],
                           rng.integers(0, 1 << 32, rng.integers(0, 20), dtype=np.uint32)])
    start = np.r_[0, np.cumsum([t.size for t in texts])]
    flat = np.concatenate(texts)
    a, b, pa, pb = [], [], [], []
    for i in range(6):
        for j in range(i + 1, 6):
            for p in range(texts[i].size):
                for q in np.flatnonzero(texts[j] == texts[i][p]).tolist():
                    a.append(i), b.append(j), pa.append(p), pb.append(q)
    hits = AnchorHits(*(np.array(x, np.int64) for x in (a, b, pa, pb)))
    pairs, runs = longest_runs(hits, flat, start)

    def brute(i, j):
        best = 0
        for p, q in zip(hits.pos_a[(hits.a == i) & (hits.b == j)], hits.pos_b[(hits.a == i) & (hits.b == j)]):
            n = 1
            while p + n < texts[i].size and q + n < texts[j].size and texts[i][p + n] == texts[j][q + n] and n <= RUN_REACH:
                n += 1
            back = 0
            while p - back > 0 and q - back > 0 and texts[i][p - back - 1] == texts[j][q - back - 1] and back < RUN_REACH:
                back += 1
            best = max(best, n + back)
        return best

    assert pairs.shape[0] > 0
    for (i, j), run in zip(pairs.tolist(), runs.tolist()):
        assert run == brute(i, j)


@pytest.mark.parametrize("rows, chunk", [(1 << 24, 1 << 20), (16, 5)])  # whole, or in parts and chunks
def test_bucket_pairs_equal_brute_force(monkeypatch, rows, chunk):
    monkeypatch.setattr(bucket_module, "BUCKET_ROWS", rows)
    monkeypatch.setattr(bucket_module, "CHUNK_PAIRS", chunk)
    rng = np.random.default_rng(6)
    for dtype in (np.uint32, np.uint64):
        key = rng.integers(0, 25, 120).astype(dtype)
        stats = LshStats()
        got = sorted((min(a, b), max(a, b)) for x, y in cand.bucket_pairs(key, 6, stats)
                     for a, b in zip(x.tolist(), y.tolist()))
        small = [v for v in np.unique(key) if 2 <= (key == v).sum() <= 6]
        first = {v: int(np.flatnonzero(key == v)[0]) for v in np.unique(key)}
        expected = sorted((i, j) for i in range(120) for j in range(i + 1, 120)
                          if key[i] == key[j] and (key[i] in small or i == first[key[i]]))
        assert got == expected
        assert stats.large_buckets == sum((key == v).sum() > 6 for v in np.unique(key))


def test_a_large_sentence_bucket_joins_through_its_lowest_article_whatever_the_item_order(tmp_path):
    # items of articles 0..5 laid out of article order, two sentences each, all in one bucket
    # (two bands) larger than the cap: every article pairs with article 0, the lowest
    item_doc = np.array([3, 3, 5, 5, 0, 0, 4, 4, 1, 1, 2, 2])
    keys = np.zeros((item_doc.size, 2), np.uint32)
    pairs = cand.doc_pairs_from_keys(keys, item_doc, max_bucket=4, min_hits=1)
    assert pairs.tolist() == [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]]
    partitioned = cand.doc_pairs_from_keys(keys, item_doc, 4, 1, folder=str(tmp_path), part_items=3)
    assert partitioned.tolist() == pairs.tolist()
