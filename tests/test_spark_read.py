"""dedup.spark.read: the Spark reader gives what the local reader gives (articles in the same
order with the same fields and ids, the same problems), for folders of texts, JSONL with bad
lines cut into many blocks, files read whole, URIs; and Parquet, which only it reads.

The benchmark corpora are read from ``../shared/benchmarks`` (skipped when absent, as in
tests/test_index_equivalence.py).
"""

from __future__ import annotations

import json
import random
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

from dedup.dates import format_published
from dedup.ingest import read_articles, unique_id  # noqa: E402
from dedup.spark.read import _renames, _repeated, read_articles_spark  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
DTYPES = [("idx", "bigint"), *((c, "string") for c in ("id", "text", "title", "published", "publisher", "url", "path")),
          ("line", "int")]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@contextmanager
def spark_conf(spark, key: str, value: int):
    before = spark.conf.get(key)
    spark.conf.set(key, str(value))
    try:
        yield
    finally:
        spark.conf.set(key, before)


def blocks_of(spark, size: int):
    """Spark's file splits (blocks) of ``size`` bytes at most, so that one JSONL file is read by many tasks."""
    return spark_conf(spark, "spark.sql.files.maxPartitionBytes", size)


def spark_read(spark, paths):
    """(rows sorted by idx, problems) of the Spark reader."""
    df, problems = read_articles_spark(spark, [str(p) for p in paths])
    try:
        assert df.dtypes == DTYPES
        return [tuple(r) for r in df.orderBy("idx").collect()], problems
    finally:
        df.unpersist()


def local_read(paths):
    articles, problems = read_articles([str(p) for p in paths])
    return [(i, a.id, a.text, a.title, format_published(a.published) if a.published else None, a.publisher, a.url,
             a.path, a.line)
            for i, a in enumerate(articles)], problems


def assert_same_as_local(spark, paths) -> list[tuple]:
    rows, problems = spark_read(spark, paths)
    expected_rows, expected_problems = local_read(paths)
    assert len(rows) == len(expected_rows)
    assert [r for r, e in zip(rows, expected_rows) if r != e][:1] == []
    assert problems == expected_problems
    return rows


# --- folders of texts ------------------------------------------------------------------

def test_seed_fixtures(spark):
    rows = assert_same_as_local(spark, [FIXTURES])
    assert len(rows) == 5 and rows[0][0] == 0


def test_benchmark_corpora(spark):
    paths = [SHARED / "clough-stevenson" / "texts", SHARED / "pan13-no-obfuscation" / "src",
             SHARED / "pan13-no-obfuscation" / "susp"]
    missing = [p for p in paths if not p.is_dir()]
    if missing:
        pytest.skip(f"benchmark corpus not found: {missing[0]}")
    # small files cost 4 MB each when Spark packs them into tasks (by default): 23 tasks for
    # these 731; costing nothing they make 4, as many as the test session's default parallelism
    with spark_conf(spark, "spark.sql.files.openCostInBytes", 0):
        rows = assert_same_as_local(spark, paths)
    assert len(rows) == 100 + 478 + 153


# --- JSONL, bad input, everything the local reader reads --------------------------------

