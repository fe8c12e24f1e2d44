"""dedup.index stores: format checks, a crash in the middle of adding, two processes at once.

The crash and concurrency tests run real child processes (``python -c``) on a real SQLite
file or Redis server.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import TextMaker

from dedup import Article
from dedup.cli import main
from dedup.index import Index, IndexAccessError, IndexFormatError
from dedup.index.meta import new_meta
from dedup.index.store import postings
from dedup.params import Params
from dedup.sketch import featurize


REPO = Path(__file__).resolve().parent.parent
OLD_INDEX = REPO / "tests" / "data" / "index-schema2.db"  # 2 articles, made by dedup before the compact records

# a child process adding made-up articles N..M one by one, printing each id once its add returned;
# every 10th article is a copy of the one before (so that queries have known answers)
CHILD = r"""
import sys
sys.path[:0] = [sys.argv[1] + "/tests", sys.argv[1]]  # tests/conftest.py, not the root one
from conftest import TextMaker
from dedup import Article
from dedup.index import Index

location, first, last, tag = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
index = Index.open(location)
for i in range(first, last):
    index.add(make(i, tag))
    print(f"{tag}{i}", flush=True)
"""
MAKE = r"""
def make(i, tag):
    base = i - 1 if i % 10 == 9 else i
    text = TextMaker(base).article(paragraphs=2, sentences=3)
    return Article(id=f"{tag}{i}", text=text + ("\n\nShared." if base != i else ""))
