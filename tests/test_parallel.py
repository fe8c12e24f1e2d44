"""dedup.parallel: batches in forked workers give what one process gives, in order."""

import pytest

from dedup import parallel
from dedup.parallel import iter_batches, map_batches


def squares(batch):
    return [x * x for x in batch]


def test_serial_batches_in_order():
    assert map_batches(squares, list(range(7)), batch=3, workers=1) == [[0, 1, 4], [9, 16, 25], [36]]


def test_workers_give_the_same_as_one_process(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    items = list(range(1000))
    assert map_batches(squares, items, batch=64, workers=2) == map_batches(squares, items, batch=64, workers=1)


def test_workers_read_unpicklable_state_they_inherit(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)
    offset = 5
    fn = lambda batch: [x + offset for x in batch]  # noqa: E731 (a closure: never pickled)
    assert sum(map_batches(fn, range(100), batch=10, workers=2), []) == list(range(5, 105))


def test_small_inputs_stay_in_this_process(monkeypatch):
    import os
    pid = os.getpid()
    assert map_batches(lambda b: [os.getpid()], list(range(10)), batch=2) == [[pid]] * 5


def test_errors_in_a_worker_reach_the_caller(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 10)

    def fail(batch):
        raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        list(iter_batches(fail, list(range(100)), batch=10, workers=2))


def test_empty():
    assert map_batches(squares, [], batch=10) == []


def test_frozen_gc_freezes_inside_and_unfreezes_after():
    import gc

    from dedup.parallel import frozen_gc

    keep = [[i] for i in range(1000)]
    with frozen_gc():
        assert gc.get_freeze_count() >= len(keep)
    assert gc.get_freeze_count() == 0


def test_frozen_gc_nested_freezes_the_newer_objects_and_keeps_the_outer_freeze():
    import gc

    from dedup.parallel import frozen_gc

    with frozen_gc():
        outer = gc.get_freeze_count()
        newer = [[i] for i in range(1000)]
        with frozen_gc():
            assert gc.get_freeze_count() >= outer + len(newer)
        assert gc.get_freeze_count() >= outer + len(newer)  # the outermost gives them back
    assert gc.get_freeze_count() == 0


def test_workers_renewed_after_their_batches_give_the_same_results():
    import os

    from dedup.parallel import iter_batches

    items = list(range(6000))
    pids = [pid for pid, _ in iter_batches(lambda b: (os.getpid(), sum(b)), items, 500, workers=2,
                                           batches_per_worker=2)]
    sums = [s for _, s in iter_batches(lambda b: (0, sum(b)), items, 500, workers=2, batches_per_worker=2)]
    assert sums == [sum(items[k:k + 500]) for k in range(0, 6000, 500)]
    assert len(set(pids)) >= 6 and os.getpid() not in pids  # 12 batches, 2 a worker
