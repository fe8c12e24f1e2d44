"""Issue 18, the index and the Action: a read-only index (file and directory), concurrent
``dedup index add`` runs each reporting what they stored, and the Action's paths taken one
per line, literally (a file named ``*``, a path with spaces, one starting with ``-``)."""

from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hostile import MEMORY_LIMIT, TIME_LIMIT, assert_refused, run_dedup

from dedup import Article
from dedup.index import Index, IndexAccessError, IndexFormatError

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def story(seed: int, sentences: int = 12) -> str:
    """A made-up article: random words, so two seeds share nothing."""
    rng = random.Random(seed)
    words = ["".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
             for _ in range(400)]
    return "\n\n".join(" ".join(rng.choice(words) for _ in range(15)).capitalize() + "." for _ in range(sentences))


def write(folder: Path, name: str, text: str) -> Path:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def dedup(*args: str | Path, timeout: float = TIME_LIMIT) -> subprocess.CompletedProcess:
    return run_dedup([str(a) for a in args], timeout=timeout, env=ENV)


@contextmanager
def read_only(db: Path) -> Iterator[None]:
    """``db`` 0o444 and its directory 0o555 (restored afterwards, for the temporary directory's cleanup)."""
    os.chmod(db, 0o444)
    os.chmod(db.parent, 0o555)
    try:
        yield
    finally:
        os.chmod(db.parent, 0o755)
        os.chmod(db, 0o644)


def made_index(tmp_path: Path, folder: str = "published") -> tuple[Path, Path]:
    """An index of one article (made here, in this process), in a directory ``folder``; and a copy of that article."""
    db = tmp_path / folder / "idx.db"
    db.parent.mkdir()
    with Index.open(db) as index:
        index.add(Article(id="original.txt", text=story(1)))
    return db, write(tmp_path / "new", "copy.txt", story(1))


def count(db: Path) -> int:
    with Index.open(db, read_only=True) as index:
        return len(index)


# --- a read-only index ---------------------------------------------------------------------

def test_check_reads_a_read_only_index_in_a_read_only_directory(tmp_path):
    db, copy = made_index(tmp_path, "pub lished?#%")  # (characters an SQLite URI must escape)
    fresh = write(tmp_path / "new", "fresh.txt", story(2))
    with read_only(db):
        before = sorted(os.listdir(db.parent))
        proc = dedup("check", copy, fresh, "--against", db, "--format", "json")
        after = sorted(os.listdir(db.parent))
    err = assert_refused(proc, str(db), code=1)
    assert "checked 2 new articles" in err
    found = json.loads(proc.stdout)
    assert {f["article"] for f in found["findings"]} == {"copy.txt"}, found
    assert before == after == ["idx.db"]  # no -wal or -shm file needed


def test_adding_to_a_read_only_index_is_refused(tmp_path):
    db, copy = made_index(tmp_path)
    size = db.stat().st_size
    with read_only(db):
        proc = dedup("index", "add", db, copy)
    err = assert_refused(proc, str(db), code=2)
    assert f"dedup: error: {db} is read-only (the file is not writable): cannot add to it" in err
    assert db.stat().st_size == size
    # a writable file in a read-only directory: refused too (its journal could not be made)
    os.chmod(db.parent, 0o555)
    try:
        proc = dedup("index", "add", db, copy)
        new = dedup("index", "add", db.parent / "other.db", copy)
    finally:
        os.chmod(db.parent, 0o755)
    assert "its directory is not writable" in assert_refused(proc, str(db), code=2)
    assert "cannot make an index at" in assert_refused(new, str(db.parent / "other.db"), code=2)
    assert count(db) == 1


# --- concurrent adds ---------------------------------------------------------------------

ADDED = re.compile(r": ([+-][\d,]+) articles \(([\d,]+) in all\)(?:; ([\d,]+) already there, skipped)?")


