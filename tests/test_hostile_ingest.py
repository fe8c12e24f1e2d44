"""Hostile input to the readers (issue 18): each refusal names the file (and line), in
bounded time and memory, without a traceback; what is next to it is still read.

Each test makes its input in ``tmp_path`` and runs ``dedup`` in a subprocess bounded in time
and address space (:mod:`hostile`), several hostile inputs a run (a run costs seconds of
imports). ``dedup scan`` lists each problem on stderr and exits 0 when an article was read (2
when none could be); the JSON report tells what was read. The options' plumbing is checked
in-process (``main``), where no input can hang.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from hostile import assert_refused, run_dedup

from dedup.cli import main
from dedup.index import Index

GOOD = "The council approved the new budget for the city library on Tuesday evening after a long debate."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def scanned(proc) -> list[str]:
    """The ids of the articles in a ``scan --format json`` report on stdout."""
    return [a["id"] for a in json.loads(proc.stdout)["articles"]]


def test_bad_text_surrogates_utf32_nul_bytes_and_renamed_ids(tmp_path):
    write(tmp_path / "feed.jsonl", '{"id": "s", "title": "Bad \\ud800", "text": "' + GOOD + ' \\udfff"}\n')
    write(tmp_path / "wide.txt", (GOOD + " Wide.").encode("utf-32"))
    write(tmp_path / "late.txt", GOOD + "\n" + "more text\n" * 1000 + "\x00\x01\x02")
    rows = "".join(json.dumps({"id": f"r{i}", "text": " ".join(f"w{i}x{j}" for j in range(8))}) + "\n"
                   for i in range(200))  # unrelated rows, past the 8 KiB looked at first
    write(tmp_path / "late.jsonl", rows + '{"text": "\x00"}\n{"id": "lost", "text": "after binary"}\n')
    write(tmp_path / "same.jsonl", json.dumps({"id": "r0", "text": GOOD + " Same."}) + "\n")
    proc = run_dedup(["scan", tmp_path, "--format", "json"])
    err = assert_refused(proc, "feed.jsonl:1: lone surrogate (\\ud800-\\udfff escape, no character) replaced by U+FFFD", 0)
    assert "late.txt:1002: binary data (a NUL byte), not text: not read" in err
    assert "late.jsonl:201: binary data (a NUL byte), not text: the rest of the file is not read" in err
    assert "same.jsonl:1: duplicate id 'r0' (already used in this run): renamed 'r0#2'" in err
    report = json.loads(proc.stdout)
    assert [a["id"] for a in report["articles"]] == ["s"] + [f"r{i}" for i in range(200)] + ["r0#2", "wide.txt"]
    assert report["articles"][0]["title"] == "Bad \ufffd"


def test_huge_article_refused_before_it_is_read(tmp_path):
    huge = "word " * (12 << 20)  # 60 MB
    write(tmp_path / "huge.txt", huge)
    write(tmp_path / "huge.jsonl", '{"id": "h", "text": "' + huge + '"}\n{"id": "after", "text": "' + GOOD + '"}\n')
    write(tmp_path / "ok.txt", GOOD)
    proc = run_dedup(["scan", tmp_path, "--format", "json"], memory=2 << 30)
    err = assert_refused(proc, "huge.txt: article too large: 60 MB, over the 10 MB limit (--max-article-mb): not read", 0)
    assert "huge.jsonl:1: line too long: over 40 MB (4 x the 10 MB article limit, --max-article-mb): not read" in err
    assert scanned(proc) == ["after", "ok.txt"]


def test_max_article_mb_on_scan(tmp_path):
    big = "word " * 30_000  # 150 kB
    write(tmp_path / "big.html", f"<html><body><article><p>{big}</p></article></body></html>")
    write(tmp_path / "rows.csv", f"id,text\nc1,{GOOD}\nc2,{big}\n")
    write(tmp_path / "ok.txt", GOOD)
    proc = run_dedup(["scan", tmp_path, "--max-article-mb", "0.1", "--format", "json"])
    err = assert_refused(proc, "big.html: article too large: 0.143 MB, over the 0.1 MB limit", 0)
    assert "rows.csv:3: article too large: 0.143 MB of text, over the 0.1 MB limit" in err
    assert scanned(proc) == ["ok.txt", "c1"]


def test_fifo_and_device_are_named_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.jsonl")  # opening it would block until a writer came
    write(tmp_path / "ok.txt", GOOD)
    proc = run_dedup(["scan", "/dev/zero", tmp_path, tmp_path / "pipe.jsonl", "--format", "json"], memory=2 << 30)
    err = assert_refused(proc, f"{tmp_path / 'pipe.jsonl'}: not a regular file (a FIFO): not read", 0)
    assert err.count("not a regular file (a FIFO)") == 2  # in the folder, and given as PATH
    assert "/dev/zero: not a regular file (a character device): not read" in err
    assert scanned(proc) == ["ok.txt"]


def test_symlinks_out_of_the_folder_are_not_followed(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    write(root / "ok.txt", GOOD)
    write(outside / "elsewhere.txt", GOOD + " Elsewhere.")
    (root / "slash").symlink_to("/")  # would walk the whole machine
    (root / "out.txt").symlink_to(outside / "elsewhere.txt")
    (root / "loop").symlink_to(root)
    proc = run_dedup(["scan", root, "--format", "json"])
    err = assert_refused(proc, f"{root / 'slash'}: symbolic link to /, outside {root}: not followed "
                               "(--follow-links follows it)", 0)
    assert f"{root / 'out.txt'}: symbolic link to {outside / 'elsewhere.txt'}" in err
    assert scanned(proc) == ["ok.txt"]


def test_index_add_keeps_the_articles_around_bad_files(tmp_path):
    write(tmp_path / "news" / "a.txt", GOOD)
    write(tmp_path / "news" / "b.txt", "text\n" * 3000 + "\x00binary")  # a NUL past the sniffed head
    os.mkfifo(tmp_path / "news" / "c.jsonl")
    write(tmp_path / "news" / "d.jsonl", json.dumps({"id": "d1", "text": GOOD + " D."}) + "\n{oops\n"
          + json.dumps({"id": "d3", "text": GOOD + " Three."}) + "\n" + json.dumps({"text": "word " * 30_000}) + "\n")
    write(tmp_path / "news" / "e.txt", GOOD + " E.")
    index = tmp_path / "index.db"
    proc = run_dedup(["index", "add", index, tmp_path / "news", "--max-article-mb", "0.1"])
    err = assert_refused(proc, "b.txt:3001: binary data", 0)
    assert "c.jsonl: not a regular file (a FIFO)" in err and "d.jsonl:2: invalid JSON" in err
    assert "d.jsonl:4: article too large" in err and "4 input(s) could not be read" in err
    with Index.open(str(index), create=False) as opened:
        assert sorted(a.id for a in opened.report().articles) == ["a.txt", "d1", "d3", "e.txt"]


# --- the options, in-process ------------------------------------------------------------

def test_follow_links_option(tmp_path, capsys):
    write(tmp_path / "root" / "ok.txt", GOOD)
    write(tmp_path / "outside" / "elsewhere.txt", GOOD + " Elsewhere.")
    (tmp_path / "root" / "out").symlink_to(tmp_path / "outside")
    assert main(["scan", str(tmp_path / "root"), "--follow-links", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert [a["id"] for a in json.loads(out)["articles"]] == ["ok.txt", "out/elsewhere.txt"]
    assert "symbolic link" not in err


def test_max_article_mb_on_check_and_its_bounds(tmp_path, capsys):
    write(tmp_path / "published" / "p.txt", GOOD)
    write(tmp_path / "published" / "big.txt", "word " * 30_000)
    write(tmp_path / "new.txt", "word " * 30_000)
    assert main(["check", str(tmp_path / "new.txt"), "--against", str(tmp_path / "published"),
                 "--max-article-mb", "0.1"]) == 2
    assert "new.txt: article too large: 0.143 MB, over the 0.1 MB limit" in capsys.readouterr().err
    write(tmp_path / "new.txt", GOOD + " New.")
    main(["check", str(tmp_path / "new.txt"), "--against", str(tmp_path / "published"), "--max-article-mb", "0.1"])
    assert "big.txt: article too large" in capsys.readouterr().err  # the folder checked against too
    for bad in ("0", "-1", "x", "inf"):
        assert main(["scan", str(tmp_path), "--max-article-mb", bad]) == 2
        assert "--max-article-mb" in capsys.readouterr().err


def test_nothing_readable_is_exit_2(tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.txt")
    assert main(["scan", str(tmp_path / "pipe.txt")]) == 2
    err = capsys.readouterr().err
    assert "pipe.txt: not a regular file (a FIFO): not read" in err and "no article could be read" in err
