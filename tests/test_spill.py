"""Tests for dedup.spill: texts and arrays kept in temporary files read back unchanged."""

from __future__ import annotations

import pickle

import numpy as np

from dedup.model import Article, Evidence, Pair, Quote, Relation, spill_evidence, stored
from dedup.spill import ArraySink, Spilled, SpilledValue, TextSpill, column


def test_texts_read_back_unchanged_in_any_script():
    store = TextSpill()
    texts = ["", "plain", "Президент Си", "习近平 \u200b", "\ud800 lone surrogate", "x" * 100_000]
    refs = store.put_many(texts) + [store.put("after")]
    assert [r.read() for r in refs] == texts + ["after"]
    assert [len(r) for r in refs] == [len(t) for t in texts] + [5]


def test_an_article_reads_a_spilled_text_as_the_text():
    store = TextSpill()
    a = Article(id="a", text="Le président", body="le président")
    plain = Article(id="a", text="Le président", body="le président")
    a.text, a.body = store.put(a.text), store.put(a.body)
    assert type(Article.__dict__["text"]) is property
    assert a.text == "Le président" and a.body == "le président" and a == plain and repr(a) == repr(plain)
    a.body = None
    assert a.body is None


def test_a_spilled_text_pickles_as_the_text():
    store = TextSpill()
    a = Article(id="a", text="words")
    a.text = store.put(a.text)
    copy = pickle.loads(pickle.dumps(a))
    assert copy.text == "words" and pickle.loads(pickle.dumps(store.put("x"))) == "x"
    assert not isinstance(pickle.loads(pickle.dumps(store.put("y"))), Spilled)


def test_values_and_texts_share_a_store_and_read_back_equal():
    store = TextSpill()
    text = store.put("before")
    values = store.put_values([("a", 1.5, (0, 3)), None, {"k": ["v"]}])
    assert [v.read() for v in values] == [("a", 1.5, (0, 3)), None, {"k": ["v"]}] and text.read() == "before"
    assert store.put("after").read() == "after"
    assert pickle.loads(pickle.dumps(values[2])) == {"k": ["v"]}


def test_a_pair_with_spilled_evidence_reads_pickles_and_amends_as_the_pair():
    evidence = (Evidence("verbatim", 1.0, "Xi met Trong.", "Xi met Trong.", (0, 13), (5, 18)),
                Evidence("paraphrase", 0.71, "He said no.", "He declined.", (14, 25), (19, 31)))
    quotes = (Quote("“no”", "“no”", (30, 34), (40, 44)),)
    pairs = [Pair("a", "b", Relation.COPY, "a", ("r",), (), evidence=evidence, quotes=quotes),
             Pair("a", "c", Relation.RELATED)]
    spilled = spill_evidence(pairs, TextSpill())
    assert spilled == pairs and [p.to_dict() for p in spilled] == [p.to_dict() for p in pairs]
    assert type(stored(spilled[0], "evidence")) is SpilledValue and type(stored(spilled[0], "quotes")) is SpilledValue
    assert stored(spilled[1], "evidence") == ()  # nothing to move
    copy = pickle.loads(pickle.dumps(spilled[0]))
    assert copy == pairs[0] and type(stored(copy, "evidence")) is tuple  # another process may not see the file
    amended = spilled[0].amend(source="b")
    assert type(stored(amended, "evidence")) is SpilledValue and amended.evidence == evidence
    assert amended.source == "b" and amended.quotes == quotes


def test_array_sink_in_memory_and_in_a_file(tmp_path):
    blocks = [np.arange(6, dtype=np.uint32).reshape(3, 2), np.empty((0, 2), np.uint32), np.array([[7, 8]])]
    memory, file = ArraySink(np.uint32, 2), ArraySink(np.uint32, 2, str(tmp_path / "keys"))
    for b in blocks:
        memory.add(b)
        file.add(b)
    expected = np.concatenate(blocks).astype(np.uint32)
    mapped = file.result()
    assert np.array_equal(memory.result(), expected) and np.array_equal(mapped, expected)
    assert isinstance(mapped, np.memmap) and not mapped.flags.writeable
    again = ArraySink(np.int64, path=str(tmp_path / "read"))
    again.add(np.array([3, 1]))
    assert again.read().tolist() == [3, 1] and not (tmp_path / "read").exists()
    assert ArraySink(np.int32, path=str(tmp_path / "empty")).result().shape == (0,)


def test_a_file_mapped_by_column_reads_columns_from_the_file(tmp_path):
    keys = np.arange(5 * 3, dtype=np.uint32).reshape(5, 3)
    sink = ArraySink(np.uint32, 3, str(tmp_path / "keys"))
    for lo in range(0, 5, 2):
        sink.add(keys[lo: lo + 2])
    mapped = sink.result(by_column=True, chunk=2)  # chunks of rows end mid-file
    assert isinstance(mapped, np.memmap) and mapped.flags.f_contiguous and not mapped.flags.c_contiguous
    assert np.array_equal(mapped, keys) and not (tmp_path / "keys").exists()
    assert (tmp_path / "keys.by-column").read_bytes() == keys.T.tobytes()  # column after column
    assert [column(mapped, j).tolist() for j in range(3)] == keys.T.tolist()
    assert not isinstance(column(mapped, 1), np.memmap)  # read from the file, not a view of the mapping
    assert column(keys, 2).tolist() == keys[:, 2].tolist() and column(keys, 2).flags.c_contiguous
    memory = ArraySink(np.uint32, 3)
    memory.add(keys)
    assert np.array_equal(memory.result(by_column=True), keys)


def test_a_writable_mapping_is_copy_on_write(tmp_path):
    sink = ArraySink(np.int32, path=str(tmp_path / "counts"))
    sink.add(np.array([1, 2, 3]))
    counts = sink.result(writable=True)
    counts[0] = 9  # the process's own page; the file never changes
    assert counts.tolist() == [9, 2, 3] and np.fromfile(tmp_path / "counts", np.int32).tolist() == [1, 2, 3]