"""


def make(i: int, tag: str) -> Article:
    namespace: dict = {}
    exec("from conftest import TextMaker\nfrom dedup import Article\n" + MAKE, namespace)
    return namespace["make"](i, tag)


def child(location: str, first: int, last: int, tag: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    code = CHILD.replace("from dedup.index import Index\n", "from dedup.index import Index\n" + MAKE)
    return subprocess.Popen([sys.executable, "-c", code, str(REPO), location, str(first), str(last), tag],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


# --- what is not an index ---------------------------------------------------------------

def _made(path: Path, n: int = 3) -> Path:
    with Index.open(path) as index:
        for i in range(n):
            index.add(make(i, "x"))
    return path


def test_not_sqlite(tmp_path):
    p = tmp_path / "notes.db"
    p.write_text("these are my notes, not an index\n")
    with pytest.raises(IndexFormatError, match=r"notes\.db is not a dedup index \(not an SQLite file\)"):
        Index.open(p)


def test_sqlite_but_not_an_index(tmp_path):
    p = tmp_path / "other.db"
    with sqlite3.connect(p) as c:
        c.execute("CREATE TABLE t (x)")
    c.close()
    with pytest.raises(IndexFormatError, match="an SQLite database but not a dedup index"):
        Index.open(p)


def test_missing_index_is_not_created_when_asked(tmp_path):
    with pytest.raises(IndexFormatError, match="no dedup index at .*missing.db; make one with: dedup index add"):
        Index.open(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(IndexFormatError, match="is a directory"):
        Index.open(tmp_path)


@pytest.mark.parametrize("name, value, message", [
    ("dedup_version", "0.0.1", r"was made by dedup 0\.0\.1 \(index schema \d+\); this is dedup"),
    ("schema_version", "99", r"index schema 99"),
    ("params", json.dumps({"doc_num_perm": 256}), r"other sketch parameters: .*doc_num_perm 256"),
    ("fingerprint", "0000", r"features computed differently"),
])
def test_other_version_or_parameters(tmp_path, name, value, message):
    p = _made(tmp_path / "old.db")
    with sqlite3.connect(p) as c:
        c.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name))
    c.close()
    with pytest.raises(IndexFormatError, match=message) as e:
        Index.open(p)
    assert "rebuild it with: dedup index add NEW_INDEX PATH..." in str(e.value)


def test_index_of_the_previous_format_is_refused_with_the_rebuild_hint(tmp_path, capsys):
    old = tmp_path / "old.db"
    shutil.copyfile(OLD_INDEX, old)
    message = (r"old\.db was made by dedup \S+ \(index schema 2\); this is dedup \S+ \(index schema 3\), which does "
               r"not read it: rebuild it with: dedup index add NEW_INDEX PATH\.\.\. \(or delete .*old\.db")
    for read_only in (False, True):
        with pytest.raises(IndexFormatError, match=message):
            Index.open(old, read_only=read_only)
    assert main(["index", "add", str(old), str(REPO / "fixtures")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "index schema 2" in err and "rebuild it with" in err
    with sqlite3.connect(old) as c:  # left as it was
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    c.close()


def test_redis_index_of_the_previous_format_is_refused(redis_url):
    import redis

    r = redis.Redis.from_url(redis_url)
    r.hset("schema2:meta", mapping={**new_meta(Params()), "schema_version": "2"})
    r.zadd("schema2:p:doc:12345", {"1:0": 2097152})  # a posting as schema 2 kept them
    with pytest.raises(IndexFormatError, match=r"\(index schema 2\); this is dedup \S+ \(index schema 3\).*rebuild"):
        Index.open(f"{redis_url}?prefix=schema2")
    r.close()


def test_damaged_files(tmp_path):
    garbage = _made(tmp_path / "garbage.db")
    data = bytearray(garbage.read_bytes())
    data[100:] = bytes((i * 7 + 3) % 256 for i in range(len(data) - 100))
    garbage.write_bytes(bytes(data))
    with pytest.raises(IndexFormatError, match="garbage.db is not a dedup index or is damaged"):
        Index.open(garbage).report()
    cut = _made(tmp_path / "cut.db", n=30)
    with sqlite3.connect(cut) as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    with pytest.raises(IndexFormatError, match="rebuild it with"):
        with Index.open(cut) as index:
            index.report()
            index.stats()


def test_damaged_row(tmp_path):
    p = _made(tmp_path / "row.db")
    with sqlite3.connect(p) as c:
        c.execute("UPDATE articles SET terms = x'00' WHERE id = 'x1'")
    c.close()
    with Index.open(p) as index, pytest.raises(IndexFormatError, match="article 'x1' cannot be read"):
        index.report()


def test_wal_and_meta(tmp_path):
    p = _made(tmp_path / "w.db")
    with sqlite3.connect(p) as c:
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        meta = dict(c.execute("SELECT name, value FROM meta"))
    c.close()
    assert meta["format"] == "dedup-index" and meta["articles"] == "3"
    assert json.loads(meta["params"])["sentence_bands_rows"] == [18, 2]
    for module in (REPO / "dedup" / "index").glob("*.py"):  # no pickle anywhere
        assert "import pickle" not in module.read_text() and "pickle." not in module.read_text()


def test_redis_prefix_holding_something_else(redis_url):
    import redis

    r = redis.Redis.from_url(redis_url)
    r.set("notindex:meta", "hello")
    with pytest.raises(IndexFormatError, match="notindex:meta is a string, not a dedup index"):
        Index.open(f"{redis_url}?prefix=notindex")
    r.hset("oldindex:meta", mapping={"format": "dedup-index", "schema_version": "1", "dedup_version": "0.0.1"})
    with pytest.raises(IndexFormatError, match="made by dedup 0.0.1"):
        Index.open(f"{redis_url}?prefix=oldindex")
    r.close()


def test_redis_unreachable():
    with pytest.raises(IndexAccessError, match="redis://127.0.0.1:1/0"):
        Index.open("redis://127.0.0.1:1/0?prefix=x")


def test_redis_url_that_is_no_url_is_an_access_error_not_showing_it(capsys):
    # urlsplit's ValueError escaped: "dedup: internal error: ValueError: Invalid IPv6 URL"
    with pytest.raises(IndexAccessError, match=r"^redis: not a valid URL \(Invalid IPv6 URL\)$"):
        Index.open("redis://:secret@[::1/0")
    assert main(["index", "stats", "redis://:secret@[::1/0"]) == 2
    assert capsys.readouterr().err == "dedup: error: redis: not a valid URL (Invalid IPv6 URL)\n"


# --- a crash, two processes -------------------------------------------------------------

def test_killed_while_adding_loses_nothing_that_returned(tmp_path):
    """A process adding 10,000 articles is killed (SIGKILL) after at least 1,000 adds have
    returned: the file opens, every returned add is there, and queries answer."""
    location = str(tmp_path / "crash.db")
    proc = child(location, 0, 10_000, "c")
    printed = []
    deadline = time.monotonic() + 240
    while len(printed) < 1000 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        printed.append(line.strip())
    time.sleep(0.05 * (len(printed) % 7))  # not in step with the prints: somewhere inside an add
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    printed += [x.strip() for x in proc.stdout.read().splitlines()]
    assert len(printed) >= 1000, proc.stderr.read()
    with Index.open(location) as index:
        stored = {a.id for a in index.articles()}
        assert set(printed) <= stored and len(index) == len(stored) < 10_000
        # queries answer: a copy of a stored article finds it; a new article finds nothing
        assert {m.a for m in index.check(Article(id="probe", text=make(9, "c").text))} >= {"c8"}
        assert {m.a for m in index.check(Article(id="probe", text=make(20, "c").text + "\nMore."))} >= {"c20"}
        assert index.check(make(10_001, "new")) == []
        assert index.add(make(10_002, "after"), existing="error") == []
    with sqlite3.connect(location) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()
    print(f"killed after {len(printed)} adds had returned; {len(stored)} articles stored")  # (seen with -s)


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_two_processes_add_at_once(tmp_path, store, request):
    if store == "sqlite":
        location = str(tmp_path / "two.db")
    else:
        location = f"{request.getfixturevalue('redis_url')}?prefix=two-{tmp_path.name}"
    Index.open(location).close()
    procs = [child(location, 0, 150, "p"), child(location, 0, 150, "q")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    with Index.open(location) as index:
        ids = [a.id for a in index.articles()]
        assert sorted(ids) == sorted([f"p{i}" for i in range(150)] + [f"q{i}" for i in range(150)])
        assert len(index) == 300
        # the p and q copies of one text are duplicates of each other: every pair found
        pairs = {(p.a[1:], p.b[1:]) for p in index.report(workers=1).pairs if p.a[0] != p.b[0]}
        assert all((str(i), str(i)) in pairs for i in range(150))


def test_buckets_read_at_most_one_row_over_the_limit(index_location):
    story = "The council approved the new budget on Monday after a long debate about roads. " * 4
    with Index.open(index_location) as index:
        index.add_many([Article(id=f"copy{k}", text=story) for k in range(6)], matches=False, workers=1)
        keys = np.unique(postings(featurize([story]).split()[0])["doc"][0])
        docs = sorted(index.store.docs_of([f"copy{k}" for k in range(6)]).values())
        small = index.store.buckets("doc", keys, 6)  # every bucket holds the 6 copies: all rows
        large = index.store.buckets("doc", keys, 3)  # over the limit: counted as more, the first row only
    assert (small.keys == keys).all() and (small.counts == 6).all() and small.key.size == 6 * keys.size
    assert (large.keys == keys).all() and (large.counts > 3).all()
    assert sorted(large.key.tolist()) == keys.tolist() and set(large.doc.tolist()) == {docs[0]}
    if index_location.endswith(".db"):  # SQLite stops counting at limit + 1: a large bucket costs no more
        assert (large.counts == 4).all()


def _traced(monkeypatch) -> list[str]:
    """The SQL statements of every SQLite connection opened from now on, as they run."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    return statements