def test_concurrent_adds_each_report_what_they_stored(tmp_path):
    """Two runs at once, 20 articles of their own and 10 shared (``--existing skip``): each
    says what it added itself, and together they account for every article once."""
    db = tmp_path / "idx.db"
    with Index.open(db) as index:
        index.add(Article(id="seed.txt", text=story(0)))
    shared = [write(tmp_path / "shared", f"s{i}.txt", story(100 + i)) for i in range(10)]
    runs = []
    for tag in "pq":
        mine = [write(tmp_path / tag, f"{tag}{i}.txt", story(ord(tag) * 100 + i)) for i in range(20)]
        runs.append(mine + shared)
    cmd = [sys.executable, "-m", "dedup.cli", "index", "add", str(db), "--existing", "skip"]
    procs = [subprocess.Popen(cmd + [str(p) for p in paths], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT)))
             for paths in runs]
    outs = [p.communicate(timeout=2 * TIME_LIMIT) for p in procs]  # (both at once)
    assert [p.returncode for p in procs] == [0, 0], outs
    added, skipped = [], []
    for _, err in outs:
        text = err.decode()
        assert "Traceback" not in text
        m = ADDED.search(text)
        assert m, text
        added.append(int(m[1].replace(",", "")))
        skipped.append(int((m[3] or "0").replace(",", "")))
    assert all(20 <= a <= 30 for a in added) and sum(added) == 50 and sum(skipped) == 10, (added, skipped)
    assert count(db) == 51


# --- the Action ------------------------------------------------------------------------

def action_script() -> str:
    (step,) = yaml.safe_load((REPO / "action.yml").read_text())["runs"]["steps"]
    return step["run"]


def run_action(tmp_path: Path, cwd: Path, paths: str, dedup_body: str, **env: str) -> subprocess.CompletedProcess:
    """The Action's script in bash as GitHub runs it, its venv's ``dedup`` replaced by ``dedup_body``."""
    venv = tmp_path / "runner" / "dedup-venv" / "bin"
    venv.mkdir(parents=True, exist_ok=True)
    (venv / "dedup").write_text("#!/bin/bash\n" + dedup_body)
    (venv / "dedup").chmod(0o755)
    full = {**ENV, "RUNNER_TEMP": str(tmp_path / "runner"), "DEDUP_ACTION_PATH": str(REPO), "DEDUP_PATHS": paths,
            "DEDUP_AGAINST": str(tmp_path / "published"), "DEDUP_FAIL_ON": "derived", "DEDUP_FORMAT": "json",
            "DEDUP_OUTPUT": "", "DEDUP_PYTHON": sys.executable, **env}
    return subprocess.run(["bash", "-c", action_script()], cwd=cwd, env=full, capture_output=True, timeout=30)


HOSTILE = ["*", "a b.txt", "-x.txt", "new/two  spaces.txt", "q'uote\".txt"]


def test_action_checks_exactly_the_paths_given_one_per_line(tmp_path):
    """A file named ``*``, paths with spaces and quotes, one starting with ``-``, blank lines
    and a CRLF: each line is one path, passed as it is (``-x`` as ``./-x``), nothing globbed."""
    work = tmp_path / "work"
    for name in HOSTILE + ["decoy.txt"]:  # a glob of * would add decoy.txt
        write(work, name, story(len(name)))
    argv = tmp_path / "argv"
    paths = "*\n\na b.txt\r\n-x.txt\n   \nnew/two  spaces.txt\nq'uote\".txt"
    done = run_action(tmp_path, work, paths, f'printf "%s\\0" "$@" > {argv}\n')
    assert done.returncode == 0, done.stderr
    args = argv.read_bytes().decode().split("\0")[:-1]
    against = str(tmp_path / "published")
    assert args == ["check", "*", "a b.txt", "./-x.txt", "new/two  spaces.txt", "q'uote\".txt",
                    "--format=json", f"--against={against}", "--fail-on=derived"]
    assert run_action(tmp_path, work, "\n \n", "exit 3\n").stdout == b"dedup: no new articles to check\n"


def test_action_with_dedup_reads_those_files_only(tmp_path):
    """The same paths through the real ``dedup check`` against a directory: the five files
    are read (and the copy of a published article in ``*`` found), the decoy is not."""
    work = tmp_path / "work"
    for name in HOSTILE:
        write(work, name, story(len(name) + 50))
    write(work, "decoy.txt", story(7))
    write(tmp_path / "published", "old.txt", story(7))
    write(tmp_path / "published", "older.txt", story(1 + 50))  # the text of "*"
    body = f'PYTHONPATH={REPO} exec {sys.executable} -m dedup.cli "$@"\n'
    done = run_action(tmp_path, work, "\n".join(HOSTILE), body)
    assert done.returncode == 1, done.stderr
    err = done.stderr.decode()
    assert "checked 5 new articles" in err and "Traceback" not in err, err
    assert {f["article"] for f in json.loads(done.stdout)["findings"]} == {"*"}