def messy_corpus(root: Path) -> Path:
    """A folder with JSONL lines of every kind and files of every type, good and bad."""
    lines = []
    for i in range(1, 121):
        if i % 17 == 0:
            lines.append(b"{not json")
        elif i % 19 == 0:
            lines.append(b'{"title": "no text"}')
        elif i % 23 == 0:
            lines.append(b"   ")
        elif i in (40, 90):  # not UTF-8, in two different blocks: one warning, for line 40
            lines.append(b'{"text": "caf\xe9 ' + str(i).encode() + b'"}')
        elif i % 10 == 0:
            lines.append(json.dumps({"id": "same", "text": f"dup {i}"}).encode())
        elif i == 11:
            lines.append(json.dumps({"id": "same#2", "text": "an id like a rename"}).encode())
        elif i == 12:
            lines.append(b'{"text": "a lone \r inside"}')
        else:
            row = {"text": f"article {i} " + "words " * (i % 7), "title": f" T{i} ", "date": "2024-03-05T10:00",
                   "source": "Wire", "url": f"https://example.com/{i}"}
            lines.append(json.dumps(row).encode())
    write(root / "feed.jsonl", b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\n\n")
    write(root / "sub" / "more.jsonl", '{"id": "same", "text": "again"}\n{"text": "x"}')
    write(root / "sub" / "blank.jsonl", b"  \n\t\r\n")
    write(root / "sub" / "zero.jsonl", b"")
    write(root / "sub" / "nul.jsonl", b'{"text": "a"}\x00\n')
    write(root / "sub" / "utf16.jsonl", "\ufeff{\"text\": \"sixteen\"}\n{oops\n".encode("utf-16"))
    write(root / "sub" / "bom2.jsonl", b"\xef\xbb\xbf\xef\xbb\xbf{\"text\": \"two BOMs\"}\n")
    write(root / "a.txt", b"Plain text\r\nwith CRLF.\r\n")
    write(root / "b.md", "# Title\n\nsame")
    write(root / "c.html", "<html><head><title>T</title></head><body><article><p>Para one.</p></article></body></html>")
    write(root / "d.json", json.dumps([{"text": "one"}, {"title": "x"}, {"body": "three", "id": "same"}]))
    write(root / "e.json", '{"text": "x",\n oops}')
    write(root / "f.csv", "id,text,title\nc1,\"multi\nline\",T\nc2,,none\n")
    write(root / "g.pdf", b"%PDF-1.4")
    write(root / "h.txt", b"")
    write(root / "i.txt", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root / "j.txt", b"caf\xe9 \x93quoted\x94")
    write(root / "README", "no extension: text")
    write(root / "_underscore.txt", "read by the local reader, skipped by Spark's default listing")
    write(root / ".hidden.txt", "skipped")
    write(root / "a [1] {x} 50% é.txt", "glob characters and a space in the name")
    write(root / "year=2024" / "k.txt", "a key=value folder is no partition")
    return root


def test_jsonl_in_many_blocks_and_every_kind_of_bad_input(spark, tmp_path):
    root = messy_corpus(tmp_path / "corpus")
    paths = [root, root / "feed.jsonl", root / ".hidden.txt", tmp_path / "missing.jsonl"]
    with blocks_of(spark, 2048):  # feed.jsonl (about 8 kB) is cut into 4 blocks
        rows = assert_same_as_local(spark, paths)
    ids = [r[1] for r in rows]
    assert ids.count("same") == 1 and "same#2" in ids and "same#3" in ids and "same#2#2" in ids
    _, problems = local_read(paths)
    messages = {p.message for p in problems}
    assert {"empty file", "binary file, not text (skipped)", "no such file or directory"} <= messages


def test_jsonl_10000_lines(spark, tmp_path):
    rng = random.Random(7)
    with open(tmp_path / "big.jsonl", "w") as f:
        for i in range(10_000):
            if i % 1000 == 999:
                f.write("not json\n")
            else:
                f.write(json.dumps({"id": f"n{rng.randrange(9000)}", "text": "word " * rng.randrange(1, 60)}) + "\n")
    with blocks_of(spark, 256 * 1024):  # 7 blocks
        rows = assert_same_as_local(spark, [tmp_path / "big.jsonl"])
    assert len(rows) == 9990


def test_uris_read_through_hadoop(spark, tmp_path):
    root = messy_corpus(tmp_path / "corpus")
    uri = f"file://{root}"
    df, problems = read_articles_spark(spark, [uri, uri + "/a.txt", f"file://{tmp_path}/missing"])
    rows = [tuple(r) for r in df.orderBy("idx").collect()]
    df.unpersist()
    expected_rows, expected_problems = local_read([root, root / "a.txt", tmp_path / "missing"])
    as_local = lambda s: s and s.replace(uri, str(root)).replace(f"file://{tmp_path}", str(tmp_path))  # noqa: E731
    assert [(*r[:7], as_local(r[7]), r[8]) for r in rows] == expected_rows
    assert [(as_local(p.path), p.message, p.line, p.level) for p in problems] == [
        (p.path, p.message, p.line, p.level) for p in expected_problems]


def test_stdin_is_refused(spark):
    with pytest.raises(ValueError, match="stdin"):
        read_articles_spark(spark, ["-"])


def test_nothing_to_read(spark, tmp_path):
    df, problems = read_articles_spark(spark, [str(tmp_path / "nope")])
    assert df.count() == 0 and [p.message for p in problems] == ["no such file or directory"]


# --- Parquet ------------------------------------------------------------------------------

def test_parquet_rows(spark, tmp_path):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 3000
    table = pa.table({
        "id": [None if i % 3 else f"p{i}" for i in range(n)],
        "body": [None if i % 1000 == 500 else f"parquet row {i} " + "x" * (i % 50) for i in range(n)],
        "title": [f"T{i}" for i in range(n)],
        "date": [datetime.datetime(2024, 1, 1 + i % 28, 12) for i in range(n)],
        "source": ["Wire"] * n,
        "other": list(range(n)),
    })
    (tmp_path / "news").mkdir()
    pq.write_table(table, tmp_path / "news" / "part-0.parquet", row_group_size=500)
    pq.write_table(table.slice(0, 0), tmp_path / "news" / "part-1.parquet")  # no rows
    write(tmp_path / "news" / "part-2.parquet", b"not parquet at all")
    write(tmp_path / "news" / "z-notes.jsonl", '{"id": "p0", "text": "a JSONL row"}\n')
    with blocks_of(spark, 16 * 1024):  # the row groups fall in several blocks
        df, problems = read_articles_spark(spark, [str(tmp_path / "news")])
    rows = df.orderBy("idx").collect()
    df.unpersist()
    part0 = str(tmp_path / "news" / "part-0.parquet")
    assert len(rows) == n - 3 + 1
    assert [r.idx for r in rows] == list(range(len(rows)))
    assert (rows[0].id, rows[0].line, rows[0].path) == ("p0", 1, part0)
    assert (rows[1].id, rows[1].text, rows[1].line) == ("part-0.parquet:2", "parquet row 1 x", 2)
    assert (rows[1].title, rows[1].published, rows[1].publisher) == ("T1", "2024-01-02T12:00:00+00:00", "Wire")
    assert [r.line for r in rows[:-1]] == [i + 1 for i in range(n) if i % 1000 != 500]
    assert (rows[-1].id, rows[-1].text) == ("p0#2", "a JSONL row")
    assert [(p.path, p.line, p.message) for p in problems[:3]] == [
        (part0, i + 1, "no 'text' (or 'body'/'content') field") for i in (500, 1500, 2500)]
    assert [(Path(p.path).name, p.message.split(":")[0]) for p in problems[3:]] == [
        ("part-1.parquet", "empty file"), ("part-2.parquet", "cannot read Parquet"),
        ("z-notes.jsonl", "duplicate id 'p0' (already used in this run)")]


# --- duplicate ids ------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2])
def test_renames_equal_the_sequential_pass(spark, seed):
    rng = random.Random(seed)
    forms = ["a", "a#2", "a#3", "a#2#2", "a#x", "b", "b#1", "b#2", "c", "c#2#3", "d#", "d##2", "e\n#2", "e\n"]
    ids = [rng.choice(forms) for _ in range(300)] + [f"u{i}" for i in range(50)]
    rng.shuffle(ids)
    seen: dict[str, int] = {}
    expected = [(i, u) for i, id_ in enumerate(ids) if (u := unique_id(id_, seen)) != id_]
    numbered = spark.createDataFrame(list(enumerate(ids)), "idx long, id string")
    bases = {r.id for r in _repeated(numbered).collect()}
    assert _renames(numbered, bases) == expected