def _stock_articles(n: int = 24) -> list[Article]:
    """Articles of their own words, each also carrying one stock paragraph (large buckets), every
    third a copy of the one before (small ones)."""
    maker = TextMaker(5)
    stock = maker.paragraph(6)
    texts: list[str] = []
    for i in range(n):
        texts.append(texts[-1] + "\n\nOne more line." if i % 3 == 2 else maker.article(4) + "\n\n" + stock)
    return [Article(id=f"s{i}", text=t) for i, t in enumerate(texts)]


def test_a_check_reads_each_posting_table_with_one_statement(tmp_path, monkeypatch):
    statements = _traced(monkeypatch)
    articles = _stock_articles()
    with Index.open(tmp_path / "index.db") as index:
        index.add_many(articles[:-1], workers=1, matches=False)
        keys = postings(featurize([articles[-1].text]).split()[0])
        statements.clear()
        matches = index.check(articles[-1])
    reads = {c: sum(f"post_{c}" in s for s in statements) for c in keys}
    assert matches and all(k.size > 1 for k, _ in keys.values())  # many keys in each channel
    assert reads == {"doc": 1, "anchor": 1, "sentence": 1}  # each table read by one statement


def test_without_sqlite_json_functions_the_buckets_and_matches_are_the_same(tmp_path, monkeypatch):
    import dedup.index.sqlite as sqlite_store

    articles = _stock_articles()
    path = tmp_path / "index.db"
    with Index.open(path) as index:
        index.add_many(articles[:-1], workers=1, matches=False)
    keys = postings(featurize([articles[-1].text]).split()[0])

    def read() -> tuple[list, list]:
        with Index.open(path, read_only=True) as index:
            found = [index.store.buckets(c, k, limit) for c, (k, _) in keys.items() for limit in (0, 1, 2, 8, 30)]
            return [[getattr(b, f).tolist() for f in ("keys", "counts", "key", "doc", "pos")] for b in found], \
                [m.to_dict() for m in index.check(articles[-1])]

    with_json = read()
    monkeypatch.setattr(sqlite_store, "json_each_available", lambda conn: False)
    statements = _traced(monkeypatch)
    without = read()
    assert not any("json_each" in s for s in statements)
    assert any("FROM post_sentence WHERE key = " in s for s in statements)  # one statement per key
    limits = [limit for _ in keys for limit in (0, 1, 2, 8, 30)]
    assert any(0 < c <= limit for b, limit in zip(with_json[0], limits) for c in b[1])  # buckets under the limit
    assert any(c > limit for b, limit in zip(with_json[0], limits) for c in b[1])  # and over it
    assert with_json[1] and without == with_json