# --- the library -----------------------------------------------------------------------

def test_read_only_index_in_the_library(tmp_path, redis_url):
    """``Index.open(read_only=True)`` refuses writes (SQLite and Redis) and makes nothing."""
    db = tmp_path / "x.db"
    with Index.open(db) as index:
        index.add(Article(id="a", text=story(1)))
    for location in (db, f"{redis_url}?prefix=ro-{tmp_path.name}"):
        Index.open(location).close()
        with Index.open(location, read_only=True) as index:
            for write_to in (lambda: index.add(Article(id="e", text=story(6))), lambda: index.remove("a"),
                             lambda: index.evict("2100-01-01")):
                with pytest.raises(IndexAccessError, match="read-only"):
                    write_to()
    with Index.open(db, read_only=True) as index:  # a writable file: its -wal and -shm files are tidied away
        assert [m.a for m in index.check(Article(id="copy", text=story(1)))] == ["a"]
    assert os.listdir(tmp_path) == ["x.db"]
    with pytest.raises(IndexFormatError, match="no dedup index at"):
        Index.open(tmp_path / "none.db", read_only=True)
    hot = tmp_path / "hot.db"  # commits still in its -wal file (its writer open): read, not skipped
    with Index.open(hot) as writer:
        writer.add(Article(id="w", text=story(7)))
        assert os.path.getsize(f"{hot}-wal") > 0
        os.chmod(hot, 0o444)
        try:
            assert count(hot) == 1
        finally:
            os.chmod(hot, 0o644)
    assert not (tmp_path / "none.db").exists()


def test_add_many_counts_what_it_did(tmp_path):
    """``add_many`` says what it added, replaced and skipped itself."""
    with Index.open(tmp_path / "x.db") as index:
        done = index.add_many([Article(id="a", text=story(1)), Article(id="b", text=story(2))])
        assert (done.added, done.replaced, done.skipped) == (2, 0, 0) and set(done) == {"a", "b"}
        again = [Article(id="a", text=story(3)), Article(id="c", text=story(4))]
        done = index.add_many(again, existing="skip")
        assert (done.added, done.replaced, done.skipped) == (1, 0, 1)
        done = index.add_many(again + [Article(id="d", text=story(5))], existing="replace", batch=2)
        assert (done.added, done.replaced, done.skipped) == (1, 2, 0) and len(index) == 4


def test_a_file_name_that_is_not_utf8_is_indexed_and_checked(tmp_path):
    """Its id and path are stored escaped (``bad\\xff.txt``): the index holds text only."""
    published, new = tmp_path / "pub", tmp_path / "new"
    published.mkdir(), new.mkdir()
    text = story(7)
    (published / os.fsdecode(b"bad\xff.txt")).write_text(text)
    write(published, "ok.txt", story(8))
    (new / os.fsdecode(b"copy\xfe.txt")).write_text(text)
    db = tmp_path / "idx.db"
    added = dedup("index", "add", db, published)
    assert added.returncode == 0, added.stderr
    assert "+2 articles" in assert_refused(added, "idx.db")
    checked = dedup("check", new, "--against", db, "--format", "json")
    assert checked.returncode == 1 and b"Traceback" not in checked.stderr, checked.stderr
    found = json.dumps(json.loads(checked.stdout))
    assert "copy\\\\xfe.txt" in found and "bad\\\\xff.txt" in found, found


def test_an_id_with_a_lone_surrogate_is_refused_by_name(tmp_path):
    from dedup.index import Index

    with Index.open(tmp_path / "x.db") as index:
        for call in (index.add, index.check):
            with pytest.raises(ValueError, match="lone surrogate"):
                call(Article(id="\ud800", text="The council met on Monday to approve the budget."))
        assert len(index) == 0  # nothing half stored
        index.add(Article(id="ok", text="The council met on Monday to approve the budget."))
        assert len(index) == 1 and "ok" in index
